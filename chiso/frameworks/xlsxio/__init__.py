"""Frameworks as the Excel workbook officials edit, read and written exactly.

Three sheets (layout in docs/framework-format.md): "Thông tin" (one row per setting),
"Tiêu chí" (one row per field/criterion, parent by code) and "Điểm thưởng, trừ". Parameters are
written the way officials write them (``≥98:3; ≥95:2; còn lại:0``, decimal comma). Reading
reports every bad cell at once as "Sheet 'Tiêu chí', dòng 12, cột F: …"; the dict it returns
is the canonical one, so dict → xlsx → dict is the identity. No Django import.

The modules: ``layout`` (sheets, columns, labels), ``write``, ``cells`` (reading one cell),
``read`` (reading the sheets) and ``locate`` (framework problems → cells).
"""

from __future__ import annotations

from .read import load_xlsx, read_xlsx
from .write import write_xlsx

__all__ = ["load_xlsx", "read_xlsx", "write_xlsx"]
