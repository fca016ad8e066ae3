"""Uploaded pictures are re-encoded: no metadata, upright, size capped, non-pictures refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from sammanhang.core import images
from sammanhang.core.images import ImageRejected, image_clean


def _open(clean):
    return Image.open(io.BytesIO(clean.content.read()))


def test_phone_photo_loses_its_gps_position_and_camera(picture):
    upload = picture()
    assert Image.open(upload).getexif()  # the fixture really carries EXIF
    upload.seek(0)
    clean = image_clean(upload)
    result = _open(clean)
    assert dict(result.getexif()) == {}
    assert (result.format, result.size) == ("JPEG", (40, 30))
    assert clean.content.name == "picture.jpg"


def test_large_picture_is_scaled_down_keeping_its_shape(picture):
    clean = image_clean(picture(size=(3200, 1600)))
    assert (clean.width, clean.height) == (1600, 800)
    assert _open(clean).size == (1600, 800)


def test_png_stays_png(picture):
    clean = image_clean(picture(fmt="PNG", name="plan.png", exif=False))
    assert (_open(clean).format, clean.content.name) == ("PNG", "picture.png")


def test_a_text_file_named_jpg_is_refused():
    upload = SimpleUploadedFile("photo.jpg", b"<svg onload=alert(1)>", content_type="image/jpeg")
    with pytest.raises(ImageRejected, match="^Filen är inte en bild som vi kan läsa.$"):
        image_clean(upload)


def test_gif_is_refused_with_the_formats_we_take(picture):
    with pytest.raises(ImageRejected, match="^Välj en bild i formatet JPEG, PNG eller WebP.$"):
        image_clean(picture(fmt="GIF", name="a.gif", exif=False))


def test_too_large_file_is_refused_before_decoding(picture, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 100)
    with pytest.raises(ImageRejected, match="större än 10 MB"):
        image_clean(picture(size=(200, 200)))


def test_too_many_pixels_is_refused(picture, monkeypatch):
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    with pytest.raises(ImageRejected, match="^Bilden har för många pixlar. Välj en mindre.$"):
        image_clean(picture(size=(100, 100)))
