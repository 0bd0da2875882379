"""Block names for framework pages and the diff: frameworks name blocks by code
(``so-ban-nganh``); people read names ("Khối sở, ban, ngành")."""

from __future__ import annotations

from chiso.org.models import Block

__all__ = ["block_names"]


def block_names(year: int | None = None) -> dict[str, str]:
    """Block names by code: the name of the latest year up to ``year`` that has the block,
    else (a block only of later years) of the earliest year after it; every block's latest
    name when ``year`` is None."""
    names: dict[str, str] = {}
    for code, block_year, name in Block.objects.order_by("year").values_list(
        "code", "year", "name"
    ):
        # Ascending years: the latest year up to ``year`` wins; a block only of later years
        # keeps its first name.
        if year is None or block_year <= year or code not in names:
            names[code] = name
    return names
