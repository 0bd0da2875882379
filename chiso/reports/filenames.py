"""File names for downloads: Vietnamese in ``filename*`` (RFC 5987), ASCII as the fallback."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote


def ascii_name(name: str) -> str:
    """ "Kết quả Sở Tư pháp 2023.pdf" → "Ket-qua-So-Tu-phap-2023.pdf" (đ/Đ become d/D)."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    stem = re.sub(r"[^A-Za-z0-9_]+", "-", stem).strip("-") or "chiso"
    return f"{stem}.{ext}" if ext else stem


def attachment(name: str) -> str:
    """A ``Content-Disposition`` value every browser reads, keeping the Vietnamese name."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
