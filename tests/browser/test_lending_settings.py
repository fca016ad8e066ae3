"""An organisation's admin starts a Fritidsbank, changes its loan days and adds a branch, in a
real browser without JavaScript of our own; axe-core finds nothing on each screen (including a
refusal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def place(staff: Any) -> Any:
    """The staff fixture's organisation with a place, open on weekdays (not yet a bank)."""
    from datetime import time

    from sammanhang.accounts.models import Organisation
    from sammanhang.directory.models import Municipality, OpeningHours, Place

    organisation = Organisation.objects.get(slug=staff.slug)
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="helsingborg")
    place = Place.objects.create(
        slug="gemenskapshuset",
        name="Gemenskapshuset",
        owner=organisation,
        municipality=municipality,
        street_address="Storgatan 1",
    )
    for weekday in range(1, 6):
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens_at=time(10), closes_at=time(18)
        )
    return place


def test_an_admin_starts_a_bank_changes_loan_days_and_adds_a_branch(
    page: Page,
    live_server: Any,
    staff: Any,
    place: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    from sammanhang.lending.models import Bank, Branch

    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/")
    page.get_by_role("link", name="Starta utlåning (Fritidsbanken)").click()
    expect(page.locator("h1")).to_have_text("Starta utlåning (Fritidsbanken)")
    expect(page.get_by_label("Lånetid i dagar")).to_have_value("14")
    assert_no_axe_violations(page)

    # A loan time out of bounds: the page says so on the field and keeps what was typed.
    page.get_by_label("Plats", exact=True).select_option(label="Gemenskapshuset, Storgatan 1")
    page.get_by_label("Lånetid i dagar").fill("200")
    page.get_by_role("button", name="Starta utlåningen").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Lånetiden måste vara från 1 till 90 dagar."
    )
    expect(page.get_by_label("Lånetid i dagar")).to_have_value("200")
    assert_no_axe_violations(page)
    assert not Bank.objects.exists()

    page.get_by_label("Lånetid i dagar").fill("14")
    page.get_by_role("button", name="Starta utlåningen").click()
    expect(page.locator("h1")).to_have_text("Inställningar för utlåningen")
    expect(page.get_by_role("status")).to_contain_text(
        "Föreningen Gemenskap lånar nu ut utrustning."
    )
    assert_no_axe_violations(page)
    bank = Bank.objects.get(organisation__slug=staff.slug)
    assert (bank.place_id, bank.loan_days) == (place.pk, 14)

    page.get_by_label("Lånetid i dagar").fill("21")
    page.get_by_role("button", name="Spara inställningarna").click()
    expect(page.get_by_role("status")).to_contain_text("Inställningarna är sparade.")
    expect(page.get_by_label("Lånetid i dagar")).to_have_value("21")
    assert_no_axe_violations(page)
    bank.refresh_from_db()
    assert bank.loan_days == 21

    page.get_by_label("Filialens namn").fill("Filial Väster")
    page.get_by_role("button", name="Lägg till filialen").click()
    expect(page.get_by_role("status")).to_contain_text("Filialen Filial Väster är tillagd.")
    expect(page.get_by_role("cell", name="Filial Väster", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    assert list(Branch.objects.values_list("name", flat=True)) == ["Filial Väster"]

    # The same name again is refused on the field, with the name kept.
    page.get_by_label("Filialens namn").fill("filial väster")
    page.get_by_role("button", name="Lägg till filialen").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Banken har redan en filial som heter filial väster."
    )
    expect(page.get_by_label("Filialens namn")).to_have_value("filial väster")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Ta bort Filial Väster").click()
    expect(page.locator("h1")).to_have_text("Ta bort filialen Filial Väster?")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ta bort filialen").click()
    expect(page.get_by_role("status")).to_contain_text("Filialen Filial Väster är borttagen.")
    assert not Branch.objects.exists()
    assert_no_horizontal_scroll(page)
