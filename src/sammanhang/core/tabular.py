"""CSV that Swedish Excel opens as it is, and that cannot run as a formula.

Shared by every app that offers a download (``interop`` for finder lists, ``lending`` for
statistics and the national inventory).

- UTF-8 with a byte-order mark and ``;`` between fields: Swedish Excel reads the comma as the
  decimal sign and so expects ``;``, and without the mark it takes the file for Windows-1252
  and garbles å, ä and ö. Other programs read it as ordinary CSV.
- Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (or a tab or carriage return, which some programs strip first) as a formula, so text typed
  by someone else could run on the reader's computer. Such a cell gets a leading ``'``
  (OWASP's advice; Excel shows it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"


def neutralised(value: str) -> str:
    """The cell text a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_bytes(header: list[str], rows: Iterable[Iterable[object]]) -> bytes:
    """The rows as CSV: UTF-8 with a byte-order mark, ``;`` between fields, CRLF lines, each
    cell neutralised. Numbers are written as they are (a negative number is not text that
    runs, so it keeps its sign)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow([neutralised(cell) for cell in header])
    writer.writerows(
        [cell if isinstance(cell, int | float) else neutralised(str(cell)) for cell in row]
        for row in rows
    )
    return buffer.getvalue().encode("utf-8-sig")
