"""Small server-side SVG charts for the PDFs (WeasyPrint runs no JavaScript).

Pure Python string building: each function returns a complete ``<svg>`` element, safe to put
in a template (every label is XML-escaped). Numbers are printed the Vietnamese way (82,22).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

FONT = 'font-family="Liberation Serif, serif"'
BAR = "#1f4e79"
PREVIOUS = "#9db3c8"


def vn(value: Decimal | float | int, places: int = 2) -> str:
    """82.2249 → "82,22" (half-up rounding as Decimal, comma as decimal separator)."""
    text = f"{Decimal(str(value)).quantize(Decimal(1).scaleb(-places)):f}"
    return text.replace(".", ",")


def index_bars(items: Sequence[tuple[str, Decimal]], width: int = 620) -> SafeString:
    """Horizontal bars, one per agency (label, index 0–100), in the order given."""
    row, label_w, top = 16, 230, 4
    plot = width - label_w - 50
    height = top + row * len(items) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="9">'
    ]
    for tick in range(0, 101, 20):
        x = label_w + plot * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 18}" stroke="#ccc" '
            'stroke-width="0.5"/>'
            f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle">{tick}</text>'
        )
    for i, (label, value) in enumerate(items):
        y = top + i * row
        w = plot * float(value) / 100
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 11}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{row - 5}" fill="{BAR}"/>'
            f'<text x="{label_w + w + 4:.1f}" y="{y + 11}">{vn(value)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every label is escaped above


def class_bars(
    counts: Sequence[tuple[str, int, int | None]],
    years: tuple[int, int],
    width: int = 420,
) -> SafeString:
    """Grouped vertical bars: agencies per class this year (dark) and last year (light)."""
    height, bottom, top = 170, 36, 14
    plot_h = height - bottom - top
    peak = max([1, *(c for _, c, _p in counts), *(p or 0 for _, _c, p in counts)])
    group = (width - 20) / max(len(counts), 1)
    bar = min(26.0, group / 3)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" {FONT} font-size="9">',
        f'<line x1="10" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        'stroke="#333" stroke-width="0.6"/>',
    ]
    for i, (label, now, before) in enumerate(counts):
        centre = 10 + group * (i + 0.5)
        for value, x, colour in ((before, centre - bar, PREVIOUS), (now, centre, BAR)):
            if value is None:
                continue
            h = plot_h * value / peak
            y = height - bottom - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/><text x="{x + bar / 2:.1f}" y="{y - 2:.1f}" '
                f'text-anchor="middle">{value}</text>'
            )
        parts.append(
            f'<text x="{centre:.1f}" y="{height - bottom + 12}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    legend_y = height - 8
    parts.append(
        f'<rect x="10" y="{legend_y - 7}" width="8" height="8" fill="{PREVIOUS}"/>'
        f'<text x="22" y="{legend_y}">{years[1]}</text>'
        f'<rect x="60" y="{legend_y - 7}" width="8" height="8" fill="{BAR}"/>'
        f'<text x="72" y="{legend_y}">{years[0]}</text></svg>'
    )
    return mark_safe("".join(parts))  # every label is escaped above
