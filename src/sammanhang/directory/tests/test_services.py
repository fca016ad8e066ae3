"""Directory writes: municipalities, places and activities through the services (real database)."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from sammanhang.core.models import AuditEvent
from sammanhang.directory import services
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    District,
    Municipality,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
)

TODAY = date(2026, 11, 23)


@pytest.fixture
def municipality(db):
    return services.municipality_upsert(
        code="1283",
        name="Helsingborg",
        slug="helsingborg",
        districts=[("soder", "Söder"), ("centrum", "Centrum")],
    )


@pytest.fixture
def editor(make_user):
    return make_user("redaktor")


@pytest.fixture
def organisation(make_organisation):
    return make_organisation("Mötesplatsföreningen")


def _place(editor, organisation, municipality, **kwargs):
    values = {
        "actor": editor,
        "owner": organisation,
        "municipality": municipality,
        "slug": "soderhuset",
        "name": "Söderhuset",
        "district": municipality.districts.get(code="soder"),
    }
    return services.place_create(**(values | kwargs))


def _activity(editor, organisation, **kwargs):
    values = {
        "actor": editor,
        "organisation": organisation,
        "slug": "kvallsfika",
        "title": "Kvällsfika",
        "summary": "Fika och samtal",
    }
    return services.activity_create(**(values | kwargs))


def _audit(action):
    return list(
        AuditEvent.objects.filter(action=action).values_list(
            "actor__username", "object_id", "organisation_id", "changed_fields"
        )
    )


def test_municipality_upsert_updates_by_code_and_keeps_unnamed_districts(municipality):
    again = services.municipality_upsert(
        code="1283",
        name="Helsingborgs stad",
        slug="helsingborg",
        districts=[("soder", "Södermalm"), ("raa", "Råå")],
    )
    assert again.pk == municipality.pk
    assert Municipality.objects.get().name == "Helsingborgs stad"
    assert sorted(District.objects.values_list("code", "name")) == [
        ("centrum", "Centrum"),
        ("raa", "Råå"),
        ("soder", "Södermalm"),
    ]


def test_municipality_upsert_refuses_a_code_longer_than_four_characters(db):
    with pytest.raises(ValidationError):
        services.municipality_upsert(code="12834", name="X", slug="x", districts=[])
    assert not Municipality.objects.exists()


def test_place_create_stores_features_opening_hours_and_closures_and_audits(
    editor, organisation, municipality
):
    place = _place(
        editor,
        organisation,
        municipality,
        street_address="Södergatan 1",
        latitude=56.04,
        longitude=12.70,
        features={"rullstol": "yes", "lugn-miljo": "no", "hiss": "unknown"},
        opening_hours=[(1, time(10), time(16)), (3, time(12), time(20))],
        closures=[(date(2026, 12, 24), "Julafton")],
    )
    assert sorted(PlaceFeature.objects.filter(place=place).values_list("term__code", "value")) == [
        ("hiss", "unknown"),
        ("lugn-miljo", "no"),
        ("rullstol", "yes"),
    ]
    assert list(
        OpeningHours.objects.filter(place=place).values_list("weekday", "opens_at", "closes_at")
    ) == [(1, time(10), time(16)), (3, time(12), time(20))]
    assert list(PlaceClosure.objects.filter(place=place).values_list("date", "reason")) == [
        (date(2026, 12, 24), "Julafton")
    ]
    assert _audit("place.created") == [
        (
            "redaktor",
            str(place.pk),
            organisation.pk,
            [
                "closures",
                "district",
                "features",
                "latitude",
                "longitude",
                "municipality",
                "name",
                "opening_hours",
                "owner",
                "slug",
                "street_address",
            ],
        )
    ]


def test_place_create_refuses_an_unknown_feature_naming_it_and_writes_nothing(
    editor, organisation, municipality
):
    with pytest.raises(services.DirectoryError) as error:
        _place(editor, organisation, municipality, features={"rullstol": "yes", "ramp": "yes"})
    assert str(error.value) == "Okänd tillgänglighetsuppgift ramp."
    assert not Place.objects.exists()
    assert _audit("place.created") == []


def test_place_create_refuses_a_feature_that_describes_activities(
    editor, organisation, municipality
):
    with pytest.raises(services.DirectoryError) as error:
        _place(editor, organisation, municipality, features={"ingen-anmalan": "yes"})
    assert str(error.value) == "Tillgänglighetsuppgiften ingen-anmalan gäller inte platser."
    assert not Place.objects.exists()


def test_place_create_refuses_a_feature_value_other_than_yes_no_unknown(
    editor, organisation, municipality
):
    with pytest.raises(services.DirectoryError) as error:
        _place(editor, organisation, municipality, features={"hiss": "kanske"})
    assert str(error.value) == "kanske är inget svar för hiss: använd yes, no eller unknown."
    assert not PlaceFeature.objects.exists()


def test_place_create_refuses_a_district_of_another_municipality(
    editor, organisation, municipality
):
    other = services.municipality_upsert(
        code="1280", name="Malmö", slug="malmo", districts=[("limhamn", "Limhamn")]
    )
    with pytest.raises(services.DirectoryError) as error:
        _place(editor, organisation, municipality, district=other.districts.get())
    assert str(error.value) == "Limhamn är inte en stadsdel i Helsingborg."
    assert not Place.objects.exists()


def test_place_create_refuses_reversed_opening_hours_and_writes_nothing(
    editor, organisation, municipality
):
    with pytest.raises(ValidationError):
        _place(editor, organisation, municipality, opening_hours=[(2, time(18), time(9))])
    assert not Place.objects.exists()
    assert not OpeningHours.objects.exists()


def test_place_closure_cancels_the_sessions_of_activities_held_there(
    editor, organisation, municipality
):
    place = _place(editor, organisation, municipality, closures=[(date(2026, 12, 24), "Julafton")])
    activity = _activity(editor, organisation, places=[place], status="published")
    services.schedule_add(
        actor=editor,
        activity=activity,
        freq="WEEKLY",
        byday="TH",
        opens_at=time(17),
        closes_at=time(19),
        valid_from=date(2026, 11, 1),
        place_id=place.pk,
    )
    services.occurrences_rebuild(activity=activity, today=TODAY)
    december = Occurrence.objects.filter(
        activity=activity, date__gte=date(2026, 12, 17), date__lte=date(2026, 12, 31)
    ).order_by("date")
    assert list(december.values_list("date", "cancelled", "note")) == [
        (date(2026, 12, 17), False, ""),
        (date(2026, 12, 24), True, "Julafton"),
        (date(2026, 12, 31), False, ""),
    ]


def test_activity_create_stores_terms_languages_features_and_fields_and_audits(
    editor, organisation, municipality
):
    place = _place(editor, organisation, municipality)
    activity = _activity(
        editor,
        organisation,
        places=[place],
        categories=["motesplats", "matlagning"],
        target_groups=["aldre"],
        languages=["sv", "AR", "sv"],
        features={"lugn-miljo": "yes", "ingen-anmalan": "no"},
        is_free=False,
        price="20 kr",
        age_min=65,
        contact_role="Träffpunktens personal",
    )
    activity.refresh_from_db()
    assert (activity.status, activity.is_free, activity.price, activity.age_min) == (
        "draft",
        False,
        "20 kr",
        65,
    )
    assert list(activity.places.all()) == [place]
    assert sorted(activity.categories.values_list("code", flat=True)) == [
        "matlagning",
        "motesplats",
    ]
    assert list(activity.target_groups.values_list("code", flat=True)) == ["aldre"]
    assert sorted(ActivityLanguage.objects.values_list("code", flat=True)) == ["ar", "sv"]
    assert sorted(ActivityFeature.objects.values_list("term__code", "value")) == [
        ("ingen-anmalan", "no"),
        ("lugn-miljo", "yes"),
    ]
    assert _audit("activity.created") == [
        (
            "redaktor",
            str(activity.pk),
            organisation.pk,
            [
                "age_min",
                "categories",
                "contact_role",
                "features",
                "is_free",
                "languages",
                "places",
                "price",
                "slug",
                "status",
                "summary",
                "target_groups",
                "title",
            ],
        )
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": ["motesplats", "pingis"]}, "Okänd kategori pingis."),
        # A target-group code is not a category, and a category is not a target group.
        ({"categories": ["aldre"]}, "Okänd kategori aldre."),
        ({"target_groups": ["motesplats"]}, "Okänd målgrupp motesplats."),
        (
            {"languages": ["sv", "svenska"]},
            "svenska är inte en språkkod med två bokstäver (ISO 639-1).",
        ),
        ({"features": {"trappfritt": "yes"}}, "Okänd tillgänglighetsuppgift trappfritt."),
        (
            {"features": {"rullstol": "yes"}},
            "Tillgänglighetsuppgiften rullstol gäller inte aktiviteter.",
        ),
    ],
)
def test_activity_create_refuses_a_bad_code_naming_it_and_writes_nothing(
    editor, organisation, kwargs, message
):
    with pytest.raises(services.DirectoryError) as error:
        _activity(editor, organisation, **kwargs)
    assert str(error.value) == message
    assert not Activity.objects.exists()
    assert not ActivityLanguage.objects.exists()
    assert _audit("activity.created") == []


def test_activity_create_refuses_a_paid_activity_without_a_price(editor, organisation):
    with pytest.raises(ValidationError):
        _activity(editor, organisation, is_free=False)
    assert not Activity.objects.exists()


def test_activity_create_refuses_a_keyword_that_is_not_an_activity_field(editor, organisation):
    with pytest.raises(TypeError, match="unexpected fields: colour"):
        _activity(editor, organisation, colour="blue")
    assert not Activity.objects.exists()


def test_activity_set_status_changes_the_status_and_audits_only_changes(editor, organisation):
    activity = _activity(editor, organisation)
    services.activity_set_status(actor=editor, activity=activity, status="published")
    services.activity_set_status(actor=editor, activity=activity, status="published")
    services.activity_set_status(actor=editor, activity=activity, status="cancelled")
    assert Activity.objects.get().status == "cancelled"
    assert _audit("activity.status_changed") == [
        ("redaktor", str(activity.pk), organisation.pk, ["status"]),
        ("redaktor", str(activity.pk), organisation.pk, ["status"]),
    ]


def test_activity_set_status_refuses_an_unknown_status(editor, organisation):
    activity = _activity(editor, organisation)
    with pytest.raises(services.DirectoryError) as error:
        services.activity_set_status(actor=editor, activity=activity, status="paused")
    assert str(error.value) == "Okänd status paused."
    assert Activity.objects.get().status == "draft"
    assert _audit("activity.status_changed") == []
