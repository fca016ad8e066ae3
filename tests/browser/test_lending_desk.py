"""A desk visit at a Fritidsbank in a real browser, without JavaScript of our own: a new
borrower, three items out, one returned broken (to repair), one renewed; axe-core finds
nothing on each screen (including a refusal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fritidsbank(staff_bank: Any, equipment_term: Any) -> Any:
    """The staff fixture's organisation as a bank with skates (which have a check-out prompt)
    and a pair of skis."""
    from sammanhang.lending.models import Article, ArticleType

    category = equipment_term("skridskor", "Skridskor", "Skates")
    skates = ArticleType.objects.create(
        category=category,
        name="Hockeyskridskor",
        check_out_prompt="Kontrollera att skridskorna är slipade",
    )
    skis = ArticleType.objects.create(category=category, name="Längdskidor")
    Article.objects.create(bank=staff_bank, type=skates, size="38", code="S1")
    Article.objects.create(bank=staff_bank, type=skates, size="40", code="S2")
    Article.objects.create(bank=staff_bank, type=skis, size="170", code="L1")
    return staff_bank


def _scan(page: Page, code: str) -> None:
    field = page.get_by_label("Skanna eller skriv artikelns kod")
    field.fill(code)
    with page.expect_navigation():
        field.press("Enter")  # what a barcode scanner sends


def test_a_desk_visit_new_borrower_three_out_one_back_broken_one_renewed(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    from sammanhang.lending.models import ArticleStatus, Condition, Loan

    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/")
    page.get_by_role("link", name="Utlåningsdisken").click()
    expect(page.locator("h1")).to_have_text("Disken: vem lånar?")
    assert_no_axe_violations(page)

    # A new number without a name: the form says what to do and keeps the number.
    page.get_by_label("Mobilnummer").fill("070-555 12 34")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Skriv ett namn")
    expect(page.get_by_label("Mobilnummer")).to_have_value("070-555 12 34")
    assert_no_axe_violations(page)

    page.get_by_label("Namn (bara för en ny låntagare)").fill("Saga Lind")
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.locator("h1")).to_have_text("Utlån till Saga Lind")
    expect(page.get_by_text("Besöket för Saga Lind har börjat.")).to_be_visible()
    assert_no_axe_violations(page)

    _scan(page, "S1")
    expect(page.get_by_text("Kom ihåg: Kontrollera att skridskorna är slipade")).to_be_visible()
    expect(page.get_by_text("Hockeyskridskor (S1) är utlånad till")).to_be_visible()
    assert_no_axe_violations(page)
    _scan(page, "S2")
    _scan(page, "L1")
    expect(page.get_by_text("Längdskidor (L1) är utlånad till")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_no_horizontal_scroll(page)  # a phone or a narrow desk screen: nothing sideways
    page.set_viewport_size({"width": 1280, "height": 800})

    # Scanning S1 again is refused with the service's message; the code stays in the field.
    _scan(page, "S1")
    expect(page.locator("[data-error-summary]")).to_contain_text("Artikel S1 är redan utlånad")
    expect(page.get_by_label("Skanna eller skriv artikelns kod")).to_have_value("S1")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Förläng S2").click()
    expect(page.get_by_text("S2 är förlängd till")).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Kvitto att skriva ut").click()
    expect(page.locator("h1")).to_have_text("Kvitto från Föreningen Gemenskap")
    expect(page.locator("tbody tr")).to_have_count(3)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Tillbaka till besöket").click()
    page.get_by_role("link", name="Disken", exact=True).click()
    page.get_by_role("link", name="Ta emot återlämnade artiklar").click()
    expect(page.locator("h1")).to_have_text("Återlämning: skanna artikeln")
    assert_no_axe_violations(page)
    _scan(page, "S1")
    expect(page.locator("h1")).to_have_text("Återlämning: skick")
    expect(page.get_by_text("Saga Lind")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Trasig").check()
    page.get_by_label("Behöver lagas innan den lånas ut igen").check()
    page.get_by_role("button", name="Bekräfta återlämningen").click()
    expect(page.get_by_text("S1 är återlämnad och går till reparation.")).to_be_visible()
    assert_no_axe_violations(page)

    returned = Loan.objects.get(article__code="S1")
    assert returned.condition_on_return == Condition.BROKEN
    assert returned.article.status == ArticleStatus.IN_REPAIR
    assert Loan.objects.get(article__code="S2").renewed_count == 1
    assert Loan.objects.filter(returned_at__isnull=True).count() == 2
