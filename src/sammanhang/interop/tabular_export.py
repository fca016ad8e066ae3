"""A finder search as a table to download: CSV for any program, XLSX for Excel.

Support staff hand printed or e-mailed lists to visitors; this gives them the same results as
the finder page (same ``FinderForm``, same selector, same order) with one row per activity and
its facts spelt out in the active language.

Rules:
- At most ``EXPORT_LIMIT`` rows; the caller is told whether the list was cut (``cut``).
- CSV is UTF-8 with a byte-order mark and ``;`` between fields: Swedish Excel reads the
  comma as the decimal sign and so expects ``;``, and without the mark it takes the file for
  Windows-1252 and garbles å, ä and ö. Other programs read it as ordinary CSV.
- Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
  (or a tab or carriage return, which some programs strip first) as a formula, so text from
  providers could run on the reader's computer. In CSV such a cell gets a leading ``'``
  (OWASP's advice; Excel shows it; ``core.tabular.neutralised``). In XLSX every cell is
  written as a typed string, which a spreadsheet never evaluates, so the text stays as it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sammanhang.core.tabular import CSV_DELIMITER, neutralised
from sammanhang.directory import selectors
from sammanhang.directory.finder import ShownSession
from sammanhang.directory.models import Activity, CompanionFree
from sammanhang.directory.templatetags.directory import language_name, schedule_words

EXPORT_LIMIT = 5000
# Rows are read in chunks, so the prefetch queries stay short however long the list.
CHUNK = 500
# Column widths in XLSX (characters), by column; long text wraps within the width.
_WIDTHS = (30, 28, 28, 36, 16, 48, 40, 8, 16, 20, 8, 30, 30, 20, 16, 36, 48)


@dataclass
class Table:
    """A finder search as rows of text, with the header in the active language."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    cut: bool = False


def header() -> list[str]:
    """Column names in the active language, in the order ``activity_row`` fills them."""
    return [
        _("Title"),
        _("Organiser"),
        _("Place"),
        _("Address"),
        _("District"),
        _("Next times"),
        _("Days and times"),
        _("Free"),
        _("Price"),
        _("Companion goes free"),
        _("Drop in"),
        _("Target groups"),
        _("Categories"),
        _("Age"),
        _("Language"),
        _("Contact"),
        _("Web address"),
    ]


def finder_table(
    criteria: selectors.FinderCriteria,
    *,
    url_for: Callable[[Activity], str],
    limit: int | None = None,
) -> Table:
    """The finder's results for ``criteria``, at most ``limit`` (``EXPORT_LIMIT``) rows, in
    the finder's order.

    ``url_for`` gives an activity's public address (absolute, in the reader's language).
    """
    limit = EXPORT_LIMIT if limit is None else limit
    results = selectors.activity_list_for_finder(criteria)
    table = Table(header=header())
    words = _Words()
    start = 0
    while start <= limit:
        # One past the limit is read to know whether the list was cut.
        chunk = results[start : min(start + CHUNK, limit + 1)]
        facts = selectors.activity_facts_for_lists([activity.pk for activity in chunk])
        for activity in chunk:
            if len(table.rows) == limit:
                table.cut = True
                break
            table.rows.append(
                activity_row(activity, facts[activity.pk], url=url_for(activity), words=words)
            )
        if len(chunk) < CHUNK or table.cut:
            break
        start += CHUNK
    return table


def activity_row(
    activity: Any, facts: selectors.ListedFacts, *, url: str, words: _Words | None = None
) -> list[str]:
    """One activity as the columns of ``header``: what a reader needs without the website.

    ``activity`` is a finder result (its ``upcoming`` sessions and running ``rules`` read).
    """
    words = words or _Words()
    places = facts.places
    sessions: list[ShownSession] = getattr(activity, "upcoming", [])
    return [
        activity.title,
        activity.organisation.name,
        "; ".join(place.name for place in places)
        or (_("Online") if activity.online else _("Ask the organiser")),
        "; ".join(filter(None, (_address(place) for place in places))),
        "; ".join(dict.fromkeys(place.district for place in places if place.district)),
        "; ".join(words.session(session) for session in sessions),
        "; ".join(schedule_words(rule) for rule in getattr(activity, "rules", [])),
        _yes_no(activity.is_free),
        "" if activity.is_free else activity.price,
        _companion(activity),
        _yes_no(activity.drop_in),
        ", ".join(facts.target_groups),
        ", ".join(facts.categories),
        _ages(activity.age_min, activity.age_max),
        ", ".join(words.language(code) for code in facts.languages),
        ", ".join(
            filter(None, (activity.contact_role, activity.contact_email, activity.contact_phone))
        ),
        url,
    ]


def _address(place: selectors.ListedPlace) -> str:
    town = " ".join(filter(None, (place.postal_code, place.city)))
    return ", ".join(filter(None, (place.street_address, town)))


class _Words:
    """Dates and language names in words, each worked out once per list: a long list repeats
    the same few dozen dates and languages thousands of times."""

    def __init__(self) -> None:
        self._days: dict[date, str] = {}
        self._languages: dict[str, str] = {}
        self._cancelled = _("Cancelled:")

    def session(self, session: ShownSession) -> str:
        """ "tisdag 1 december 2026 17:00–19:00, Söderhuset": a full date, as a list is
        read later; a cancelled one says so, with its reason."""
        day = self._days.get(session.date)
        if day is None:
            day = self._days[session.date] = date_format(session.date, "l j F Y")
        text = f"{day} {session.local_start:%H:%M}–{session.local_end:%H:%M}"
        if session.place is not None:
            text += f", {session.place.name}"
        if session.cancelled:
            text = f"{self._cancelled} {text}"
            if session.note:
                text += f" – {session.note}"
        return text

    def language(self, code: str) -> str:
        if code not in self._languages:
            self._languages[code] = language_name(code)
        return self._languages[code]


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _companion(activity: Any) -> str:
    words = str(CompanionFree(activity.companion_free).label)
    return f"{words} – {activity.companion_terms}" if activity.companion_terms else words


def _ages(age_min: int | None, age_max: int | None) -> str:
    if age_min is not None and age_max is not None:
        return f"{age_min}–{age_max}"
    if age_min is not None:
        return _("From %(age)s") % {"age": age_min}
    if age_max is not None:
        return _("Up to %(age)s") % {"age": age_max}
    return ""


def table_csv(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark, ``;`` between fields, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    writer.writerow([neutralised(cell) for cell in table.header])
    writer.writerows([neutralised(cell) for cell in row] for row in table.rows)
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(table: Table, *, about: Iterable[tuple[str, str]] = ()) -> bytes:
    """The table as an Excel workbook: a bold, frozen header row, set column widths, and a
    second sheet ``about`` (what was searched, when, and whether the list was cut)."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = _("Activities")[:31]
    _write_row(sheet, table.header, row=1)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(table.rows, start=2):
        _write_row(sheet, row, row=number)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, width in enumerate(_WIDTHS[: len(table.header)], start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    notes = workbook.create_sheet(_("About the list")[:31])
    for number, (label, value) in enumerate(about, start=1):
        _write_row(notes, [label, value], row=number)
        notes.cell(row=number, column=1).font = Font(bold=True)
    notes.column_dimensions["A"].width = 24
    notes.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_row(sheet: Any, values: list[str], *, row: int) -> None:
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        # openpyxl takes text starting with "=" for a formula; typed as a string, it is not.
        cell.data_type = "s"
