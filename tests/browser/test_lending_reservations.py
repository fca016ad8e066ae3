"""Reservations in a real browser: a borrower reserves from home (a code by SMS, one wrong
try, then the right one) and the desk finds the queue and the article kept on the shelf;
axe-core finds nothing on each screen. The live server runs in this process, so the code is
read from the memory SMS backend the test settings use."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _outbox_and_cache() -> Iterator[None]:
    from django.core.cache import cache

    from sammanhang.core import messaging

    messaging.outbox.clear()
    cache.clear()
    yield
    messaging.outbox.clear()
    cache.clear()


@pytest.fixture
def fritidsbank(staff_bank: Any, equipment_term: Any) -> Any:
    """The staff fixture's organisation as a bank: skates 38 all lent, skates 40 on the shelf."""
    from sammanhang.lending.models import Article, ArticleStatus, ArticleType

    organisation = staff_bank.organisation
    organisation.phone = "042-10 50 00"
    organisation.save()
    category = equipment_term("skridskor", "Skridskor", "Skates")
    skates = ArticleType.objects.create(category=category, name="Hockeyskridskor")
    Article.objects.create(
        bank=staff_bank, type=skates, size="38", code="S1", status=ArticleStatus.ON_LOAN
    )
    Article.objects.create(bank=staff_bank, type=skates, size="40", code="S2")
    return staff_bank


def _last_code() -> str:
    from sammanhang.core import messaging

    match = re.search(r"\b(\d{6})\b", messaging.outbox[-1].text)
    assert match, messaging.outbox[-1].text
    return match.group(1)


def test_a_borrower_reserves_from_home_and_the_desk_finds_it(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
    artifacts_dir: Any,
) -> None:
    from sammanhang.lending import services
    from sammanhang.lending.models import ArticleType, Hold

    skates = ArticleType.objects.get(name="Hockeyskridskor")
    page.goto(f"{live_server.url}/fritidsbanken/{staff.slug}/reservera/?typ={skates.pk}&storlek=38")
    expect(page.locator("h1")).to_have_text("Reservera hos Föreningen Gemenskap")
    page.screenshot(path=str(artifacts_dir / "reservation-form.png"), full_page=True)
    expect(page.get_by_label("Artikeltyp")).to_have_value(str(skates.pk))
    expect(page.get_by_label("Storlek (om den har någon)")).to_have_value("38")
    assert_no_axe_violations(page)

    # No name: the error is on the field and the number stays.
    page.get_by_label("Ditt mobilnummer").fill("070-123 45 67")
    page.get_by_role("button", name="Skicka en kod till mig").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Skriv ditt namn.")
    expect(page.get_by_label("Ditt mobilnummer")).to_have_value("070-123 45 67")
    assert_no_axe_violations(page)

    page.get_by_label("Ditt namn").fill("Alva Berg")
    page.get_by_role("button", name="Skicka en kod till mig").click()
    expect(page.locator("h1")).to_have_text("Skriv koden")
    expect(page.get_by_text("numret som slutar på 67")).to_be_visible()
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    code = _last_code()
    page.get_by_label("Koden i sms:et").fill(f"{(int(code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name="Reservera").click()
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Koden stämmer inte. Du kan försöka 4 gånger till."
    )
    assert_no_axe_violations(page)
    page.get_by_label("Koden i sms:et").fill(code)
    page.get_by_role("button", name="Reservera").click()
    expect(page.locator("h1")).to_have_text("Du har reserverat")
    expect(page.get_by_text("Du är nummer 1 i kön.")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts_dir / "reservation-done.png"), full_page=True)
    hold = Hold.objects.get()
    assert (hold.borrower.name, hold.size, hold.status) == ("Alva Berg", "38", Hold.Status.WAITING)

    # Someone else reserves skates 40 at the desk: S2 is kept on the shelf for them.
    bo = services.borrower_find_or_register(bank=fritidsbank, mobile="0702222222", name="Bo Ek")
    services.hold_place(bank=fritidsbank, borrower=bo, type=skates, size="40")

    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/utlan/")
    page.get_by_role("link", name="Reservationer").first.click()
    expect(page.locator("h1")).to_have_text("Reservationer")
    expect(page.get_by_role("cell", name="Alva Berg", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="S2", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts_dir / "reservations-desk.png"), full_page=True)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Avboka och ge S2 vidare").click()
    expect(
        page.get_by_text("Reservationen av Hockeyskridskor för Bo Ek är avbokad.")
    ).to_be_visible()
    expect(page.get_by_text("Inget sparas i hyllan.")).to_be_visible()
    assert_no_axe_violations(page)


def test_the_visit_reserves_and_sends_the_receipt(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    artifacts_dir: Any,
) -> None:
    from django.core import mail

    from sammanhang.core import messaging

    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/utlan/")
    page.get_by_label("Mobilnummer").fill("070-555 12 34")
    page.get_by_label("Namn (bara för en ny låntagare)").fill("Saga Lind")
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_label("Artikeltyp").select_option(label="Hockeyskridskor")
    page.get_by_label("Storlek (om den har någon)").fill("38")
    page.get_by_role("button", name="Reservera").click()
    expect(
        page.get_by_text("Hockeyskridskor i storlek 38 är reserverad. Plats i kön: 1.")
    ).to_be_visible()
    expect(page.get_by_text("Plats i kön: 1", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts_dir / "reservation-visit.png"), full_page=True)

    page.get_by_role("link", name="Kvitto att skriva ut").click()
    page.get_by_role("button", name="Skicka kvittot som sms").click()
    expect(page.get_by_text("Kvittot skickades som sms.")).to_be_visible()
    assert messaging.outbox[-1].to == "+46705551234"
    assert_no_axe_violations(page)
    page.get_by_label("E-postadress (sparas inte)").fill("saga@")
    page.get_by_role("button", name="Skicka som e-post").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Skriv en e-postadress")
    assert_no_axe_violations(page)
    page.get_by_label("E-postadress (sparas inte)").fill("saga@example.se")
    page.get_by_role("button", name="Skicka som e-post").click()
    expect(page.get_by_text("Kvittot skickades med e-post.")).to_be_visible()
    expect(page.get_by_label("E-postadress (sparas inte)")).to_have_value("")
    assert mail.outbox[-1].to == ["saga@example.se"]
    assert_no_axe_violations(page)
