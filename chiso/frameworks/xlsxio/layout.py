"""The layout of the framework workbook, shared by the writer and the reader: sheet names, the
settings of "Thông tin", the columns of "Tiêu chí" and "Điểm thưởng, trừ", and the Vietnamese
labels officials see instead of the canonical dict's codes."""

from __future__ import annotations

INFO, NODES, ADJUSTMENTS = "Thông tin", "Tiêu chí", "Điểm thưởng, trừ"

RULE_LABELS = {
    "manual": "Chấm trực tiếp",
    "yes_no": "Có/Không",
    "tiered": "Theo bậc",
    "ratio": "Theo tỷ lệ",
    "survey": "Điều tra xã hội học",
    "metric": "Chỉ số tự động",
}
KIND_LABELS = {"par_index": "Chỉ số CCHC", "service_index": "Chỉ số phục vụ (766)"}
ADJUSTMENT_LABELS = {"bonus": "Thưởng", "penalty": "Trừ"}
OTHERWISE = "còn lại"
ALL_TYPES = "Tất cả"
YES = "Có"


def _by_label(labels: dict[str, str]) -> dict[str, str]:
    return {label.lower(): code for code, label in labels.items()}


# What the reader accepts, by lower-case text: a label, or for rules and adjustments the code.
RULES_BY_LABEL = _by_label(RULE_LABELS) | {code: code for code in RULE_LABELS}
ADJUSTMENTS_BY_LABEL = _by_label(ADJUSTMENT_LABELS) | {code: code for code in ADJUSTMENT_LABELS}
KINDS_BY_LABEL = _by_label(KIND_LABELS)

# Sheet "Thông tin": (label, key, kind, note). Keys with a dot live in a sub-dict.
INFO_ROWS: list[tuple[str, str, str, str]] = [
    (
        "Mã bộ chỉ số",
        "code",
        "text",
        "Chữ thường không dấu, số, gạch ngang; giữ nguyên qua các năm",
    ),
    ("Năm áp dụng", "year", "int", ""),
    ("Phiên bản", "version", "int", "1, 2, 3… khi sửa bộ chỉ số trong cùng một năm"),
    ("Tên bộ chỉ số", "title", "text", ""),
    ("Loại bộ chỉ số", "kind", "kind", "Chỉ số CCHC hoặc Chỉ số phục vụ (766)"),
    ("Khối áp dụng", "blocks", "list", "Mã các khối, cách nhau bởi dấu phẩy"),
    ("Tổng điểm", "total_points", "number", ""),
    ("Số chữ số thập phân của điểm", "rounding.points", "int", "Từ 0 đến 6"),
    ("Số chữ số thập phân của tỷ lệ %", "rounding.percent", "int", "Từ 0 đến 6"),
    ("Cách làm tròn", "rounding.mode", "text", "half_up (làm tròn lên từ 5), half_even, down"),
    ("Điểm cuối cùng thấp nhất", "final_min", "number", ""),
    ("Điểm cuối cùng cao nhất", "final_max", "number", ""),
    ("Xếp loại", "classification", "scale", "Ví dụ: Xuất sắc: ≥90; Tốt: ≥80; Yếu: còn lại"),
    (
        "Tiêu chí phụ khi bằng điểm",
        "tie_break",
        "list",
        "final, base, bonus, penalty, survey, name, node:<mã>",
    ),
    (
        "Trọng số phần được phân công của cấp phó",
        "leaders.deputy_assigned_weight",
        "number",
        "Từ 0 đến 1",
    ),
    ("Thang xếp loại lãnh đạo", "leaders.scale", "scale", "Để trống: dùng thang xếp loại ở trên"),
    ("Trần điểm thưởng", "adjustments.bonus_cap", "number", ""),
    ("Trần điểm trừ", "adjustments.penalty_cap", "number", ""),
]

# Sheet "Tiêu chí": (key, header, width).
NODE_COLUMNS: list[tuple[str, str, int]] = [
    ("level", "Cấp", 6),
    ("code", "Mã", 8),
    ("parent", "Mã cha", 8),
    ("title", "Nội dung", 60),
    ("max_points", "Điểm tối đa", 10),
    ("rule", "Loại quy tắc", 18),
    ("params", "Tham số", 34),
    ("unit", "Đơn vị tính", 10),
    ("source", "Nguồn dữ liệu", 30),
    ("evidence", "Minh chứng bắt buộc", 12),
    ("hint", "Tài liệu minh chứng", 34),
    ("guidance", "Hướng dẫn", 50),
    ("na", "Không đánh giá (N/A) cho loại cơ quan", 18),
]
ADJUSTMENT_COLUMNS: list[tuple[str, str, int]] = [
    ("code", "Mã", 8),
    ("kind", "Loại", 10),
    ("title", "Nội dung", 70),
    ("points_each", "Điểm mỗi lần", 12),
    ("max", "Tối đa", 10),
    ("evidence_required", "Minh chứng bắt buộc", 12),
]
HEADER_ROW = 2  # row 1 holds the merged sheet title
