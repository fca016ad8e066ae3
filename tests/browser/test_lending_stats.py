"""Fritidsbanken statistics in a real browser: the desk's "+1 visitor", the bank's statistics
page with a chosen period, and the public national page; axe-core finds nothing on each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fritidsbank(staff_bank: Any, equipment_term: Any) -> Any:
    """The staff fixture's organisation as a bank with two loans of skates today."""
    from sammanhang.lending import services
    from sammanhang.lending.models import Article, ArticleType

    bank = staff_bank
    winter = equipment_term("vinter", "Vintersport", "Winter sports")
    category = equipment_term("skridskor", "Skridskor", "Skates", parent=winter)
    if category.co2_kg_per_loan is None:
        category.co2_kg_per_loan = 4
        category.save(update_fields=["co2_kg_per_loan"])
    skates = ArticleType.objects.create(category=category, name="Hockeyskridskor")
    borrower = services.borrower_find_or_register(bank=bank, mobile="0701234567", name="Alva")
    visit = services.visit_start()
    for code in ("S1", "S2"):
        Article.objects.create(bank=bank, type=skates, size="38", code=code)
        services.loan_check_out(actor=None, bank=bank, borrower=borrower, code=code, visit_id=visit)
    return bank


def test_count_visitors_and_read_the_statistics(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
    artifacts_dir: Path,
) -> None:
    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/utlan/")
    expect(page.get_by_text("0 besökare i dag.")).to_be_visible()

    page.get_by_role("button", name="+1 besökare").click()
    page.get_by_role("button", name="+1 besökare").click()
    expect(page.get_by_text("Besökaren är räknad. Besökare i dag: 2.")).to_be_visible()
    expect(page.get_by_text("2 besökare i dag.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Ta bort en besökare").click()
    expect(page.get_by_text("En besökare är borttagen. Besökare i dag: 1.")).to_be_visible()

    page.get_by_role("navigation", name="Fritidsbankens sidor").get_by_role(
        "link", name="Statistik"
    ).click()
    expect(page.locator("h1")).to_have_text("Statistik för Föreningen Gemenskap")
    summary = page.locator("[data-stats-summary]")
    expect(summary.get_by_role("row", name="Utlån (utlånade artiklar)")).to_contain_text("2")
    expect(summary.get_by_role("row", name="Besökare (diskens räknare)")).to_contain_text("1")
    expect(page.get_by_role("img", name="Utlån (artiklar) per dag")).to_be_visible()
    expect(page.get_by_role("img", name="Utlån (artiklar) per kategori")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "lending-stats-bank.png"), full_page=True)
    assert_no_axe_violations(page)

    # A period the wrong way round: the error is on the field and the dates stay.
    page.get_by_label("Från och till dessa datum").check()
    page.get_by_label("Från datum").fill("2030-01-31")
    page.get_by_label("Till datum").fill("2030-01-01")
    page.get_by_role("button", name="Visa statistiken").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Sista dagen får inte vara före första dagen."
    )
    expect(page.get_by_label("Från datum")).to_have_value("2030-01-31")
    assert_no_axe_violations(page)

    page.get_by_label("Visa per").select_option("month")
    page.get_by_label("I år").check()
    page.get_by_role("button", name="Visa statistiken").click()
    expect(page.get_by_role("img", name="Utlån (artiklar) per månad")).to_be_visible()
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page)


def test_the_national_page_for_anyone(
    page: Page,
    live_server: Any,
    fritidsbank: Any,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    page.goto(f"{live_server.url}/fritidsbanken/statistik/")
    expect(page.locator("h1")).to_have_text("Fritidsbankens statistik")
    banks = page.get_by_role("table", name="Varje bank")
    expect(banks.get_by_role("row", name="Föreningen Gemenskap")).to_contain_text("färre än 5")
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page)
