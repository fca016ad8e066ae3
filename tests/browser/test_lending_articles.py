"""Registering a donation, the article list, an article's status and the labels in a real
browser, without JavaScript of our own; axe-core finds nothing on each screen (including a
refusal that keeps the typed codes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fritidsbank(staff_bank: Any, equipment_term: Any) -> Any:
    """The staff fixture's organisation as a bank with hockey skates and one article, S1."""
    from sammanhang.lending.models import Article, ArticleType

    category = equipment_term("skridskor", "Skridskor", "Skates")
    skates = ArticleType.objects.create(category=category, name="Hockeyskridskor")
    Article.objects.create(bank=staff_bank, type=skates, size="38", code="S1")
    return staff_bank


def test_a_donation_is_scanned_listed_marked_for_repair_and_labelled(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    from sammanhang.lending.models import Article, ArticleStatus

    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/utlan/")
    assert_no_axe_violations(page)  # the desk's start page now links here too
    page.get_by_role("link", name="Registrera gåva").click()
    expect(page.locator("h1")).to_have_text("Registrera gåva")
    assert_no_axe_violations(page)

    page.get_by_label("Artikeltyp").select_option(label="Hockeyskridskor")
    page.get_by_label("Storlek (om den har någon)").fill("40")
    codes = page.get_by_label("Skanna eller skriv ID-numren, ett per rad")
    # A scanner types each code and Enter; S1 is already at the bank.
    codes.press_sequentially("FB-1\nS1\nFB-2\n")
    page.get_by_role("button", name="Registrera artiklarna").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("används redan: S1")
    expect(codes).to_have_value("FB-1\nS1\nFB-2\n")
    assert_no_axe_violations(page)

    codes.fill("FB-1\nFB-2\n")
    page.get_by_role("button", name="Registrera artiklarna").click()
    expect(page.locator("h1")).to_have_text("Etiketter")
    expect(page.locator(".label svg.barcode")).to_have_count(2)
    expect(page.locator(".label__code")).to_have_text(["FB-1", "FB-2"])
    assert_no_axe_violations(page)
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", name="Etiketter")).to_be_hidden()
    expect(page.locator(".label").first).to_be_visible()
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Alla artiklar").click()
    expect(page.locator("h1")).to_have_text("Artiklar")
    page.get_by_label("Status").select_option(label="Tillgänglig")
    page.get_by_label("ID-nummer").fill("FB")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    assert_no_axe_violations(page)

    page.get_by_role("link", name="FB-2").click()
    expect(page.locator("h1")).to_have_text("Artikel FB-2")
    page.get_by_label("På reparation").check()
    page.get_by_role("button", name="Spara status").click()
    expect(page.get_by_text("FB-2 har nu status: På reparation.")).to_be_visible()
    assert_no_axe_violations(page)
    assert Article.objects.get(code="FB-2").status == ArticleStatus.IN_REPAIR


def test_a_photo_is_taken_described_shown_to_the_public_and_removed(
    page: Page,
    live_server: Any,
    staff: Any,
    fritidsbank: Any,
    log_in: Callable[..., None],
    assert_no_axe_violations: Callable[[Page], None],
) -> None:
    import io

    from PIL import Image

    from sammanhang.lending.models import Article, ArticlePhoto

    article = Article.objects.get(code="S1")
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 60, 200)).save(buffer, format="JPEG")
    log_in(page, staff)
    page.goto(f"{live_server.url}/hantera/{staff.slug}/utlan/artiklar/{article.pk}/")
    photo = page.get_by_label("Foto", exact=True)
    expect(photo).to_have_attribute("accept", "image/*")
    description = page.get_by_label("Beskriv bilden")

    # Without a picture: the error is on the field and the description is kept.
    description.fill("Blå hockeyskridskor, storlek 38, med skydd")
    page.get_by_role("button", name="Ladda upp fotot").click()
    expect(page.locator("[data-error-summary]")).to_contain_text("Välj en bild att ladda upp.")
    expect(description).to_have_value("Blå hockeyskridskor, storlek 38, med skydd")
    assert_no_axe_violations(page)

    photo.set_input_files(
        files=[{"name": "skridskor.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Ladda upp fotot").click()
    expect(page.get_by_text("Bilden lades till.")).to_be_visible()
    image = page.get_by_role("img", name="Blå hockeyskridskor, storlek 38, med skydd")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.naturalWidth") == 80  # the file is served
    assert_no_axe_violations(page)

    # The public bank page shows it as the type's thumbnail in the inventory.
    page.goto(f"{live_server.url}/fritidsbanken/{staff.slug}/")
    row = page.get_by_role("row", name="Hockeyskridskor")
    expect(
        row.get_by_role("img", name="Blå hockeyskridskor, storlek 38, med skydd")
    ).to_be_visible()
    assert_no_axe_violations(page)

    page.go_back()
    page.get_by_role("button", name="Ta bort bilden Blå hockeyskridskor").click()
    expect(page.get_by_text("Bilden togs bort.")).to_be_visible()
    expect(page.get_by_text("Inga foton än.")).to_be_visible()
    assert not ArticlePhoto.objects.exists()
