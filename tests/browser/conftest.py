"""Browser tests: a real headless Chromium (Debian's, never a downloaded one) against
pytest-django's live server, with axe-core for WCAG 2.1 A/AA checks.

One browser per xdist worker (session scope), a fresh context per test. Helpers are handed
out as fixtures, not imported, so this directory needs no ``__init__.py``.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in this thread; Django would refuse the ORM calls
# the tests and the live server make, so allow them before anything touches the database.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import importlib.resources
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: without the background-networking flags Chromium keeps
# trying to reach Google and floods the log with refused connections.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DEFAULT_VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
PASSWORD = "a-long-enough-test-password"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} is missing: run `bash scripts/services` once (it installs Debian's "
            "chromium). The browser tests never download a browser of their own.",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Make a browser context (closed after the test); keyword arguments go to Playwright."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        options.setdefault("viewport", DEFAULT_VIEWPORT)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


# --- axe-core --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def axe_source() -> str:
    """The axe.min.js that ships inside the axe-playwright-python package."""
    script = importlib.resources.files("axe_playwright_python").joinpath("axe.min.js")
    return script.read_text(encoding="utf-8")


def format_axe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe found {len(violations)} WCAG 2.1 A/AA violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"\n- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            lines.append(f"    target: {', '.join(map(str, node['target']))}")
            lines.append(f"      html: {node['html']}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n            ")
            if summary:
                lines.append(f"      why:  {summary}")
    return "\n".join(lines)


@pytest.fixture
def assert_no_axe_violations(axe_source: str) -> Callable[[Page], None]:
    """``assert_no_axe_violations(page)``: run axe on the page as it is now; fail on any
    violation, listing rule, impact, help, target selectors and the HTML of every node."""

    def check(page: Page) -> None:
        # A click on a link returns once the navigation has started; until the new document
        # is parsed it has no <head> to inject axe into (a race CI lost once).
        page.wait_for_load_state("domcontentloaded")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.add_script_tag(content=axe_source)
        violations = page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
                return results.violations;
            }""",
            AXE_TAGS,
        )
        if violations:
            pytest.fail(format_axe_violations(page.url, violations), pytrace=False)

    return check


def assert_reflows(page: Page, width: int = 320) -> None:
    """WCAG 1.4.10 reflow: at ``width`` CSS pixels nothing scrolls sideways."""
    page.set_viewport_size({"width": width, "height": 640})
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width > width:
        wide = page.evaluate(
            """(width) => [...document.querySelectorAll("body *")]
                .filter((el) => el.getBoundingClientRect().right > width + 0.5)
                .slice(0, 10)
                .map((el) => el.outerHTML.slice(0, 160))""",
            width,
        )
        pytest.fail(
            f"{page.url} scrolls sideways at {width} px (scrollWidth {scroll_width}); "
            "elements sticking out:\n  " + "\n  ".join(wide),
            pytrace=False,
        )


@pytest.fixture
def assert_no_horizontal_scroll() -> Callable[..., None]:
    return assert_reflows


# --- data and logging in ---------------------------------------------------------------------


@dataclass(frozen=True)
class Staff:
    """An organisation with an admin (who logs in) and a viewer (whose role can be edited)."""

    slug: str
    username: str
    password: str
    other_membership_uuid: str


@pytest.fixture
def staff(transactional_db: None) -> Staff:
    from sammanhang.accounts import services
    from sammanhang.accounts.models import User

    organisation = services.organisation_create(
        actor=None, name="Föreningen Gemenskap", slug="foreningen-gemenskap", kind="association"
    )
    services.organisation_create(
        actor=None, name="Träffpunkt Solrosen", slug="traffpunkt-solrosen", kind="association"
    )
    admin = User.objects.create_user("anna.admin", password=PASSWORD)
    viewer = User.objects.create_user("ville.viewer", password=PASSWORD)
    services.membership_set(actor=None, organisation=organisation, user=admin, role="admin")
    other = services.membership_set(
        actor=admin, organisation=organisation, user=viewer, role="viewer"
    )
    return Staff(
        slug=organisation.slug,
        username=admin.get_username(),
        password=PASSWORD,
        other_membership_uuid=str(other.uuid),
    )


def submit_login(page: Page, username: str, password: str) -> None:
    """Fill in and send the login form on the current page, waiting for the answer."""
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.fixture
def log_in(live_server: Any) -> Callable[..., None]:
    """``log_in(page, staff)``: log in through the real login form; ends on /hantera/."""

    def do(page: Page, staff: Staff, prefix: str = "") -> None:
        page.goto(f"{live_server.url}{prefix}/logga-in/")
        submit_login(page, staff.username, staff.password)
        expected = f"{prefix}/hantera/"
        path = urlsplit(page.url).path
        assert path == expected, (
            f"logging in as {staff.username} ended on {path}, not {expected}. If the session "
            "cookie was refused (Secure cookies over http://localhost), that is the cause."
        )

    return do


@pytest.fixture
def submit_login_form() -> Callable[[Page, str, str], None]:
    return submit_login


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """Screenshots and the like, for people to look at (gitignored)."""
    path = Path(request.config.rootpath) / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture
def equipment_term(transactional_db: None) -> Callable[..., Any]:
    """``equipment_term(code, name_sv, name_en, parent=None)``: a term of the equipment
    taxonomy. Transactional tests flush the taxonomy the migrations loaded, so the term is
    made again when it is missing."""
    from sammanhang.directory.models import Term

    def get(code: str, name_sv: str, name_en: str, parent: Any = None) -> Any:
        term, _created = Term.objects.get_or_create(
            taxonomy="sammanhang-utrustning",
            code=code,
            defaults={"name_sv": name_sv, "name_en": name_en, "parent": parent},
        )
        return term

    return get


@pytest.fixture
def staff_bank(staff: Staff) -> Any:
    """The staff fixture's organisation as a Fritidsbank at a place in Helsingborg, with no
    article types or articles yet (each test adds its own)."""
    from sammanhang.accounts.models import Organisation
    from sammanhang.directory.models import Municipality, Place
    from sammanhang.lending.models import Bank

    organisation = Organisation.objects.get(slug=staff.slug)
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="helsingborg")
    place = Place.objects.create(
        slug="fritidsbanken", name="Fritidsbanken", owner=organisation, municipality=municipality
    )
    return Bank.objects.create(organisation=organisation, place=place)
