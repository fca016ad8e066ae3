"""The public Fritidsbank pages in a real browser: the list of banks, a bank's page and its
inventory filter (a GET form, no JavaScript of our own); axe-core finds nothing in Swedish
and English, and nothing scrolls sideways at 320 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [pytest.param("", "sv", id="sv"), pytest.param("/en", "en", id="en")]
# A Monday at noon: the bank below is open.
FIXED_NOW = "2026-12-07T12:00"


@pytest.fixture
def public_bank(transactional_db: None, settings: Any) -> Any:
    """A bank open Monday and Wednesday with skates and a tent, some on loan."""
    from sammanhang.accounts import services
    from sammanhang.directory.models import District, Municipality, OpeningHours, Place, Term
    from sammanhang.lending.models import Article, ArticleStatus, ArticleType, Bank

    settings.SAMMANHANG_FIXED_NOW = FIXED_NOW
    organisation = services.organisation_create(
        actor=None,
        name="Fritidsbanken Söder",
        slug="fritidsbanken-soder",
        kind="association",
        phone="010-000 00 17",
    )
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="helsingborg")
    district = District.objects.create(municipality=municipality, code="soder", name="Söder")
    place = Place.objects.create(
        slug="fritidsbanken-soder",
        name="Fritidsbanken Söder",
        owner=organisation,
        municipality=municipality,
        district=district,
        street_address="Kopparmöllegatan 14",
        postal_code="252 51",
        city="Helsingborg",
    )
    for weekday in (1, 3):
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens_at=time(10), closes_at=time(18)
        )
    bank = Bank.objects.create(organisation=organisation, place=place)
    # Transactional tests flush the taxonomy the migrations loaded, so make sure it is there.
    winter, _created = Term.objects.get_or_create(
        taxonomy="sammanhang-utrustning",
        code="vinter",
        defaults={"name_sv": "Vintersport", "name_en": "Winter sports"},
    )
    skates_term, _created = Term.objects.get_or_create(
        taxonomy="sammanhang-utrustning",
        code="skridskor",
        defaults={"name_sv": "Skridskor", "name_en": "Ice skates", "parent": winter},
    )
    tents_term, _created = Term.objects.get_or_create(
        taxonomy="sammanhang-utrustning",
        code="talt",
        defaults={"name_sv": "Tält", "name_en": "Tents"},
    )
    skates = ArticleType.objects.create(category=skates_term, name="Hockeyskridskor")
    tent = ArticleType.objects.create(category=tents_term, name="Tält för två")
    Article.objects.create(bank=bank, type=skates, size="38", code="S1")
    Article.objects.create(
        bank=bank, type=skates, size="40", code="S2", status=ArticleStatus.ON_LOAN
    )
    Article.objects.create(bank=bank, type=tent, code="T1", status=ArticleStatus.ON_LOAN)
    return bank


@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_bank_list_and_bank_page_have_no_axe_violations(
    page: Page,
    live_server: Any,
    public_bank: Any,
    prefix: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    page.goto(f"{live_server.url}{prefix}/fritidsbanken/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_count(1)
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Fritidsbanken Söder").click()
    expect(page.locator("h1")).to_have_text("Fritidsbanken Söder")
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page, 320)
    page.set_viewport_size({"width": 1280, "height": 800})
    # An unknown category: the error is on the field, and the page stays clean.
    page.goto(f"{live_server.url}{prefix}/fritidsbanken/fritidsbanken-soder/?category=nope")
    assert_no_axe_violations(page)


def test_filtering_the_inventory_without_javascript(
    page: Page,
    live_server: Any,
    public_bank: Any,
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    page.goto(f"{live_server.url}/fritidsbanken/fritidsbanken-soder/")
    expect(page.locator(".open-status")).to_have_text("Öppet nu, till 18:00")
    inventory = page.locator("table.inventory")
    expect(inventory).to_have_count(2)
    expect(inventory.first).to_contain_text("Hockeyskridskor")

    page.get_by_label("Kategori").select_option("skridskor")
    page.get_by_label("Bara lediga nu").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    expect(page.get_by_label("Kategori")).to_have_value("skridskor")
    expect(page.get_by_label("Bara lediga nu")).to_be_checked()
    expect(inventory).to_have_count(1)
    rows = inventory.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("38")
    assert_no_axe_violations(page)

    # A tent is all on loan: with "only available now", the page says nothing matches.
    page.get_by_label("Kategori").select_option("talt")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa").click()
    expect(page.locator("main")).to_contain_text("Inget matchar just nu.")
    assert_no_axe_violations(page)
