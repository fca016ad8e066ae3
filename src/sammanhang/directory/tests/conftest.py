"""A small directory for finder tests: two districts, places, and activities that differ in
exactly the ways the filters look at. Built with the ORM plus the schedule service."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from sammanhang.core import clock
from sammanhang.directory import search, services
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    District,
    Municipality,
    Place,
    Term,
)


def term(taxonomy: str, code: str) -> Term:
    return Term.objects.get(taxonomy=taxonomy, code=code)


def make_activity(organisation, slug, *, place, byday="TU", opens=17, closes=19, **fields):
    targets = fields.pop("target_groups", [])
    categories = fields.pop("categories", [])
    languages = fields.pop("languages", ["sv"])
    features = fields.pop("features", [])
    freq = fields.pop("freq", "WEEKLY")
    valid_from = fields.pop("valid_from", clock.today() - timedelta(days=14))
    activity = Activity.objects.create(
        slug=slug,
        organisation=organisation,
        title=fields.pop("title", slug.replace("-", " ").capitalize()),
        summary=fields.pop("summary", "En aktivitet"),
        status=fields.pop("status", Activity.Status.PUBLISHED),
        **fields,
    )
    activity.places.add(place)
    activity.target_groups.set([term("sammanhang-malgrupp", c) for c in targets])
    activity.categories.set([term("sammanhang-kategori", c) for c in categories])
    for code in languages:
        ActivityLanguage.objects.create(activity=activity, code=code)
    for code in features:
        ActivityFeature.objects.create(
            activity=activity, term=term("sammanhang-tillganglighet", code), value="yes"
        )
    search.search_index_update([activity.pk])
    services.schedule_add(
        actor=None,
        activity=activity,
        freq=freq,
        byday=byday if freq != "ONCE" else "",
        opens_at=time(opens),
        closes_at=time(closes),
        valid_from=valid_from,
        place_id=place.pk,
    )
    return activity


@pytest.fixture
def directory(make_organisation):
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="helsingborg")
    soder = District.objects.create(municipality=municipality, code="soder", name="Söder")
    centrum = District.objects.create(municipality=municipality, code="centrum", name="Centrum")
    organisation = make_organisation("Mötesplatsföreningen")
    places = {
        "soder": Place.objects.create(
            slug="soderhuset",
            name="Söderhuset",
            owner=organisation,
            municipality=municipality,
            district=soder,
        ),
        "centrum": Place.objects.create(
            slug="centrumgarden",
            name="Centrumgården",
            owner=organisation,
            municipality=municipality,
            district=centrum,
        ),
    }
    activities = {
        "kvallsfika": make_activity(
            organisation,
            "kvallsfika",
            place=places["soder"],
            byday="TU",
            opens=17,
            closes=19,
            title="Kvällsfika",
            is_free=True,
            companion_free="yes",
            drop_in=True,
            target_groups=["psykisk-funktionsnedsattning"],
            categories=["motesplats"],
            languages=["sv", "ar"],
            features=["lugn-miljo"],
        ),
        "dagcafe": make_activity(
            organisation,
            "dagcafe",
            place=places["centrum"],
            byday="MO,TU,WE,TH,FR",
            opens=10,
            closes=14,
            title="Dagcafé",
            is_free=False,
            price="20 kr",
            companion_free="no",
            drop_in=False,
            capacity=10,
            target_groups=["aldre"],
            categories=["matlagning"],
            age_min=65,
        ),
        "helgpromenad": make_activity(
            organisation,
            "helgpromenad",
            place=places["soder"],
            byday="SA",
            opens=11,
            closes=13,
            title="Helgpromenad",
            categories=["friluftsliv"],
            age_min=18,
            age_max=99,
        ),
        "utkast": make_activity(
            organisation,
            "utkast",
            place=places["soder"],
            byday="TU",
            opens=18,
            closes=20,
            title="Utkastgruppen",
            status=Activity.Status.DRAFT,
        ),
    }
    return {"places": places, "activities": activities, "organisation": organisation}
