"""The directory's public pages on the demo municipality, in a real browser with axe-core.

The demo is loaded with the clock fixed (``SAMMANHANG_FIXED_NOW``), so every run sees the same
results, the same "open now" and the same cancelled Christmas sessions. Each language visits
every page and the test lists every violation on every page before failing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXED_NOW = "2026-11-24T17:30"
LANGUAGES = [pytest.param("", "sv", id="sv"), pytest.param("/en", "en", id="en")]
ACTIVITY = "motesplats-drottninghog-oppen"

# name: (path, HTTP status)
PAGES = {
    "finder-empty": ("/aktiviteter/", 200),
    "finder-results": ("/aktiviteter/?district=drottninghog&free=on&weekday=2&weekday=4", 200),
    "finder-all-results": ("/aktiviteter/", 200),
    "finder-christmas": ("/aktiviteter/?date_from=2026-12-23&date_to=2026-12-27", 200),
    "finder-no-results": ("/aktiviteter/?district=odakra&language=ti", 200),
    "finder-errors": (
        "/aktiviteter/?starts_after=25:99&date_from=2027-02-10&date_to=2027-02-01"
        "&age=tio&district=atlantis",
        400,
    ),
    "activity": (f"/aktiviteter/{ACTIVITY}/", 200),
    "activity-easy-read": (f"/aktiviteter/{ACTIVITY}/?lattlast=1", 200),
    "place": ("/platser/dunkers-kulturhus/", 200),
    "place-with-cancellations": ("/platser/motesplats-drottninghog/", 200),
    "organisation": ("/organisationer/norreheds-kompetenscenter/", 200),
    "bank-list": ("/fritidsbanken/", 200),
    "bank": ("/fritidsbanken/fritidsbanken-helsingborg/", 200),
    "bank-filtered": (
        "/fritidsbanken/fritidsbanken-helsingborg/?category=vinter&available=on",
        200,
    ),
}


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> None:
    """The demo municipality at a fixed Tuesday evening; the live server sees the same clock."""
    from sammanhang.web.demo.loader import demo_load

    settings.SAMMANHANG_FIXED_NOW = FIXED_NOW
    demo_load()


@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_directory_pages_have_no_axe_violations(
    page: Page,
    live_server: Any,
    demo: None,
    prefix: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    problems: list[str] = []
    for name, (path, status) in PAGES.items():
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(f"{live_server.url}{prefix}{path}")
        assert response is not None
        assert response.status == status, f"{name}: {page.url} answered {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("h1")).to_have_count(1)
        if name.startswith("finder"):
            for summary in page.locator("details.filter-group > summary").all():
                summary.click()  # open every group so axe sees every control
        for check in (
            lambda: assert_no_axe_violations(page),
            lambda: assert_no_horizontal_scroll(page, 320),
        ):
            try:
                check()
            except pytest.fail.Exception as failure:
                problems.append(f"[{name}] {failure}")
    assert not problems, "\n\n".join(problems)


def test_finder_pages_show_what_the_demo_promises(page: Page, live_server: Any, demo: None):
    page.goto(f"{live_server.url}{PAGES['finder-christmas'][0]}")
    expect(page.locator(".result .cancelled").first).to_contain_text("Julafton")
    page.goto(f"{live_server.url}{PAGES['finder-errors'][0]}")
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("#id_age_error")).to_contain_text(
        "Skriv en ålder i hela år, till exempel 34."
    )
    expect(page.locator("#id_age")).to_have_value("tio")


def test_easy_read_switch_shows_the_easy_read_text(
    page: Page, live_server: Any, demo: None
) -> None:
    from sammanhang.directory.models import Activity

    activity = Activity.objects.get(slug=ACTIVITY)
    first_sentence = activity.easy_read.split(". ")[0]
    page.goto(f"{live_server.url}/aktiviteter/{ACTIVITY}/")
    expect(page.locator(".easy-read")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(activity.summary)
    with page.expect_navigation():
        page.get_by_role("link", name="Visa på lättläst svenska").click()
    easy = page.locator(".easy-read")
    expect(easy).to_contain_text(first_sentence)
    expect(easy).to_have_attribute("lang", "sv")
    expect(page.locator("main")).not_to_contain_text(activity.summary)
    with page.expect_navigation():
        page.get_by_role("link", name="Visa den vanliga texten").click()
    expect(page.locator(".easy-read")).to_have_count(0)
    expect(page.locator("main")).to_contain_text(activity.summary)


def test_keyboard_only_search_on_the_demo_opens_a_result(
    page: Page, live_server: Any, demo: None
) -> None:
    """Tab and Enter only (and typing the search words): search, then open the first result."""
    page.goto(f"{live_server.url}/aktiviteter/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "id_q":
            break
    page.keyboard.type("innebandy")
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter/?q=*")
    first = page.locator(".result__title a").first
    title = first.inner_text()
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.result__title') !== null"):
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == title
    page.keyboard.press("Enter")
    page.wait_for_url("**/aktiviteter/*/")
    expect(page.locator("h1")).to_have_text(title)
