"""Provider pages in a real browser: an editor creates an activity with a schedule through the
forms and publishes it; axe-core finds nothing on each staff form (empty and with errors)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider(staff: Any) -> dict[str, Any]:
    """The staff fixture's organisation with a municipality, a district and a place of its own."""
    from sammanhang.accounts.models import Organisation
    from sammanhang.directory import services

    organisation = Organisation.objects.get(slug=staff.slug)
    municipality = services.municipality_upsert(
        code="1283", name="Helsingborg", slug="helsingborg", districts=[("soder", "Söder")]
    )
    place = services.place_create(
        actor=None,
        owner=organisation,
        municipality=municipality,
        district=municipality.districts.get(),
        slug="soderhuset",
        name="Söderhuset",
        opening_hours=[(1, time(9), time(16))],
    )
    return {"staff": staff, "place": place}


def assert_summary_has_focus(page: Page) -> None:
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert page.evaluate("() => document.activeElement?.hasAttribute('data-error-summary')")


def test_editor_creates_and_publishes_an_activity_with_a_schedule(
    page: Page,
    live_server: Any,
    provider: dict[str, Any],
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    staff = provider["staff"]
    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/")
    page.get_by_role("link", name="Aktiviteter", exact=True).click()
    expect(page.locator("h1")).to_have_text("Aktiviteter")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Ny aktivitet").click()
    expect(page.locator("h1")).to_have_text("Ny aktivitet")
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # Sent empty (and not free without a price): errors, in Swedish, summary focused.
    page.get_by_label("Gratis").uncheck()
    page.get_by_label("Sammanfattning", exact=True).fill("Vi stickar och pratar")
    page.get_by_role("button", name="Spara", exact=True).click()
    assert_summary_has_focus(page)
    expect(page.locator("[data-error-summary]")).to_contain_text("Skriv aktivitetens rubrik.")
    expect(page.locator("[data-error-summary]")).to_contain_text(
        "Skriv priset, eller kryssa i gratis."
    )
    expect(page.get_by_label("Sammanfattning", exact=True)).to_have_value("Vi stickar och pratar")
    assert page.title().startswith("Fel:")
    assert_no_axe_violations(page)

    page.get_by_label("Rubrik", exact=True).fill("Stickcafé")
    page.get_by_label("Gratis").check()
    page.get_by_label("Söderhuset").check()
    page.get_by_role("button", name="Spara", exact=True).click()
    expect(page.locator("h1")).to_have_text("Stickcafé")
    expect(page.locator(".notice")).to_contain_text("Aktiviteten sparades som utkast.")

    page.get_by_role("link", name="Lägg till ett schema").click()
    assert_no_axe_violations(page)
    page.get_by_label("Varje vecka eller med några veckors mellanrum").check()
    page.get_by_label("tisdag").check()
    page.get_by_label("Börjar").fill("17:00")
    page.get_by_label("Slutar").fill("19:00")
    page.get_by_label("Första datum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Spara schemat").click()
    expect(page.locator(".notice")).to_contain_text("Schemat lades till.")
    expect(page.locator("main")).to_contain_text("17:00–19:00")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Publicera", exact=True).click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publicera", exact=True).click()
    expect(page.locator(".notice")).to_contain_text("Statusen är nu: Publicerad.")

    page.get_by_role("link", name="Se den publika sidan").click()
    expect(page.locator("h1")).to_have_text("Stickcafé")
    expect(page.locator("main")).to_contain_text("Söderhuset")


@pytest.mark.parametrize("errors", [False, True], ids=["empty", "with-errors"])
def test_place_and_picture_forms_have_no_axe_violations(
    page: Page,
    live_server: Any,
    provider: dict[str, Any],
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
    errors: bool,
) -> None:
    staff, place = provider["staff"], provider["place"]
    log_in(page, staff)
    base = f"{live_server.url}/hantera/{staff.slug}"
    for path in [
        "/platser/",
        "/platser/ny/",
        f"/platser/{place.uuid}/",
        f"/platser/{place.uuid}/andra/",
        f"/platser/{place.uuid}/oppettider/",
        f"/platser/{place.uuid}/stangda-dagar/",
        f"/platser/{place.uuid}/bilder/",
        "/logotyp/",
    ]:
        page.goto(f"{base}{path}")
        form = page.locator("main form.form").last
        if errors and form.count():
            if path.endswith("andra/"):
                page.get_by_label("Namn", exact=True).fill("")
            form.get_by_role("button").last.click()
            assert_summary_has_focus(page)
        assert_no_axe_violations(page)
        assert_no_horizontal_scroll(page)
        page.set_viewport_size({"width": 1280, "height": 800})
