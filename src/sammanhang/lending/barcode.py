"""Code 128 barcodes as inline SVG, for the labels staff print and the desk scans.

Code set B only: it covers printable ASCII (space to ``~``), which is all an ID number
needs. No library is needed for this, and none is installed; the encoding is small and is
tested against the published patterns.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Bar and space widths (in modules) of the 107 Code 128 symbols, by value: bar, space, bar,
# space, bar, space (the stop symbol has a final 2-module bar). Each sums to 11 (stop: 13).
PATTERNS: tuple[str, ...] = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212",
    "221213", "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221",
    "223211", "221132", "221231", "213212", "223112", "312131", "311222", "321122", "321221",
    "312212", "322112", "322211", "212123", "212321", "232121", "111323", "131123", "131321",
    "112313", "132113", "132311", "211313", "231113", "231311", "112133", "112331", "132131",
    "113123", "113321", "133121", "313121", "211331", "231131", "213113", "213311", "213131",
    "311123", "311321", "331121", "312113", "312311", "332111", "314111", "221411", "431111",
    "111224", "111422", "121124", "121421", "141122", "141221", "112214", "112412", "122114",
    "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111", "111242",
    "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311",
    "113141", "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)  # fmt: skip

START_B = 104
STOP = 106
# The quiet zone scanners need on each side, in modules.
QUIET = 10


class BarcodeError(ValueError):
    """The text has a character Code 128 set B cannot encode."""


def code128b_values(text: str) -> list[int]:
    """The symbol values for ``text``: start B, one per character, the checksum, stop.

    The checksum is the start value plus each character's value times its position
    (1-based), modulo 103.
    """
    if not text:
        raise BarcodeError("Nothing to encode.")
    values = []
    for char in text:
        if not 32 <= ord(char) <= 127:
            raise BarcodeError(f"Code 128 set B cannot encode {char!r}.")
        values.append(ord(char) - 32)
    checksum = (START_B + sum(pos * value for pos, value in enumerate(values, 1))) % 103
    return [START_B, *values, checksum, STOP]


def code128b_modules(text: str) -> str:
    """The barcode as a string of modules, ``1`` for bar and ``0`` for space (no quiet zone)."""
    modules = []
    for value in code128b_values(text):
        for index, width in enumerate(PATTERNS[value]):
            modules.append(("1" if index % 2 == 0 else "0") * int(width))
    return "".join(modules)


def code128b_svg(text: str, *, height: int = 50, title: str = "") -> SafeString:
    """An inline SVG of ``text`` as Code 128 B, one unit per module, scaled by CSS.

    ``title`` is the accessible name (the code in text is printed next to the barcode too).
    """
    modules = code128b_modules(text)
    width = len(modules) + 2 * QUIET
    rects = []
    x = 0
    while x < len(modules):
        if modules[x] == "1":
            run = len(modules[x:]) - len(modules[x:].lstrip("1"))
            rects.append(f'<rect x="{x + QUIET}" y="0" width="{run}" height="{height}"/>')
            x += run
        else:
            x += 1
    label = escape(title or text)
    return mark_safe(  # noqa: S308 - every interpolated value is a number or escaped
        f'<svg xmlns="http://www.w3.org/2000/svg" class="barcode" viewBox="0 0 {width} {height}"'
        f' preserveAspectRatio="none" role="img" aria-label="{label}">'
        f'<rect width="{width}" height="{height}" fill="#fff"/>'
        f'<g fill="#000" shape-rendering="crispEdges">{"".join(rects)}</g></svg>'
    )
