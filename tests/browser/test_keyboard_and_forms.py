"""Keyboard use, visible focus, the error summary, the language switch, and no-JavaScript use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABBABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]"


def active_matches(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => !!document.activeElement?.matches(s)", selector)


def tab_to(page: Page, selector: str, limit: int = 20) -> None:
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        if active_matches(page, selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{limit} presses of Tab never reached {selector} on {page.url}")


def test_first_tab_reaches_visible_skip_link_that_moves_focus_to_main(
    page: Page, live_server: Any
) -> None:
    page.goto(f"{live_server.url}/")
    skip_link = page.locator("a.skip-link")
    box = skip_link.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 0, "the skip link should be off-screen until focused"

    page.keyboard.press("Tab")
    assert active_matches(page, "a.skip-link"), "the first Tab should reach the skip link"
    assert skip_link.get_attribute("href") == "#main"
    box = skip_link.bounding_box()
    viewport = page.viewport_size
    assert box is not None
    assert viewport is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"]
    expect(skip_link).to_be_visible()

    page_background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    page.keyboard.press("Enter")
    assert active_matches(page, "main#main"), "Enter on the skip link should focus <main>"
    # <main> is a target, not a control: it must not light up like a focused link.
    assert page.evaluate("() => getComputedStyle(document.activeElement).backgroundColor") in {
        page_background,
        "rgba(0, 0, 0, 0)",
    }


@pytest.mark.parametrize("where", ["home", "login", "staff-members"])
def test_every_focusable_element_shows_focus(
    page: Page, live_server: Any, staff: Any, log_in: Callable[..., None], where: str
) -> None:
    """Tab through the whole page: each element's focused style differs from its resting one
    (background colour, box shadow or outline)."""
    if where == "staff-members":
        log_in(page, staff)
    path = {
        "home": "/",
        "login": "/logga-in/",
        "staff-members": f"/hantera/{staff.slug}/medlemmar/",
    }[where]
    page.goto(f"{live_server.url}{path}")
    count = page.evaluate(
        """(selector) => {
            const elements = [...document.querySelectorAll(selector)];
            elements.forEach((el, i) => { el.dataset.focusIndex = String(i); });
            return elements.length;
        }""",
        TABBABLE,
    )
    style_of = """(el) => {
        const s = getComputedStyle(el);
        return {
            background: s.backgroundColor,
            shadow: s.boxShadow,
            outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
        };
    }"""
    focused_styles: dict[str, dict[str, str]] = {}
    for _ in range(count + 5):
        page.keyboard.press("Tab")
        index, style = page.evaluate(
            f"""() => {{
                const el = document.activeElement;
                if (!el || el === document.body || !el.dataset.focusIndex) return [null, null];
                return [el.dataset.focusIndex, ({style_of})(el)];
            }}"""
        )
        if index is None:
            continue
        if index in focused_styles:
            break  # went all the way round
        focused_styles[index] = style

    resting_styles, descriptions, never_reached = page.evaluate(
        f"""(reached) => {{
            document.activeElement?.blur();
            const styles = {{}}, descriptions = {{}};
            for (const index of reached) {{
                const el = document.querySelector(`[data-focus-index="${{index}}"]`);
                styles[index] = ({style_of})(el);
                descriptions[index] = el.outerHTML.slice(0, 120);
            }}
            const missed = [...document.querySelectorAll("a[href], button")]
                .filter((el) => !reached.includes(el.dataset.focusIndex))
                .map((el) => el.outerHTML.slice(0, 120));
            return [styles, descriptions, missed];
        }}""",
        list(focused_styles),
    )
    assert focused_styles, f"Tab never focused anything on {page.url}"
    assert not never_reached, f"links or buttons the keyboard never reached: {never_reached}"
    unchanged = [
        descriptions[index]
        for index, style in focused_styles.items()
        if style == resting_styles[index]
    ]
    assert not unchanged, f"focus is invisible on {page.url} for: {unchanged}"


def test_keyboard_only_login_with_error_summary(page: Page, live_server: Any, staff: Any) -> None:
    page.goto(f"{live_server.url}/logga-in/")
    tab_to(page, "#id_username")
    page.keyboard.type(staff.username)
    page.keyboard.press("Tab")
    assert active_matches(page, "#id_password")
    page.keyboard.type("not-the-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The error summary takes focus so that a screen reader announces it at once.
    page.wait_for_function(
        "() => !!document.activeElement?.matches('[data-error-summary]')", timeout=2_000
    )
    summary_outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert summary_outline != "none", "the focused error summary should show its focus"
    with translation.override("sv"):
        error_prefix = translation.gettext("Error:")
    assert page.title().startswith(f"{error_prefix} "), page.title()
    assert page.locator("#id_username").input_value() == staff.username
    summary_link = page.locator("[data-error-summary] a").first
    assert summary_link.get_attribute("href") == "#id_username"

    # From the summary, its link leads straight back to the field.
    page.keyboard.press("Tab")
    assert active_matches(page, "[data-error-summary] a")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement?.id === 'id_username'", timeout=2_000)
    page.keyboard.press("Tab")
    assert active_matches(page, "#id_password")
    page.keyboard.type(staff.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/hantera/"
    expect(page.locator("main h1")).to_be_visible()


def test_language_switch_keeps_the_page(page: Page, live_server: Any) -> None:
    page.goto(f"{live_server.url}/tillganglighet/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("link", name="English", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/en/tillganglighet/"
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("link", name="Svenska", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == "/tillganglighet/"
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_login_and_logout_work_without_javascript(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    staff: Any,
    submit_login_form: Callable[[Page, str, str], None],
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/logga-in/")

    submit_login_form(page, staff.username, "not-the-password")
    expect(page.locator("[data-error-summary]")).to_be_visible()

    submit_login_form(page, staff.username, staff.password)
    assert urlsplit(page.url).path == "/hantera/"
    expect(page.get_by_role("link", name="Föreningen Gemenskap")).to_be_visible()

    with page.expect_navigation():
        page.locator("header form button[type=submit]").click()
    assert urlsplit(page.url).path == "/"
