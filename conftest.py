"""Fixtures shared by every test: staff accounts and organisations made through the services."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.conf import settings
from django.utils import translation

from sammanhang.accounts import services
from sammanhang.accounts.models import Organisation, User

_counter = itertools.count(1)
PASSWORD = "a-long-enough-test-password"  # noqa: S105


@pytest.fixture(autouse=True)
def _swedish_by_default():
    """Each test starts in Swedish, as a request without a prefix does.

    Django keeps the language of the last request active in the thread, so without this a
    test's ``reverse()`` could produce an /en/ URL left over from an earlier test.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads from a test go to its own folder, never into the developer's data/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def media_root(settings):
    """Where this test's uploads are stored."""
    return settings.MEDIA_ROOT


@pytest.fixture
def picture():
    """An upload built from real JPEG bytes, with EXIF (a GPS position) like a phone photo."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    def make(size=(40, 30), fmt="JPEG", name="photo.jpg", exif=True):
        image = Image.new("RGB", size, (200, 120, 40))
        buffer = io.BytesIO()
        extra = {}
        if exif:
            tags = Image.Exif()
            tags[0x010F] = "Phonemaker"  # Make
            tags[0x8825] = {2: (55.0, 36.0, 0.0)}  # GPSInfo: GPSLatitude
            extra["exif"] = tags.tobytes()
        image.save(buffer, format=fmt, **extra)
        return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")

    return make


@pytest.fixture(autouse=True)
def _shipped_taxonomies(request):
    """The taxonomies a data migration loads, present in every test that uses the database.

    Transactional tests end by flushing every table, data-migration rows included, so a later
    test on the same database would otherwise find no target groups or categories.
    """
    marker = request.node.get_closest_marker("django_db")
    wants_db = {"db", "transactional_db"} & set(request.fixturenames)
    if marker is None and not wants_db:
        return
    transactional = "transactional_db" in request.fixturenames or bool(
        marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from sammanhang.directory.models import Term
    from sammanhang.directory.taxonomy import taxonomy_sync

    if not Term.objects.exists():
        taxonomy_sync(Term)


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str | None = None, *, platform_admin: bool = False) -> User:
        user = User.objects.create_user(username or f"staff-{next(_counter)}", password=PASSWORD)
        if platform_admin:
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
        return user

    return make


@pytest.fixture
def make_organisation(db) -> Callable[..., Organisation]:
    def make(name: str | None = None, **members: str) -> Organisation:
        """``make_organisation("Föreningen", alice="admin")`` with users as keyword roles."""
        number = next(_counter)
        organisation = services.organisation_create(
            actor=None,
            name=name or f"Organisation {number}",
            slug=f"organisation-{number}",
            kind=Organisation.Kind.ASSOCIATION,
        )
        for username, role in members.items():
            user = User.objects.filter(username=username).first() or User.objects.create_user(
                username, password=PASSWORD
            )
            services.membership_set(actor=None, organisation=organisation, user=user, role=role)
        return organisation

    return make
