"""schema.org JSON-LD for the public activity, event and place pages.

Search engines and calendar aggregators read these to show an activity's next dates, place
and price without scraping the page. The data is built here as plain dicts from what the page
already shows (drafts never get a page); ``script`` renders it for the page's ``<head>``.

Mapping (see docs/open-data.md):
- An activity with a recurring schedule is an ``EventSeries``: each weekly or monthly rule is
  a ``Schedule`` (``byDay``, ``startTime``/``endTime`` as local wall-clock times,
  ``repeatFrequency`` as an ISO 8601 duration, cancelled dates as ``exceptDate``) and the
  next sessions are ``subEvent`` ``Event``s with absolute start and end.
- An activity held once is an ``Event`` with its start and end; several single dates make an
  ``EventSeries`` of those dates.
- An organisation's page is an ``Organization`` (also each activity's ``organizer``).
- A place is a ``Place`` with a ``PostalAddress``, coordinates, accessibility as
  ``amenityFeature``, opening hours (closed days as a zero-length interval, the convention
  search engines read) and the sessions held there as ``event``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import (
    Activity,
    ActivityStatus,
    ExceptionKind,
    FeatureValue,
    Frequency,
    Occurrence,
    Place,
    PlaceClosure,
    Schedule,
    Weekday,
)
from sammanhang.directory.schedules import DAY_CODES, local_span

SCHEMA = "https://schema.org/"
# Day names as schema.org's DayOfWeek members, by ISO weekday number.
DAYS = {day.value: f"{SCHEMA}{day.name.capitalize()}" for day in Weekday}
_PLAIN_PRICE = re.compile(r"^\s*(\d+(?:[.,]\d{1,2})?)\s*(?:kr|kronor|sek|:-)?\s*$", re.IGNORECASE)

# A URL for a path: the caller makes it absolute (``request.build_absolute_uri``).
Absolute = Callable[[str], str]


def activity_jsonld(
    activity: Activity,
    *,
    schedules: Sequence[Schedule],
    occurrences: Iterable[Occurrence],
    url_of: Callable[[Any], str],
    absolute: Absolute,
) -> dict[str, Any]:
    """An ``EventSeries`` or ``Event`` for an activity's page.

    ``schedules`` carry their cancelled ``exceptions`` (prefetched); ``occurrences`` are the
    next sessions the page lists; ``url_of`` gives the public URL of an activity, place or
    organisation.
    """
    url = url_of(activity)
    places = list(activity.places.all())
    recurring = [s for s in schedules if s.freq != Frequency.ONCE]
    sessions = list(occurrences)
    data: dict[str, Any] = {"@context": "https://schema.org", "@id": url}
    if recurring or len(schedules) > 1:
        data["@type"] = "EventSeries"
    else:
        data["@type"] = "Event"
    data |= {
        "name": activity.title,
        "description": activity.summary,
        "url": url,
        "eventStatus": SCHEMA + _status(activity, schedules),
        "eventAttendanceMode": SCHEMA + _attendance_mode(activity, places),
        "isAccessibleForFree": activity.is_free,
        "offers": _offer(activity, url),
        "organizer": organisation_jsonld(activity.organisation, url_of=url_of, absolute=absolute),
    }
    location = [place_summary(place, url_of=url_of) for place in places]
    if activity.online:
        location.append({"@type": "VirtualLocation", "name": str(_("Online"))})
    if location:
        data["location"] = location if len(location) > 1 else location[0]
    if data["@type"] == "Event" and schedules:
        start, end = local_span(
            schedules[0].valid_from,
            schedules[0].opens_at,
            schedules[0].closes_at,
            timezone.get_default_timezone(),
        )
        data["startDate"], data["endDate"] = start.isoformat(), end.isoformat()
    if recurring:
        data["eventSchedule"] = [schedule_jsonld(schedule) for schedule in recurring]
    if data["@type"] == "EventSeries" and sessions:
        data["subEvent"] = [
            session_jsonld(session, name=activity.title, url=url, url_of=url_of)
            for session in sessions
        ]
    languages = [language.code for language in activity.languages.all()]
    if languages:
        data["inLanguage"] = languages if len(languages) > 1 else languages[0]
    audience = _audience(activity)
    if audience:
        data["audience"] = audience
    categories = [term.name for term in activity.categories.all()]
    if categories:
        data["keywords"] = ", ".join(categories)
    if activity.capacity:
        data["maximumAttendeeCapacity"] = activity.capacity
    return data


def schedule_jsonld(schedule: Schedule) -> dict[str, Any]:
    """A recurring rule as a schema.org ``Schedule``: weekly days as ``DayOfWeek``, monthly
    ones ("the first Saturday") in iCalendar's ``BYDAY`` syntax, which ``byDay`` also takes."""
    days = [part.strip().upper() for part in schedule.byday.split(",") if part.strip()]
    by_day: list[str]
    if schedule.freq == Frequency.WEEKLY:
        by_day = [DAYS[DAY_CODES[code] + 1] for code in days]
        period = "W"
    else:
        by_day = days
        period = "M"
    data: dict[str, Any] = {
        "@type": "Schedule",
        "repeatFrequency": f"P{schedule.interval}{period}",
        "byDay": by_day if len(by_day) > 1 else by_day[0],
        "startTime": _clock(schedule.opens_at),
        "endTime": _clock(schedule.closes_at),
        "startDate": schedule.valid_from.isoformat(),
        "scheduleTimezone": settings.TIME_ZONE,
    }
    if schedule.valid_to:
        data["endDate"] = schedule.valid_to.isoformat()
    cancelled = [
        exception.date.isoformat()
        for exception in schedule.exceptions.all()
        if exception.kind == ExceptionKind.CANCELLED
    ]
    if cancelled:
        data["exceptDate"] = cancelled
    return data


