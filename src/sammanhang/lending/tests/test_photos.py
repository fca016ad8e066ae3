"""Photos of articles: stored clean (no EXIF or GPS), audited, refused with the reason, and
uploaded and removed at the desk."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from sammanhang.accounts import services as account_services
from sammanhang.accounts.models import User
from sammanhang.core.images import ImageRejected
from sammanhang.core.models import AuditEvent
from sammanhang.lending import services
from sammanhang.lending.models import ArticlePhoto
from sammanhang.lending.services import LendingError

pytestmark = pytest.mark.django_db

ALT = "Blå hockeyskridskor, storlek 38, med skydd"


def _too_large(picture):
    """A real JPEG followed by padding to just over 10 MB, as a big phone photo would be."""
    small = picture()
    data = small.read() + b"\0" * (10 * 1024 * 1024)
    return SimpleUploadedFile("stor.jpg", data, content_type="image/jpeg")


# --- services ---------------------------------------------------------------------------------


def test_photo_is_stored_without_exif_audited_and_last_in_order(make_article, picture, media_root):
    article = make_article("S1")
    upload = picture()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)  # the upload has GPS
    upload.seek(0)
    first = services.article_photo_add(
        actor=None, article=article, upload=upload, alt_text=f"  {ALT}  "
    )
    second = services.article_photo_add(
        actor=None, article=article, upload=picture(), alt_text="Skydden"
    )
    assert first.alt_text == ALT
    assert (first.width, first.height, first.position, second.position) == (40, 30, 1, 2)
    assert (first.image.name or "").startswith("artiklar/")
    stored = Image.open(media_root / first.image.name)
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert list(article.photos.values_list("alt_text", flat=True)) == [ALT, "Skydden"]
    events = AuditEvent.objects.filter(action="article.photo_added", object_id=str(article.pk))
    assert [e.organisation_id for e in events] == [article.bank.organisation_id] * 2


def test_photo_without_description_is_refused_and_nothing_is_stored(
    make_article, picture, media_root
):
    with pytest.raises(LendingError, match="^Beskriv vad bilden visar"):
        services.article_photo_add(
            actor=None, article=make_article("S1"), upload=picture(), alt_text="  "
        )
    assert ArticlePhoto.objects.count() == 0
    assert not (media_root / "artiklar").exists()


def test_a_non_picture_is_refused_before_anything_is_written(make_article, media_root):
    with pytest.raises(ImageRejected, match="^Filen är inte en bild som vi kan läsa"):
        services.article_photo_add(
            actor=None,
            article=make_article("S1"),
            upload=SimpleUploadedFile("x.jpg", b"not a picture"),
            alt_text=ALT,
        )
    assert ArticlePhoto.objects.count() == 0
    assert not AuditEvent.objects.filter(action="article.photo_added").exists()
    assert not (media_root / "artiklar").exists()


def test_a_picture_over_10_mb_is_refused(make_article, picture, media_root):
    with pytest.raises(ImageRejected, match="^Bilden är större än 10 MB"):
        services.article_photo_add(
            actor=None, article=make_article("S1"), upload=_too_large(picture), alt_text=ALT
        )
    assert ArticlePhoto.objects.count() == 0


def test_the_database_refuses_a_photo_without_description(make_article):
    with pytest.raises(IntegrityError):
        ArticlePhoto.objects.create(
            article=make_article("S1"), image="artiklar/x.jpg", width=1, height=1
        )


@pytest.mark.django_db(transaction=True)
def test_removing_a_photo_deletes_its_file_after_commit(make_article, picture, media_root):
    article = make_article("S1")
    photo = services.article_photo_add(actor=None, article=article, upload=picture(), alt_text=ALT)
    path = media_root / photo.image.name
    assert path.exists()
    services.article_photo_remove(actor=None, photo=photo)
    assert not path.exists()
    assert not ArticlePhoto.objects.exists()
    assert AuditEvent.objects.filter(action="article.photo_removed").count() == 1


# --- the desk ---------------------------------------------------------------------------------


@pytest.fixture
def desk(client, bank):
    user = User.objects.create_user("desk", password="a-long-enough-test-password")
    account_services.membership_set(
        actor=None, organisation=bank.organisation, user=user, role="editor"
    )
    client.force_login(user)
    return client


def _url(name, bank, **kwargs):
    return reverse(f"lending_staff:{name}", kwargs={"org_slug": bank.organisation.slug, **kwargs})


def test_desk_uploads_a_photo_then_sees_it_and_removes_it(desk, bank, make_article, picture):
    article = make_article("S1")
    page = desk.get(_url("article_detail", bank, article_id=article.pk)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/*"' in page
    assert 'capture="environment"' in page
    assert "Fotografera bara artikeln, aldrig människor." in page
    assert "t.ex. Blå hockeyskridskor, storlek 38, med skydd" in page

    response = desk.post(
        _url("article_photo_add", bank, article_id=article.pk),
        {"image": picture(), "alt_text": ALT},
    )
    assert response.status_code == 302
    assert response["Location"] == _url("article_detail", bank, article_id=article.pk)
    photo = ArticlePhoto.objects.get()
    page = desk.get(response["Location"]).content.decode()
    assert "Bilden lades till." in page
    assert f'<img src="/media/{photo.image.name}" alt="{ALT}" width="40" height="30"' in page
    assert f'Ta bort bilden<span class="visually-hidden"> {ALT}</span>' in page

    response = desk.post(
        _url("article_photo_remove", bank, article_id=article.pk, photo_id=photo.pk)
    )
    assert response.status_code == 302
    assert not ArticlePhoto.objects.exists()
    assert "Bilden togs bort." in desk.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("upload", "alt_text", "field", "message"),
    [
        ("none", ALT, "image", "Välj en bild att ladda upp."),
        ("text", ALT, "image", "Filen är inte en bild vi kan använda."),
        ("large", ALT, "image", "Bilden är större än 10 MB. Välj en mindre fil."),
        ("good", " ", "alt_text", "Beskriv vad bilden visar, för den som inte kan se den."),
    ],
)
def test_refused_upload_says_why_on_the_field_and_keeps_the_description(
    desk, bank, make_article, picture, upload, alt_text, field, message
):
    article = make_article("S1")
    files = {
        "none": {},
        "text": {"image": SimpleUploadedFile("x.jpg", b"not a picture")},
        "large": {"image": _too_large(picture)},
        "good": {"image": picture()},
    }[upload]
    response = desk.post(
        _url("article_photo_add", bank, article_id=article.pk), {"alt_text": alt_text, **files}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'<p class="error-message" id="id_{field}_error">' in page
    error = page.split(f'id="id_{field}_error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert "error-summary" in page
    if alt_text.strip():
        assert f'value="{ALT}"' in page
    assert not ArticlePhoto.objects.exists()


def test_a_photo_of_another_banks_article_is_not_found(
    desk, bank, make_article, picture, make_organisation
):
    from sammanhang.lending.models import Bank

    other_org = make_organisation("Fritidsbanken Norr")
    other = Bank.objects.create(organisation=other_org, place=bank.place)
    theirs = make_article("N1")
    theirs.bank = other
    theirs.save(update_fields=["bank"])
    photo = services.article_photo_add(actor=None, article=theirs, upload=picture(), alt_text=ALT)
    mine = make_article("S1")
    response = desk.post(_url("article_photo_remove", bank, article_id=mine.pk, photo_id=photo.pk))
    assert response.status_code == 404
    response = desk.post(
        _url("article_photo_remove", bank, article_id=theirs.pk, photo_id=photo.pk)
    )
    assert response.status_code == 404
    assert ArticlePhoto.objects.count() == 1


# --- the public bank page ---------------------------------------------------------------------


def test_inventory_gets_the_latest_photo_per_type_in_one_query(
    bank, make_article, picture, django_assert_num_queries
):
    from sammanhang.directory.models import Term
    from sammanhang.lending.models import ArticleType
    from sammanhang.lending.selectors import bank_inventory, bank_inventory_photos

    skis = ArticleType.objects.create(
        category=Term.objects.get(taxonomy="sammanhang-utrustning", code="skidor-langd"),
        name="Längdskidor",
    )
    tent = ArticleType.objects.create(
        category=Term.objects.get(taxonomy="sammanhang-utrustning", code="talt"), name="Tält"
    )
    for number in range(6):
        article = make_article(f"S{number}", size=str(36 + number))
        services.article_photo_add(
            actor=None, article=article, upload=picture(), alt_text=f"Skridsko {number}"
        )
    services.article_photo_add(
        actor=None, article=make_article("L1", type=skis), upload=picture(), alt_text="Skidor"
    )
    make_article("T1", type=tent)
    inventory = bank_inventory(bank=bank)
    with django_assert_num_queries(1):
        bank_inventory_photos(bank=bank, inventory=inventory)
    photos = {
        kind.name: kind.photo and kind.photo.alt_text
        for category in inventory.categories
        for kind in category.types
    }
    assert photos == {"Hockeyskridskor": "Skridsko 5", "Längdskidor": "Skidor", "Tält": None}

    nothing = bank_inventory(bank=bank, category="bollsport")
    with django_assert_num_queries(0):
        bank_inventory_photos(bank=bank, inventory=nothing)


def test_bank_page_shows_one_thumbnail_per_type_for_one_more_query(
    client, bank, make_article, picture, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.SAMMANHANG_FIXED_NOW = "2026-12-07T12:00"
    for number in range(4):
        make_article(f"S{number}", size=str(36 + number))
    url = reverse("lending:bank", args=[bank.organisation.slug])
    with CaptureQueriesContext(connection) as without_photos:
        assert client.get(url).status_code == 200
    photo = None
    for article in bank.articles.all():
        photo = services.article_photo_add(
            actor=None, article=article, upload=picture(), alt_text=f"{ALT} ({article.code})"
        )
    assert photo is not None
    with CaptureQueriesContext(connection) as with_photos:
        page = client.get(url).content.decode()
    # One query reads the photos, whether it finds any or not; four photos cost no more.
    assert len(with_photos) == len(without_photos)
    assert len([q for q in with_photos if "lending_articlephoto" in q["sql"]]) == 1
    thumbnail = (
        f'<img class="inventory__photo" src="/media/{photo.image.name}" '
        f'alt="{ALT} (S3)" width="40" height="30" loading="lazy"'
    )
    assert page.count('<img class="inventory__photo"') == 1
    assert thumbnail in page
