"""The demo province: Phú Yên before the 2025 merger, with its departments and districts.

Names of units are real (public); leaders' names are invented. The aggregates the demo's
results reproduce are those the Director of the Department of Home Affairs gave the provincial
newspaper on 24/01/2024 (../shared/reference/source-article.txt): mean CCHC score of all
evaluated units 74,62% in 2022 and 82,22% in 2023; district block 2022 with 0 "tốt", 5 "khá"
and 4 "trung bình", 2023 with 8 "tốt" and 1 "khá"; no unit "yếu" in 2023. Ban Quản lý Khu kinh
tế led the department block in 2022 with 85,70% (Decision 498/QĐ-UBND of 24/04/2023).
"""

from __future__ import annotations

import datetime

# (code, electronic ID, name, short name)
DEPARTMENTS = [
    ("snv", "000.00.05.H48", "Sở Nội vụ", "SNV"),
    ("stp", "000.00.15.H48", "Sở Tư pháp", "STP"),
    ("skhdt", "000.00.07.H48", "Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("stc", "000.00.13.H48", "Sở Tài chính", "STC"),
    ("sct", "000.00.03.H48", "Sở Công Thương", "SCT"),
    ("snnptnt", "000.00.10.H48", "Sở Nông nghiệp và Phát triển nông thôn", "SNN&PTNT"),
    ("sgtvt", "000.00.04.H48", "Sở Giao thông vận tải", "SGTVT"),
    ("sxd", "000.00.21.H48", "Sở Xây dựng", "SXD"),
    ("stnmt", "000.00.14.H48", "Sở Tài nguyên và Môi trường", "STN&MT"),
    ("stttt", "000.00.16.H48", "Sở Thông tin và Truyền thông", "STT&TT"),
    ("sldtbxh", "000.00.08.H48", "Sở Lao động - Thương binh và Xã hội", "SLĐTB&XH"),
    ("svhttdl", "000.00.20.H48", "Sở Văn hóa, Thể thao và Du lịch", "SVHTT&DL"),
    ("skhcn", "000.00.06.H48", "Sở Khoa học và Công nghệ", "SKH&CN"),
    ("sgddt", "000.00.02.H48", "Sở Giáo dục và Đào tạo", "SGD&ĐT"),
    ("syt", "000.00.22.H48", "Sở Y tế", "SYT"),
    ("ttt", "000.00.17.H48", "Thanh tra tỉnh", "TTT"),
    ("sngv", "000.00.11.H48", "Sở Ngoại vụ", "SNgV"),
    ("bqlkkt", "000.00.23.H48", "Ban Quản lý Khu kinh tế", "BQL KKT"),
    (
        "bqlnncnc",
        "000.00.24.H48",
        "Ban Quản lý Khu Nông nghiệp ứng dụng công nghệ cao",
        "BQL NNCNC",
    ),
]

DISTRICTS = [
    ("tuyhoa", "000.00.31.H48", "UBND thành phố Tuy Hòa", "TP Tuy Hòa"),
    ("songcau", "000.00.32.H48", "UBND thị xã Sông Cầu", "TX Sông Cầu"),
    ("donghoa", "000.00.38.H48", "UBND thị xã Đông Hòa", "TX Đông Hòa"),
    ("dongxuan", "000.00.33.H48", "UBND huyện Đồng Xuân", "H. Đồng Xuân"),
    ("tuyan", "000.00.34.H48", "UBND huyện Tuy An", "H. Tuy An"),
    ("sonhoa", "000.00.35.H48", "UBND huyện Sơn Hòa", "H. Sơn Hòa"),
    ("songhinh", "000.00.36.H48", "UBND huyện Sông Hinh", "H. Sông Hinh"),
    ("tayhoa", "000.00.37.H48", "UBND huyện Tây Hòa", "H. Tây Hòa"),
    ("phuhoa", "000.00.39.H48", "UBND huyện Phú Hòa", "H. Phú Hòa"),
]

# The 2025 reorganisation as lineage: department mergers effective 01/03/2025, districts
# abolished from 01/07/2025 (two-level local government; Nghị quyết 202/2025/QH15).
MERGERS_2025 = [
    # (new code, new name, electronic ID, [predecessor codes])
    ("stc-2025", "Sở Tài chính (sau hợp nhất)", "000.00.13.H48.1", ["skhdt", "stc"]),
    ("snnmt", "Sở Nông nghiệp và Môi trường", "000.00.10.H48.1", ["snnptnt", "stnmt"]),
    ("sxd-2025", "Sở Xây dựng (sau hợp nhất)", "000.00.21.H48.1", ["sxd", "sgtvt"]),
    (
        "skhcn-2025",
        "Sở Khoa học và Công nghệ (sau hợp nhất)",
        "000.00.06.H48.1",
        ["skhcn", "stttt"],
    ),
    ("snv-2025", "Sở Nội vụ (sau hợp nhất)", "000.00.05.H48.1", ["snv", "sldtbxh"]),
]
MERGER_DAY = datetime.date(2025, 3, 1)
DISTRICTS_END = datetime.date(2025, 6, 30)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Hữu", "Đức", "Thanh", "Quang", "Xuân", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hòa",
    "Hùng",
    "Khánh",
    "Lâm",
    "Linh",
    "Long",
    "Mai",
    "Nga",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Trí",
    "Trung",
    "Vân",
]

# Final CCHC index per unit, in %, chosen so that the aggregates above hold exactly.
TARGETS: dict[int, dict[str, str]] = {
    2022: {
        "bqlkkt": "85.70",
        "snv": "77.31",
        "stp": "76.06",
        "skhdt": "74.21",
        "stc": "70.72",
        "sct": "80.84",
        "snnptnt": "83.61",
        "sgtvt": "75.64",
        "sxd": "78.74",
        "stnmt": "81.22",
        "stttt": "81.92",
        "sldtbxh": "80.52",
        "svhttdl": "74.19",
        "skhcn": "78.62",
        "sgddt": "77.56",
        "syt": "77.14",
        "ttt": "70.40",
        "sngv": "80.30",
        "bqlnncnc": "64.59",
        "tuyhoa": "78.45",
        "songcau": "72.10",
        "donghoa": "71.36",
        "dongxuan": "64.80",
        "tuyan": "73.92",
        "sonhoa": "61.25",
        "songhinh": "58.74",
        "tayhoa": "68.90",
        "phuhoa": "70.55",
    },
    2023: {
        "snv": "80.12",
        "stp": "90.36",
        "skhdt": "86.57",
        "stc": "79.24",
        "sct": "82.75",
        "snnptnt": "79.48",
        "sgtvt": "79.16",
        "sxd": "79.49",
        "stnmt": "79.00",
        "stttt": "84.51",
        "sldtbxh": "84.81",
        "svhttdl": "78.97",
        "skhcn": "78.01",
        "sgddt": "86.44",
        "syt": "79.73",
        "ttt": "77.08",
        "sngv": "79.84",
        "bqlkkt": "83.48",
        "bqlnncnc": "84.30",
        "tuyhoa": "88.62",
        "songcau": "84.15",
        "donghoa": "83.40",
        "dongxuan": "79.35",
        "tuyan": "85.08",
        "sonhoa": "81.12",
        "songhinh": "80.46",
        "tayhoa": "82.73",
        "phuhoa": "83.91",
    },
}
