"""Pictures of places and organisation logos: stored clean, audited, shown with alt text."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from sammanhang.accounts import services as accounts_services
from sammanhang.core.images import ImageRejected
from sammanhang.core.models import AuditEvent
from sammanhang.directory import services
from sammanhang.directory.models import PlacePhoto
from sammanhang.directory.services import DirectoryError


def test_photo_is_stored_clean_audited_and_shown_with_its_alt_text(
    client, directory, picture, media_root
):
    place = directory["places"]["soder"]
    photo = services.place_photo_add(
        actor=None, place=place, upload=picture(), alt_text="  Entrén med  ramp till dörren "
    )
    assert photo.alt_text == "Entrén med ramp till dörren"
    assert (photo.width, photo.height, photo.position) == (40, 30, 1)
    stored = media_root / photo.image.name
    assert dict(Image.open(stored).getexif()) == {}
    assert AuditEvent.objects.filter(action="place.photo_added", object_id=str(place.pk)).count()

    html = client.get(reverse("directory:place", args=[place.slug])).content.decode()
    assert (
        f'<img src="/media/{photo.image.name}" alt="Entrén med ramp till dörren" '
        'width="40" height="30" loading="lazy">'
    ) in html
    served = client.get(f"/media/{photo.image.name}")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(b"".join(served.streaming_content))).size == (40, 30)


def test_second_photo_comes_after_the_first(directory, picture):
    place = directory["places"]["soder"]
    services.place_photo_add(actor=None, place=place, upload=picture(), alt_text="Entrén")
    services.place_photo_add(actor=None, place=place, upload=picture(), alt_text="Caféet")
    assert list(place.photos.values_list("alt_text", "position")) == [
        ("Entrén", 1),
        ("Caféet", 2),
    ]


def test_photo_without_alt_text_is_refused_and_nothing_is_stored(directory, picture, media_root):
    with pytest.raises(DirectoryError, match="^Beskriv vad bilden visar"):
        services.place_photo_add(
            actor=None, place=directory["places"]["soder"], upload=picture(), alt_text="   "
        )
    assert PlacePhoto.objects.count() == 0
    assert not (media_root / "platser").exists()


def test_a_non_picture_is_refused_before_anything_is_written(directory, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ImageRejected):
        services.place_photo_add(
            actor=None,
            place=directory["places"]["soder"],
            upload=SimpleUploadedFile("x.jpg", b"not a picture"),
            alt_text="Entrén",
        )
    assert PlacePhoto.objects.count() == 0
    assert AuditEvent.objects.filter(action="place.photo_added").count() == 0


@pytest.mark.django_db(transaction=True)
def test_removing_a_photo_deletes_its_file_after_commit(directory, picture, media_root):
    place = directory["places"]["soder"]
    photo = services.place_photo_add(actor=None, place=place, upload=picture(), alt_text="A")
    path = media_root / photo.image.name
    assert path.exists()
    services.place_photo_remove(actor=None, photo=photo)
    assert not path.exists()
    assert AuditEvent.objects.filter(action="place.photo_removed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_logo_is_shown_beside_the_name_and_replaced_cleanly(client, directory, picture, media_root):
    organisation = directory["organisation"]
    accounts_services.organisation_logo_set(
        actor=None, organisation=organisation, upload=picture(size=(1200, 600))
    )
    organisation.refresh_from_db()
    first = media_root / organisation.logo.name
    assert Image.open(first).size == (600, 300)
    html = client.get(reverse("directory:organisation", args=[organisation.slug])).content.decode()
    # Beside the heading that names the organisation, the logo adds nothing to read out.
    assert f'<img class="logo" src="/media/{organisation.logo.name}" alt="" height="64">' in html

    accounts_services.organisation_logo_set(actor=None, organisation=organisation, upload=None)
    organisation.refresh_from_db()
    assert organisation.logo.name == ""
    assert not first.exists()
    assert AuditEvent.objects.filter(action="organisation.logo_changed").count() == 2
