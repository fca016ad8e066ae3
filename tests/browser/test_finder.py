"""The public finder in a real browser: axe on every state, reflow, and a keyboard-only search."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [pytest.param("", "sv", id="sv"), pytest.param("/en", "en", id="en")]
STATES = {
    "empty": "/aktiviteter/",
    "results": "/aktiviteter/?district=soder&time_of_day=evening&free=on",
    "no-results": "/aktiviteter/?district=centrum&time_of_day=weekend",
    "errors": "/aktiviteter/?starts_after=25:99&date_from=2027-02-10&date_to=2027-02-01",
}


@pytest.fixture
def finder_data(transactional_db: None, make_organisation: Callable[..., Any]) -> None:
    from sammanhang.directory.models import District, Municipality, Place
    from sammanhang.directory.tests.conftest import make_activity

    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="hbg")
    organisation = make_organisation("Mötesplatsföreningen")
    for code, name in [("soder", "Söder"), ("centrum", "Centrum")]:
        district = District.objects.create(municipality=municipality, code=code, name=name)
        place = Place.objects.create(
            slug=f"hus-{code}",
            name=f"Huset {name}",
            owner=organisation,
            municipality=municipality,
            district=district,
        )
        make_activity(
            organisation,
            f"kvallsfika-{code}",
            place=place,
            title=f"Kvällsfika {name}",
            target_groups=["alla"],
            categories=["motesplats"],
        )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_finder_has_no_axe_violations_and_reflows(
    page: Page,
    live_server: Any,
    finder_data: None,
    prefix: str,
    language: str,
    state: str,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    response = page.goto(f"{live_server.url}{prefix}{STATES[state]}")
    assert response is not None
    assert response.status == (400 if state == "errors" else 200)
    expect(page.locator("html")).to_have_attribute("lang", language)
    for summary in page.locator("details.filter-group > summary").all():
        summary.click()  # open every group so axe sees every control
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page)


def test_errors_take_focus_and_keep_what_was_typed(
    page: Page, live_server: Any, finder_data: None
) -> None:
    page.goto(f"{live_server.url}{STATES['errors']}")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page).to_have_title("Fel: Hitta aktiviteter – Sammanhang")
    expect(page.locator("#id_date_from")).to_have_value("2027-02-10")
    expect(page.locator("#id_date_to")).to_have_value("2027-02-01")
    expect(page.locator("#id_date_to_error")).to_contain_text("Slutdatumet är före startdatumet.")


def test_keyboard_only_search_opens_a_result(
    page: Page, live_server: Any, finder_data: None, artifacts_dir: Path
) -> None:
    page.goto(f"{live_server.url}/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Hitta aktiviteter":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    page.keyboard.type("Söder")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter/?q=*")
    expect(page.locator("#results")).to_have_text("1 aktivitet hittades")
    expect(page.locator(".result__title")).to_have_text(["Kvällsfika Söder"])
    expect(page.locator("#id_q")).to_have_value("Söder")
    page.screenshot(path=str(artifacts_dir / "finder-results.png"), full_page=True)
    # On to the result, still with Tab and Enter only.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.result__title') !== null"):
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter/kvallsfika-soder/")
    expect(page.locator("h1")).to_have_text("Kvällsfika Söder")


def test_finder_works_without_javascript(
    new_context: Callable[..., Any], live_server: Any, finder_data: None
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/aktiviteter/")
    page.locator("details.filter-group").nth(1).locator("summary").click()
    page.get_by_label("Centrum").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Visa aktiviteter").click()
    expect(page.locator(".result__title")).to_have_text(["Kvällsfika Centrum"])
    expect(page.get_by_role("link", name="Stadsdel: Centrum – ta bort filtret")).to_be_visible()


def test_the_search_downloads_as_csv_and_excel_without_javascript(
    new_context: Callable[..., Any], live_server: Any, finder_data: None, tmp_path: Path
) -> None:
    import csv

    from openpyxl import load_workbook

    page = new_context(java_script_enabled=False, accept_downloads=True).new_page()
    page.goto(f"{live_server.url}/aktiviteter/?district=centrum")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Ladda ner som CSV").click()
    saved = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(saved)
    assert saved.suffix == ".csv"
    with saved.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert [row[0] for row in rows] == ["Rubrik", "Kvällsfika Centrum"]

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Ladda ner som Excel").click()
    workbook = tmp_path / xlsx_download.value.suggested_filename
    xlsx_download.value.save_as(workbook)
    sheet = load_workbook(workbook).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows()] == ["Rubrik", "Kvällsfika Centrum"]
