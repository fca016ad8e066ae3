"""Turning directory objects into the API's JSON records (plain dicts, checked by the schemas).

Names of terms, languages, weekdays and schedules come out in the active language, so the
caller activates the language the client asked for first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import time
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language

from sammanhang.accounts.models import Organisation
from sammanhang.core.models import Tombstone
from sammanhang.directory.finder import ShownDistrict, ShownSession
from sammanhang.directory.models import (
    Activity,
    District,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    Term,
    Weekday,
)
from sammanhang.directory.templatetags.directory import (
    language_name,
    occurrence_when,
    schedule_words,
)


def _english() -> bool:
    return (get_language() or "sv").startswith("en")


def _url(request: HttpRequest, name: str, slug: str) -> str:
    return request.build_absolute_uri(reverse(name, args=[slug]))


def _time(value: time) -> str:
    return f"{value:%H:%M}"


def term(value: Term) -> dict[str, str]:
    return {"code": value.code, "name": value.name}


def district(value: District | ShownDistrict | None) -> dict[str, str] | None:
    return {"code": value.code, "name": value.name} if value else None


def coordinates(place: Place) -> dict[str, float] | None:
    if place.latitude is None or place.longitude is None:
        return None
    return {"latitude": place.latitude, "longitude": place.longitude}


def organisation_brief(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "uuid": organisation.uuid,
        "slug": organisation.slug,
        "name": organisation.name,
        "url": _url(request, "directory:organisation", organisation.slug),
    }


def place_brief(request: HttpRequest, place: Place) -> dict[str, Any]:
    return {
        "uuid": place.uuid,
        "slug": place.slug,
        "name": place.name,
        "url": _url(request, "directory:place", place.slug),
        "district": district(place.district),
        "coordinates": coordinates(place),
    }


def occurrence(occ: Occurrence | ShownSession) -> dict[str, Any]:
    """One session: absolute instants with the local offset (+01:00 or +02:00)."""
    return {
        "start": timezone.localtime(occ.starts_at).isoformat(),
        "end": timezone.localtime(occ.ends_at).isoformat(),
        "when": occurrence_when(occ),
        "cancelled": occ.cancelled,
        "reason": occ.note,
        "place": {"slug": occ.place.slug, "name": occ.place.name} if occ.place else None,
        "district": district(occ.district),
    }


def activity(
    request: HttpRequest, value: Activity, *, occurrences: Sequence[Occurrence | ShownSession]
) -> dict[str, Any]:
    schedules = sorted(value.schedules.all(), key=lambda s: (s.valid_from, s.opens_at, s.pk))
    return {
        "uuid": value.uuid,
        "slug": value.slug,
        "url": _url(request, "directory:activity", value.slug),
        "title": value.title,
        "title_en": value.title_en,
        "summary": value.summary,
        "summary_en": value.summary_en,
        "easy_read": value.easy_read,
        "description": value.description,
        "categories": [term(t) for t in value.categories.all()],
        "target_groups": [term(t) for t in value.target_groups.all()],
        "age_min": value.age_min,
        "age_max": value.age_max,
        "languages": [
            {"code": lang.code, "name": capfirst(language_name(lang.code))}
            for lang in value.languages.all()
        ],
        "is_free": value.is_free,
        "price": value.price,
        "companion_free": value.companion_free,
        "companion_terms": value.companion_terms,
        "drop_in": value.drop_in,
        "capacity": value.capacity,
        "contact": {
            "role": value.contact_role,
            "email": value.contact_email,
            "phone": value.contact_phone,
        },
        "status": value.status,
        "organisation": organisation_brief(request, value.organisation),
        "places": [place_brief(request, p) for p in value.places.all()],
        "online": value.online,
        "schedule": [schedule_words(s) for s in schedules],
        # Set by the finder when the search has a point (near, lat/lon); else absent.
        "distance_km": _km(getattr(value, "distance_km", None)),
        "next_occurrences": [occurrence(o) for o in occurrences],
        "updated_at": value.updated_at,
    }


def _km(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def opening_hours(hours: OpeningHours) -> dict[str, Any]:
    return {
        "weekday": hours.weekday,
        "weekday_name": str(Weekday(hours.weekday).label),
        "opens": _time(hours.opens_at),
        "closes": _time(hours.closes_at),
        "valid_from": hours.valid_from,
        "valid_to": hours.valid_to,
    }


def place(request: HttpRequest, value: Place) -> dict[str, Any]:
    return {
        **place_brief(request, value),
        "municipality": {
            "code": value.municipality.code,
            "slug": value.municipality.slug,
            "name": value.municipality.name,
        },
        "street_address": value.street_address,
        "postal_code": value.postal_code,
        "city": value.city,
        "how_to_get_there": value.how_to_get_there,
        "description": value.description,
        "features": [
            {"code": f.term.code, "name": f.term.name, "value": f.value}
            for f in value.features.all()
        ],
        "updated_at": value.updated_at,
    }


def closure(value: PlaceClosure) -> dict[str, Any]:
    return {"date": value.date, "reason": value.reason}


def organisation(request: HttpRequest, value: Organisation) -> dict[str, Any]:
    description = value.description_en if _english() and value.description_en else value.description
    return {
        **organisation_brief(request, value),
        "kind": {"code": value.kind, "name": str(Organisation.Kind(value.kind).label)},
        "parent": organisation_brief(request, value.parent) if value.parent else None,
        "description": description,
        "website": value.website,
        "email": value.email,
        "phone": value.phone,
        "updated_at": value.updated_at,
    }


def activity_brief(request: HttpRequest, value: Activity) -> dict[str, Any]:
    return {
        "uuid": value.uuid,
        "slug": value.slug,
        "title": value.title,
        "url": _url(request, "directory:activity", value.slug),
    }


def deletion(value: Tombstone) -> dict[str, Any]:
    return {
        "kind": value.kind,
        "uuid": value.uuid,
        "reason": value.reason,
        "deleted_at": value.deleted_at,
    }
