"""Equipment to borrow in a real browser: a provider ticks what the activity needs, a visitor
filters the finder by "Utrustning finns att låna" and reads where to borrow it; axe on each
screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def skating(transactional_db: None, staff: Any) -> None:
    """Two activities of the staff's organisation, one needing skates that a bank lends."""
    from sammanhang.accounts import services as accounts
    from sammanhang.accounts.models import Organisation
    from sammanhang.directory.models import District, Municipality, Place, Term
    from sammanhang.directory.tests.conftest import make_activity
    from sammanhang.lending.models import Article, ArticleType, Bank

    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="hbg")
    district = District.objects.create(municipality=municipality, code="soder", name="Söder")
    organisation = Organisation.objects.get(slug=staff.slug)
    place = Place.objects.create(
        slug="isbanan",
        name="Isbanan",
        owner=organisation,
        municipality=municipality,
        district=district,
    )
    skating = make_activity(organisation, "skridskogruppen", place=place, title="Skridskogruppen")
    make_activity(organisation, "kvallsfika", place=place, title="Kvällsfika")
    skates = Term.objects.get(taxonomy="sammanhang-utrustning", code="skridskor")
    skating.equipment.set([skates])
    bank_organisation = accounts.organisation_create(
        actor=None, name="Fritidsbanken Söder", slug="fritidsbanken-soder", kind="association"
    )
    bank_place = Place.objects.create(
        slug="fritidsbanken-soder",
        name="Fritidsbanken Söder",
        owner=bank_organisation,
        municipality=municipality,
    )
    bank = Bank.objects.create(organisation=bank_organisation, place=bank_place)
    kind = ArticleType.objects.create(category=skates, name="Hockeyskridskor")
    for code in ("S1", "S2", "S3"):
        Article.objects.create(bank=bank, type=kind, code=code, size="38")


def test_visitor_filters_by_equipment_to_borrow_and_reads_where_to_borrow_it(
    page: Page,
    live_server: Any,
    skating: None,
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    page.goto(f"{live_server.url}/aktiviteter/")
    page.get_by_text("Kostnad och tillgänglighet").click()
    page.get_by_label("Utrustning finns att låna").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Visa aktiviteter").click()
    assert "equipment_to_borrow=on" in page.url
    results = page.locator("h3.result__title")
    expect(results).to_have_text(["Skridskogruppen"])
    expect(page.get_by_label("Utrustning finns att låna")).to_be_checked()
    expect(
        page.locator(".selected-filters").get_by_role(
            "link", name=re.compile("Utrustning finns att låna")
        )
    ).to_be_visible()
    assert_no_axe_violations(page)

    with page.expect_navigation():
        results.get_by_role("link", name="Skridskogruppen").click()
    section = page.locator("section.borrow-equipment")
    expect(section.get_by_role("heading", name="Låna utrustning")).to_be_visible()
    expect(section).to_contain_text("Skridskor")
    expect(section).to_contain_text("Fritidsbanken Söder: 3 lediga nu")
    expect(section.get_by_role("link", name="Fritidsbanken Söder")).to_have_attribute(
        "href", "/fritidsbanken/fritidsbanken-soder/"
    )
    assert_no_axe_violations(page)


def test_provider_ticks_the_equipment_in_grouped_fieldsets(
    page: Page,
    live_server: Any,
    staff: Any,
    skating: None,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    from sammanhang.directory.models import Activity

    log_in(page, staff)
    activity = Activity.objects.get(slug="kvallsfika")
    page.goto(f"{live_server.url}/hantera/{staff.slug}/aktiviteter/{activity.uuid}/andra/")
    equipment = page.get_by_role("group", name=re.compile("Utrustning som behövs"))
    winter = equipment.get_by_role("group", name="Vintersport")
    winter.get_by_label("Skridskor").check()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Spara").click()
    expect(page.locator("dl")).to_contain_text("Skridskor")
    assert list(activity.equipment.values_list("code", flat=True)) == ["skridskor"]
