"""Uploaded pictures, made safe to publish.

Every picture is opened with Pillow, checked and saved again as a new file, never kept as
uploaded: that drops EXIF and other metadata (a phone photo carries the GPS position of where it
was taken and the camera's serial number), turns the picture upright, caps its size, and means a
file that only claims to be a picture is refused.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger is a decompression bomb or a scanner file, not a photo
MAX_SIDE = 1600  # enough for a full-width picture on a large screen
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


class ImageRejected(ValueError):
    """The upload is not a picture we publish; the message says why, in the user's language."""


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile[bytes]
    width: int
    height: int


def image_clean(upload: File[bytes], *, max_side: int = MAX_SIDE) -> CleanImage:
    """Check ``upload`` and return it re-encoded without metadata, upright, at most ``max_side``.

    Raises ``ImageRejected`` for a file that is too large, not a picture, or in another format
    than JPEG, PNG or WebP.
    """
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ImageRejected(_("The picture is larger than 10 MB. Choose a smaller file."))
    try:
        with Image.open(upload) as probe:
            probe.verify()  # cheap structural check before decoding
        upload.seek(0)
        with Image.open(upload) as original:
            kind = original.format or ""
            if kind not in FORMATS:
                raise ImageRejected(_("Choose a picture in JPEG, PNG or WebP format."))
            if original.width * original.height > MAX_PIXELS:
                raise ImageRejected(_("The picture has too many pixels. Choose a smaller one."))
            picture = ImageOps.exif_transpose(original)
            picture.thumbnail((max_side, max_side))
            if kind == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            buffer = io.BytesIO()
            # No exif= or pnginfo= argument: the new file carries pixels only.
            picture.save(buffer, format=kind, quality=85, optimize=True)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ImageRejected(_("The file is not a picture we can read.")) from error
    name = f"picture.{FORMATS[kind]}"
    return CleanImage(ContentFile(buffer.getvalue(), name=name), picture.width, picture.height)


class _Photo(Protocol):
    """A model with an ``image`` file field and a ``position`` among its siblings."""

    image: Any
    position: int

    def save(self) -> None: ...


def photo_store_last(
    photo: _Photo, *, clean: CleanImage, siblings: QuerySet[Any], then: Callable[[], object]
) -> None:
    """Store ``clean`` as ``photo``'s file and save the row last among ``siblings``, running
    ``then`` (the audit record, and what else the change touches) in the same transaction.

    If anything fails the file is deleted too: no row, so no file. Two uploads at once may
    share a position; their ``pk`` orders them then.
    """
    photo.image.save(clean.content.name or "picture.jpg", clean.content, save=False)
    try:
        with transaction.atomic():
            last = siblings.aggregate(Max("position"))
            photo.position = (last["position__max"] or 0) + 1
            photo.save()
            then()
    except BaseException:
        photo.image.delete(save=False)
        raise


def photo_delete(photo: Any, *, then: Callable[[], object]) -> None:
    """Delete the photo's row, running ``then`` in the same transaction, and its file once
    the change is committed (a rolled-back delete keeps its picture)."""
    with transaction.atomic():
        name, storage = photo.image.name or "", photo.image.storage
        photo.delete()
        then()
        transaction.on_commit(lambda: storage.delete(name))
