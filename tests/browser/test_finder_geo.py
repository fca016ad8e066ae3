"""Distance, "near me", the map and the printed list in a real browser, with axe.

The map and the "near me" button are enhancements: with JavaScript off the page has neither,
and the near field and the list do the same job."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CENTRUM = {"latitude": 56.0465, "longitude": 12.6945}
SODER = {"latitude": 56.0340, "longitude": 12.7050}
RAA = {"latitude": 55.9950, "longitude": 12.7150}


@pytest.fixture
def geo_data(transactional_db: None, make_organisation: Callable[..., Any]) -> None:
    from sammanhang.directory.models import District, Municipality, Place
    from sammanhang.directory.tests.conftest import make_activity

    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="hbg")
    organisation = make_organisation("Mötesplatsföreningen")
    for code, name, point in [("centrum", "Centrum", CENTRUM), ("soder", "Söder", SODER)]:
        district = District.objects.create(municipality=municipality, code=code, name=name)
        place = Place.objects.create(
            slug=f"hus-{code}",
            name=f"Huset {name}",
            owner=organisation,
            municipality=municipality,
            district=district,
            street_address=f"{name}gatan 1",
            **point,
        )
        make_activity(organisation, f"kvallsfika-{code}", place=place, title=f"Kvällsfika {name}")
    raa = Place.objects.create(
        slug="raa",
        name="Råå bibliotek",
        owner=organisation,
        municipality=municipality,
        district=District.objects.get(code="soder"),
        **RAA,
    )
    make_activity(organisation, "bokcirkel", place=raa, byday="WE", title="Bokcirkel")


@pytest.fixture
def map_tiles(settings: Any, live_server: Any) -> None:
    # A tile address on the live server that answers 404: the machine has no network, and
    # the map must still work (and stay accessible) when tiles fail to load.
    settings.SAMMANHANG_MAP_TILES_URL = f"{live_server.url}/static/no-tiles/{{z}}/{{x}}/{{y}}.png"
    settings.SAMMANHANG_MAP_ATTRIBUTION = "© Testkartan"


def open_where(page: Page) -> None:
    page.locator("details.filter-group", has_text="Var").locator("summary").click()


def test_near_me_fills_the_position_and_sorts_by_distance(
    new_context: Callable[..., Any],
    live_server: Any,
    geo_data: None,
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    context = new_context(geolocation=CENTRUM, permissions=["geolocation"])
    page = context.new_page()
    page.goto(f"{live_server.url}/aktiviteter/")
    open_where(page)
    button = page.get_by_role("button", name="Använd min position")
    expect(button).to_be_visible()
    assert_no_axe_violations(page)
    page.locator("#id_near").fill("något som ska bort")
    with page.expect_navigation():
        button.click()
    assert "lat=56.0465" in page.url
    assert "lon=12.6945" in page.url
    expect(page.locator(".result__title")).to_have_text(["Kvällsfika Centrum", "Kvällsfika Söder"])
    expect(page.get_by_text("Avstånden räknas från din position.")).to_be_visible()
    expect(page.locator(".result__distance").first).to_have_text("Avstånd: 0,0 km")
    expect(page.locator("#id_near")).to_have_value("")
    expect(page.get_by_role("link", name="Nära din position – ta bort filtret")).to_be_visible()
    assert_no_axe_violations(page)


def test_map_shows_the_results_with_javascript_and_axe_stays_clean(
    new_context: Callable[..., Any],
    live_server: Any,
    geo_data: None,
    map_tiles: None,
    assert_no_axe_violations: Callable[[Page], None],
    assert_no_horizontal_scroll: Callable[..., None],
) -> None:
    # Reduced motion: the map then neither fades nor zooms, so axe never catches a popup
    # half-way through fading in (and the visitor's setting is honoured).
    page = new_context(reduced_motion="reduce").new_page()
    page.goto(f"{live_server.url}/aktiviteter/?near=Huset+Centrum&distance=10")
    region = page.get_by_role("region", name="Karta över aktiviteterna på den här sidan")
    expect(region).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    marker = page.locator(".leaflet-marker-icon").first
    expect(marker).to_have_attribute("src", "/static/vendor/leaflet/images/marker-icon.png")
    page.wait_for_function("() => document.querySelector('.leaflet-marker-icon').complete")
    assert marker.evaluate("img => img.naturalWidth") > 0  # Leaflet's own picture, served by us
    expect(page.get_by_role("button", name="Råå bibliotek")).to_be_visible()
    expect(page.get_by_text("© Testkartan")).to_be_visible()
    # The list stays complete: the map only repeats it.
    expect(page.locator(".result__title")).to_have_count(3)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Huset Söder").click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name="Kvällsfika Söder")).to_be_visible()
    expect(popup).to_have_css("opacity", "1")
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 640})
    assert_no_horizontal_scroll(page)


def test_no_map_without_a_tile_server(page: Page, live_server: Any, geo_data: None) -> None:
    page.goto(f"{live_server.url}/aktiviteter/")
    expect(page.locator(".result__title")).to_have_count(3)
    expect(page.locator("#finder-map")).to_have_count(0)


def test_finder_with_distance_works_without_javascript(
    new_context: Callable[..., Any], live_server: Any, geo_data: None, map_tiles: None
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/aktiviteter/")
    open_where(page)
    expect(page.get_by_role("button", name="Använd min position")).to_be_hidden()
    page.get_by_label("Nära").fill("råå bibliotek")
    page.get_by_label("Avstånd").select_option("5")
    page.locator("#id_sort").select_option("distance")
    with page.expect_navigation():
        page.get_by_role("button", name="Visa aktiviteter").click()
    expect(page.locator(".result__title")).to_have_text(["Bokcirkel", "Kvällsfika Söder"])
    expect(page.get_by_text("Avstånden räknas från Råå bibliotek.")).to_be_visible()
    expect(page.locator("#finder-map")).to_be_hidden()
    with page.expect_navigation():
        page.get_by_role("link", name="Skriv ut listan").click()
    expect(page.locator("h1")).to_have_text("Lista över aktiviteter att skriva ut")
    expect(page.locator(".print-result h3")).to_have_text(["Bokcirkel", "Kvällsfika Söder"])


@pytest.mark.parametrize(
    "query",
    ["?near=Atlantis", "?sort=distance", "?near=Huset+Centrum&distance=10"],
    ids=["unknown-place", "distance-sort-without-point", "results"],
)
def test_finder_and_print_list_states_have_no_axe_violations(
    page: Page,
    live_server: Any,
    geo_data: None,
    query: str,
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    for path in ("/aktiviteter/", "/aktiviteter/utskrift/", "/en/aktiviteter/utskrift/"):
        page.goto(f"{live_server.url}{path}{query}")
        for summary in page.locator("details.filter-group > summary").all():
            summary.click()
        assert_no_axe_violations(page)
    page.emulate_media(media="print")
    page.goto(f"{live_server.url}/aktiviteter/utskrift/{query}")
    assert_no_axe_violations(page)
