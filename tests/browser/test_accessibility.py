"""axe-core (WCAG 2.1 A and AA) on every page, in Swedish and English, and reflow at 320 px.

A violation fails the test: fix the page, never switch the rule off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = [pytest.param("", "sv", id="sv"), pytest.param("/en", "en", id="en")]

# name: (path, HTTP status)
PUBLIC_PAGES = {
    "home": ("/", 200),
    "accessibility-statement": ("/tillganglighet/", 200),
    "privacy": ("/personuppgifter/", 200),
    "login": ("/logga-in/", 200),
    "login-failed": ("/logga-in/", 200),
    "not-found": ("/finns-inte/", 404),
    "fritidsbanken-empty": ("/fritidsbanken/", 200),
}
STAFF_PAGES = [
    "dashboard",
    "organisation",
    "members",
    "members-invalid",
    "membership",
    "audit-log",
]


def assert_error_summary_links_reach_fields(page: Page) -> None:
    """Every link in the error summary points at a field that exists on the page."""
    expect(page.locator("[data-error-summary]")).to_be_visible()
    broken = page.evaluate(
        """() => [...document.querySelectorAll("[data-error-summary] a")]
            .filter((a) => {
                const id = decodeURIComponent(a.hash.slice(1));
                const target = id && document.getElementById(id);
                return !target || !target.matches("input, select, textarea");
            })
            .map((a) => a.outerHTML)"""
    )
    assert page.locator("[data-error-summary] a").count() > 0, "the summary has no links"
    assert not broken, f"error summary links that lead to no field: {broken}"


def open_public_page(
    page: Page,
    base_url: str,
    prefix: str,
    name: str,
    submit_login_form: Callable[[Page, str, str], None],
) -> None:
    path, status = PUBLIC_PAGES[name]
    response = page.goto(f"{base_url}{prefix}{path}")
    assert response is not None
    assert response.status == status, f"{page.url} answered {response.status}"
    if name == "login-failed":
        submit_login_form(page, "nobody", "not-the-password")
        assert_error_summary_links_reach_fields(page)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_public_page_has_no_axe_violations(
    page: Page,
    live_server: Any,
    staff: Any,
    prefix: str,
    language: str,
    name: str,
    submit_login_form: Callable[[Page, str, str], None],
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    open_public_page(page, live_server.url, prefix, name, submit_login_form)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_public_page_reflows_at_320_px(
    page: Page,
    live_server: Any,
    staff: Any,
    prefix: str,
    language: str,
    name: str,
    submit_login_form: Callable[[Page, str, str], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    open_public_page(page, live_server.url, prefix, name, submit_login_form)
    assert_no_horizontal_scroll(page, 320)


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize(("prefix", "language"), LANGUAGES)
def test_staff_page_has_no_axe_violations(
    page: Page,
    live_server: Any,
    staff: Any,
    log_in: Callable[..., None],
    prefix: str,
    language: str,
    name: str,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    log_in(page, staff, prefix)
    base = f"{live_server.url}{prefix}/hantera/"
    url = {
        "dashboard": base,
        "organisation": f"{base}{staff.slug}/",
        "members": f"{base}{staff.slug}/medlemmar/",
        "members-invalid": f"{base}{staff.slug}/medlemmar/",
        "membership": f"{base}{staff.slug}/medlemmar/{staff.other_membership_uuid}/",
        "audit-log": f"{base}{staff.slug}/logg/",
    }[name]
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"
    if name == "members-invalid":
        with page.expect_navigation():
            page.locator("main form.form button[type=submit]").click()
        assert_error_summary_links_reach_fields(page)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_no_axe_violations(page)
    assert_no_horizontal_scroll(page, 320)


def test_screenshots_of_the_start_page(
    page: Page, live_server: Any, staff: Any, artifacts_dir: Path
) -> None:
    """For people to look at: the start page on a phone and on a desktop."""
    page.goto(f"{live_server.url}/")
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=artifacts_dir / f"home-{width}.png", full_page=True)
