"""Bar charts as inline SVG, drawn on the server: no JavaScript and no chart library.

Each chart is a picture (``role="img"``) named by its ``<title>``; the numbers are written
next to every bar, so nothing is told by colour alone, and the page follows every chart
with a table of the same figures for anyone who cannot see it. The bars are the site's
green (#00703c, 5.9:1 against white; at least 3:1 is needed for graphics) and the text is
the site's near-black.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
LABEL_WIDTH = 190
BAR_AREA = 360
ROW = 26
BAR = 18
LABEL_CHARS = 26
BAR_COLOUR = "#00703c"
TEXT_COLOUR = "#0b0c0c"


def _short(label: str) -> str:
    # The table below the chart has the whole label; the chart keeps its column.
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(
    *, chart_id: str, title: str, bars: Sequence[tuple[str, int | Decimal]]
) -> SafeString:
    """A horizontal bar chart: one row per ``(label, value)``, the value written after the
    bar. ``chart_id`` must be unique on the page (it names the title)."""
    largest = max((value for _label, value in bars), default=0) or 1
    height = ROW * max(len(bars), 1) + 8
    rows = []
    for index, (label, value) in enumerate(bars):
        y = 4 + index * ROW
        # A bar for any count above zero, however small next to the largest.
        length = max(int(BAR_AREA * value / largest), 1 if value else 0)
        rows.append(
            (
                LABEL_WIDTH - 8,
                y + BAR - 4,
                _short(label),
                LABEL_WIDTH,
                y,
                length,
                BAR,
                BAR_COLOUR,
                LABEL_WIDTH + length + 6,
                y + BAR - 4,
                number_format(value, use_l10n=True, force_grouping=True),
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"></rect>'
        '<text x="{}" y="{}">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="chart" role="img" aria-labelledby="{id}-title" viewBox="0 0 {w} {h}" '
        'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        'font-size="14" fill="{text}"><title id="{id}-title">{title}</title>'
        '<g fill="{text}">{body}</g></svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        text=TEXT_COLOUR,
        title=title,
        body=body,
    )