def session_jsonld(
    session: Occurrence, *, name: str, url: str, url_of: Callable[[Any], str]
) -> dict[str, Any]:
    """One dated session as an ``Event``; a cancelled one says so."""
    data: dict[str, Any] = {
        "@type": "Event",
        "name": name,
        "url": url,
        "startDate": _instant(session.starts_at),
        "endDate": _instant(session.ends_at),
        "eventStatus": SCHEMA + ("EventCancelled" if session.cancelled else "EventScheduled"),
    }
    if session.place is not None:
        data["location"] = {"@id": url_of(session.place)}
    if session.note:
        data["description"] = session.note
    return data


def place_jsonld(
    place: Place,
    *,
    closures: Iterable[PlaceClosure],
    occurrences: Iterable[Occurrence],
    url_of: Callable[[Any], str],
    absolute: Absolute,
) -> dict[str, Any]:
    """A ``Place`` for a place's page, with its hours, accessibility and coming sessions."""
    data: dict[str, Any] = {"@context": "https://schema.org"} | place_summary(place, url_of=url_of)
    if place.description:
        data["description"] = place.description
    if place.district is not None:
        data["containedInPlace"] = {"@type": "Place", "name": place.district.name}
    features = [
        {
            "@type": "LocationFeatureSpecification",
            "name": feature.term.name,
            "value": feature.value == FeatureValue.YES,
        }
        for feature in place.features.all()
        if feature.value in (FeatureValue.YES, FeatureValue.NO)
    ]
    if features:
        data["amenityFeature"] = features
    hours: list[dict[str, Any]] = []
    for interval in place.opening_hours.all():
        spec = {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": DAYS[interval.weekday],
            "opens": _clock(interval.opens_at),
            "closes": _clock(interval.closes_at),
        }
        if interval.valid_from:
            spec["validFrom"] = interval.valid_from.isoformat()
        if interval.valid_to:
            spec["validThrough"] = interval.valid_to.isoformat()
        hours.append(spec)
    for closure in closures:
        hours.append(
            {
                "@type": "OpeningHoursSpecification",
                "opens": "00:00:00",
                "closes": "00:00:00",
                "validFrom": closure.date.isoformat(),
                "validThrough": closure.date.isoformat(),
                "description": closure.reason,
            }
        )
    if hours:
        data["openingHoursSpecification"] = hours
    photos = [absolute(photo.image.url) for photo in place.photos.all()]
    if photos:
        data["photo"] = [{"@type": "ImageObject", "contentUrl": photo} for photo in photos]
    events = [
        session_jsonld(
            session, name=session.activity.title, url=url_of(session.activity), url_of=url_of
        )
        for session in occurrences
    ]
    if events:
        data["event"] = events
    return data


