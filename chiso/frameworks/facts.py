"""The catalogue of fact names that framework rules may read.

A fact is a value per agency and period computed outside an assessment (a dossier rate, a survey
index, a task-tracking rate). Rules name facts; the engine never asks where they come from.
Validating a framework against :data:`KNOWN_FACTS` catches typos such as ``dossier.ontime_rate``
before a year's scoring silently finds no value. Adding a new source of facts means adding its
names here. No Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FACTS", "KNOWN_FACTS", "Fact", "describe_fact"]

# Where facts come from (shown next to the label).
ONE_STOP = "Hệ thống thông tin giải quyết TTHC của tỉnh"
PORTAL = "Cổng Dịch vụ công quốc gia (Bộ chỉ số 766)"
PETITIONS = "Hệ thống tiếp nhận, xử lý phản ánh, kiến nghị"
CATALOGUE = "Cơ sở dữ liệu quốc gia về TTHC"
TASKS = "Hệ thống theo dõi nhiệm vụ của UBND tỉnh"
DOCUMENTS = "Hệ thống quản lý văn bản và điều hành"
SURVEY = "Điều tra xã hội học của Sở Nội vụ"
SIPAS = "Khảo sát sự hài lòng của người dân, tổ chức (SIPAS)"
PLANS = "Kế hoạch CCHC và kiểm tra công vụ (chiso)"


@dataclass(frozen=True)
class Fact:
    name: str
    label: str  # Vietnamese
    label_en: str
    unit: str = "%"
    source: str = ""


FACTS: dict[str, Fact] = {
    f.name: f
    for f in [
        # -- dossiers (hồ sơ TTHC), from the one-stop system and the national portal
        Fact(
            "dossier.on_time_rate",
            "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn",
            "Share of dossiers resolved on time",
            source=ONE_STOP,
        ),
        Fact(
            "dossier.apology_rate",
            "Tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi, hẹn lại",
            "Share of late dossiers with an apology letter",
            source=ONE_STOP,
        ),
        Fact(
            "dossier.digitised_rate",
            "Tỷ lệ hồ sơ, kết quả giải quyết TTHC được số hóa",
            "Share of dossiers and results digitised",
            source=ONE_STOP,
        ),
        Fact(
            "dossier.online_rate",
            "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
            "Share of dossiers received online",
            source=ONE_STOP,
        ),
        Fact(
            "dossier.full_online_rate",
            "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình",
            "Share of end-to-end online dossiers",
            source=PORTAL,
        ),
        Fact(
            "dossier.full_online_procedures_rate",
            "Tỷ lệ TTHC đủ điều kiện được cung cấp dịch vụ công trực tuyến toàn trình",
            "Share of eligible procedures offered fully online",
            source=CATALOGUE,
        ),
        Fact(
            "dossier.online_payment_rate",
            "Tỷ lệ hồ sơ có nghĩa vụ tài chính được thanh toán trực tuyến",
            "Share of fee-bearing dossiers paid online",
            source=ONE_STOP,
        ),
        Fact(
            "dossier.sync_rate",
            "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
            "Share of dossiers synchronised to the national portal",
            source=PORTAL,
        ),
        Fact(
            "dossier.e_result_rate",
            "Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử",
            "Share of dossiers with an electronic result",
            source=PORTAL,
        ),
        Fact(
            "dossier.reused_data_rate",
            "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa",
            "Share of dossiers reusing digitised data",
            source=PORTAL,
        ),
        Fact(
            "dossier.personal_store_rate",
            "Tỷ lệ hồ sơ kết nối kho dữ liệu cá nhân trên Cổng DVCQG",
            "Share of dossiers connected to the citizen's data store",
            source=PORTAL,
        ),
        Fact(
            "dossier.population_data_rate",
            "Tỷ lệ hồ sơ TTHC có sử dụng thông tin, dữ liệu dân cư",
            "Share of dossiers using population data",
            source=PORTAL,
        ),
        Fact(
            "dossier.satisfaction_rate",
            "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
            "Satisfaction with receiving and resolving procedures",
            source=PORTAL,
        ),
        # -- administrative procedures (TTHC)
        Fact(
            "procedure.published_on_time_rate",
            "Tỷ lệ TTHC được công bố đúng hạn",
            "Share of procedures published on time",
            source=CATALOGUE,
        ),
        Fact(
            "procedure.public_update_on_time_rate",
            "Tỷ lệ TTHC được cập nhật, công khai đúng hạn",
            "Share of procedures updated and made public on time",
            source=CATALOGUE,
        ),
        Fact(
            "procedure.public_content_full_rate",
            "Tỷ lệ TTHC công khai đầy đủ các bộ phận tạo thành",
            "Share of procedures published with all components",
            source=CATALOGUE,
        ),
        Fact(
            "procedure.online_payment_integrated_rate",
            "Tỷ lệ TTHC có nghĩa vụ tài chính được tích hợp thanh toán trực tuyến",
            "Share of fee-bearing procedures with online payment integrated",
            source=PORTAL,
        ),
        Fact(
            "procedure.online_payment_transaction_rate",
            "Tỷ lệ TTHC có phát sinh giao dịch thanh toán trực tuyến",
            "Share of fee-bearing procedures with online payment transactions",
            source=PORTAL,
        ),
        Fact(
            "procedure.e_certified_copy_rate",
            "Tỷ lệ đơn vị cấp xã cung cấp dịch vụ chứng thực bản sao điện tử từ bản chính",
            "Share of communes offering electronic certified copies",
            source=PORTAL,
        ),
        Fact(
            "procedure.population_data_rate",
            "Tỷ lệ TTHC triển khai kết nối, chia sẻ dữ liệu dân cư",
            "Share of procedures connected to population data",
            source=PORTAL,
        ),
        # -- petitions (phản ánh, kiến nghị)
        Fact(
            "petition.on_time_rate",
            "Tỷ lệ phản ánh, kiến nghị được xử lý đúng hạn",
            "Share of petitions handled on time",
            source=PETITIONS,
        ),
        Fact(
            "petition.satisfaction_rate",
            "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị",
            "Satisfaction with petition handling",
            source=PETITIONS,
        ),
        # -- other systems
        Fact(
            "service_index.766",
            "Điểm Bộ chỉ số phục vụ người dân, doanh nghiệp (766), bình quân năm",
            "Decision 766 service index score, yearly average",
            unit="điểm",
            source=PORTAL,
        ),
        Fact(
            "task.on_time_rate",
            "Tỷ lệ nhiệm vụ UBND tỉnh giao được hoàn thành đúng hạn",
            "Share of tasks assigned by the Provincial People's Committee done on time",
            source=TASKS,
        ),
        Fact(
            "plan.done_rate",
            "Tỷ lệ nhiệm vụ kế hoạch CCHC đã hoàn thành",
            "Share of reform plan tasks done",
            source=PLANS,
        ),
        Fact(
            "plan.on_time_rate",
            "Tỷ lệ nhiệm vụ kế hoạch CCHC hoàn thành đúng hạn",
            "Share of reform plan tasks done on time",
            source=PLANS,
        ),
        Fact(
            "plan.late_rate",
            "Tỷ lệ nhiệm vụ kế hoạch CCHC hoàn thành quá hạn",
            "Share of reform plan tasks done late",
            source=PLANS,
        ),
        Fact(
            "plan.not_done_rate",
            "Tỷ lệ nhiệm vụ kế hoạch CCHC đến hạn chưa hoàn thành",
            "Share of reform plan tasks due and not done",
            source=PLANS,
        ),
        Fact(
            "inspection.findings",
            "Số phát hiện qua kiểm tra công vụ trong năm",
            "Findings of public-service inspections in the year",
            unit="lần",
            source=PLANS,
        ),
        Fact(
            "inspection.discipline_findings",
            "Số vi phạm kỷ luật, kỷ cương hành chính qua kiểm tra công vụ",
            "Breaches of administrative discipline found by inspections",
            unit="lần",
            source=PLANS,
        ),
        Fact(
            "document.signed_electronic_rate",
            "Tỷ lệ văn bản đi được ký số, gửi nhận trên môi trường điện tử",
            "Share of outgoing documents signed and sent electronically",
            source=DOCUMENTS,
        ),
        Fact(
            "document.end_to_end_rate",
            "Tỷ lệ hồ sơ công việc được xử lý toàn trình trên môi trường mạng",
            "Share of work files handled end to end online",
            source=DOCUMENTS,
        ),
        # -- surveys (indices 0–100 per agency; a rule {type: survey, survey: X} reads survey.X)
        Fact(
            "survey.lanh_dao.chi_dao_dieu_hanh",
            "Khảo sát lãnh đạo: sự quyết liệt, năng động trong chỉ đạo CCHC",
            "Leaders' survey: commitment in directing reform",
            source=SURVEY,
        ),
        Fact(
            "survey.lanh_dao.van_ban",
            "Khảo sát lãnh đạo: chất lượng, tính khả thi của văn bản",
            "Leaders' survey: quality of legal documents",
            source=SURVEY,
        ),
        Fact(
            "survey.lanh_dao.bo_may",
            "Khảo sát lãnh đạo: tổ chức bộ máy, phân công nhiệm vụ",
            "Leaders' survey: organisation and division of tasks",
            source=SURVEY,
        ),
        Fact(
            "survey.lanh_dao.cong_vu",
            "Khảo sát lãnh đạo và người dân: tinh thần phục vụ của công chức",
            "Leaders' and citizens' survey: civil servants' service",
            source=SURVEY,
        ),
        Fact(
            "survey.lanh_dao.tai_chinh_cong",
            "Khảo sát lãnh đạo: công khai, minh bạch tài chính công",
            "Leaders' survey: transparency of public finance",
            source=SURVEY,
        ),
        Fact(
            "survey.lanh_dao.tac_dong",
            "Khảo sát lãnh đạo và doanh nghiệp: tác động của CCHC",
            "Leaders' and businesses' survey: impact of reform",
            source=SURVEY,
        ),
        Fact(
            "survey.sipas",
            "Chỉ số hài lòng của người dân, tổ chức (SIPAS)",
            "Citizens' and organisations' satisfaction index (SIPAS)",
            source=SIPAS,
        ),
        Fact(
            "survey.sipas.dich_vu_so",
            "SIPAS: mức độ thuận tiện của dịch vụ số",
            "SIPAS: convenience of digital services",
            source=SIPAS,
        ),
        # element indices of the SIPAS form and the leaders' e-government topic (chiso/surveys)
        Fact("survey.sipas.tiep_can", "SIPAS: tiếp cận dịch vụ", "SIPAS: access", source=SIPAS),
        Fact("survey.sipas.thu_tuc", "SIPAS: thủ tục hành chính", "SIPAS: procedure", source=SIPAS),
        Fact("survey.sipas.cong_chuc", "SIPAS: công chức", "SIPAS: civil servant", source=SIPAS),
        Fact("survey.sipas.ket_qua", "SIPAS: kết quả giải quyết", "SIPAS: result", source=SIPAS),
        Fact(
            "survey.sipas.gop_y",
            "SIPAS: tiếp nhận, xử lý góp ý, phản ánh",
            "SIPAS: feedback handling",
            source=SIPAS,
        ),
        Fact(
            "survey.lanh_dao.chinh_quyen_so",
            "Khảo sát lãnh đạo: chính quyền điện tử, chính quyền số",
            "Leaders' survey: e-government and digital government",
            source=SURVEY,
        ),
    ]
}

KNOWN_FACTS: frozenset[str] = frozenset(FACTS)


def describe_fact(name: str, lang: str = "vi") -> str:
    """The label of a fact for people, or the bare name when it is not in the catalogue."""
    fact = FACTS.get(name)
    if fact is None:
        return name
    return fact.label_en if lang.startswith("en") else fact.label