def place_summary(place: Place, *, url_of: Callable[[Any], str]) -> dict[str, Any]:
    """What an event's ``location`` says of a place: name, address and coordinates."""
    url = url_of(place)
    data: dict[str, Any] = {"@type": "Place", "@id": url, "name": place.name, "url": url}
    address = {
        key: value
        for key, value in (
            ("streetAddress", place.street_address),
            ("postalCode", place.postal_code),
            ("addressLocality", place.city or _municipality_name(place)),
            ("addressCountry", "SE"),
        )
        if value
    }
    data["address"] = {"@type": "PostalAddress", **address}
    if place.latitude is not None and place.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": place.latitude,
            "longitude": place.longitude,
        }
    return data


def _municipality_name(place: Place) -> str:
    # Only when the page read it already: an event's places are read without it.
    if Place._meta.get_field("municipality").is_cached(place):
        return place.municipality.name
    return ""


def organisation_jsonld(
    organisation: Organisation, *, url_of: Callable[[Any], str], absolute: Absolute
) -> dict[str, Any]:
    """An ``Organization``: the organiser of an activity."""
    url = url_of(organisation)
    data: dict[str, Any] = {
        "@type": "Organization",
        "@id": url,
        "name": organisation.name,
        "url": url,
    }
    if organisation.website:
        data["sameAs"] = organisation.website
    if organisation.email:
        data["email"] = organisation.email
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.logo:
        data["logo"] = absolute(organisation.logo.url)
    return data


def organisation_page_jsonld(
    organisation: Organisation, *, url_of: Callable[[Any], str], absolute: Absolute
) -> dict[str, Any]:
    """An ``Organization`` for its own page: with its description and the organisation it
    is part of (read with it by ``organisation_by_slug``)."""
    data = {"@context": "https://schema.org"} | organisation_jsonld(
        organisation, url_of=url_of, absolute=absolute
    )
    description = organisation.description
    if (get_language() or "sv").startswith("en") and organisation.description_en:
        description = organisation.description_en
    if description:
        data["description"] = description
    if organisation.parent is not None:
        data["parentOrganization"] = {
            "@type": "Organization",
            "@id": url_of(organisation.parent),
            "name": organisation.parent.name,
        }
    return data


def script(data: dict[str, Any]) -> SafeString:
    """``data`` in a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON escapes (as Django's ``json_script`` does), so
    no text from providers, such as ``</script>`` in a title, can end the element early; a
    JSON parser reads the escapes back as the same characters.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    escaped = text.translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})
    return mark_safe(f'<script type="application/ld+json">{escaped}</script>')  # noqa: S308


def _status(activity: Activity, schedules: Sequence[Schedule]) -> str:
    if activity.status == ActivityStatus.CANCELLED:
        return "EventCancelled"
    if len(schedules) == 1 and schedules[0].freq == Frequency.ONCE:
        # A one-off event called off by its only date's exception is cancelled as a whole.
        only = schedules[0]
        if any(
            e.kind == ExceptionKind.CANCELLED and e.date == only.valid_from
            for e in only.exceptions.all()
        ):
            return "EventCancelled"
    return "EventScheduled"


def _attendance_mode(activity: Activity, places: list[Place]) -> str:
    if activity.online and places:
        return "MixedEventAttendanceMode"
    if activity.online:
        return "OnlineEventAttendanceMode"
    return "OfflineEventAttendanceMode"


def _offer(activity: Activity, url: str) -> dict[str, Any]:
    """Free: price 0 SEK. Otherwise the provider's price text, and the number when the text is
    only an amount ("20 kr"); "50 kr, 20 kr for pensioners" stays text only."""
    offer: dict[str, Any] = {"@type": "Offer", "priceCurrency": "SEK", "url": url}
    if activity.is_free:
        offer["price"] = 0
        return offer
    offer["description"] = activity.price
    amount = _PLAIN_PRICE.match(activity.price)
    if amount:
        offer["price"] = amount.group(1).replace(",", ".")
    return offer


def _audience(activity: Activity) -> dict[str, Any] | None:
    groups = [term.name for term in activity.target_groups.all()]
    if not groups and activity.age_min is None and activity.age_max is None:
        return None
    audience: dict[str, Any] = {"@type": "PeopleAudience"}
    if groups:
        audience["audienceType"] = groups if len(groups) > 1 else groups[0]
    if activity.age_min is not None:
        audience["suggestedMinAge"] = activity.age_min
    if activity.age_max is not None:
        audience["suggestedMaxAge"] = activity.age_max
    return audience


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M:%S")


def _instant(moment: datetime) -> str:
    """An absolute time in the site's zone, with its offset ("2026-12-01T17:00:00+01:00")."""
    return timezone.localtime(moment).isoformat()
