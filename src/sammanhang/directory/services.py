"""Writes for the directory.

Invariants kept here:
- ``Occurrence`` rows always match the schedules, exceptions and place closures of their
  activity from ``materialise_from()`` to the horizon: every write that touches any of them
  calls ``occurrences_rebuild`` in the same transaction.
- Schedules are validated (``byday`` readable, times ordered) before they are stored; the
  database constraints on ``Schedule`` and ``ScheduleException`` catch what slips past.
- Accessibility features, categories and target groups refer to terms of the right taxonomy
  (and, for features, that apply to places or to activities); an unknown code is refused with
  ``DirectoryError`` naming it before anything is written.
- A place's district belongs to the place's municipality.
- Every write records an audit event in its own transaction (municipalities and districts are
  platform data and are not audited).

``schedule_add`` and ``schedule_exception_add`` take ``rebuild=False`` for bulk loads (the demo
municipality), which then call ``occurrences_rebuild`` once per activity in the same
transaction; the invariant holds when that transaction commits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.core.images import image_clean
from sammanhang.core.services import audit_record
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    ActivityStatus,
    AppliesTo,
    District,
    ExceptionKind,
    FeatureValue,
    Municipality,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    PlacePhoto,
    Schedule,
    ScheduleException,
    Taxonomy,
    Term,
)
from sammanhang.directory.schedules import Rule, local_span, parse_byday, rule_dates
from sammanhang.directory.search import search_index_update

Actor = AbstractBaseUser | AnonymousUser | None

# Occurrences are kept from a month back (so "last week" still shows) to a year ahead.
HISTORY_DAYS = 31
HORIZON_DAYS = 366


def materialise_from(today: date) -> date:
    return today - timedelta(days=HISTORY_DAYS)


def materialise_until(today: date) -> date:
    return today + timedelta(days=HORIZON_DAYS)


def occurrences_rebuild(*, activity: Activity, today: date | None = None) -> int:
    """Replace the activity's occurrences in the rolling window; return how many there are.

    Older occurrences are left alone: they are history. Cancelled dates and place closures
    give occurrences marked ``cancelled`` with the reason as ``note``, so the public sees that
    a session is off rather than silently missing.
    """
    today = today or clock.today()
    start, end = materialise_from(today), materialise_until(today)
    zone = ZoneInfo(settings.TIME_ZONE)
    schedules = list(
        Schedule.objects.filter(activity=activity)
        .select_related("place")
        .prefetch_related("exceptions")
    )
    place_ids = {s.place_id for s in schedules if s.place_id}
    closures = {
        (c.place_id, c.date): c.reason
        for c in PlaceClosure.objects.filter(place_id__in=place_ids, date__gte=start, date__lte=end)
    }
    rows: list[Occurrence] = []
    for schedule in schedules:
        exceptions = list(schedule.exceptions.all())
        cancelled = {e.date: e.reason for e in exceptions if e.kind == ExceptionKind.CANCELLED}
        regular = (schedule.opens_at, schedule.closes_at, "")
        sessions: dict[date, tuple[time, time, str]] = dict.fromkeys(
            rule_dates(_rule(schedule), start, end), regular
        )
        for extra in exceptions:
            if extra.kind == ExceptionKind.EXTRA and start <= extra.date <= end:
                sessions[extra.date] = (
                    extra.opens_at or schedule.opens_at,
                    extra.closes_at or schedule.closes_at,
                    extra.reason,
                )
        for day, (opens_at, closes_at, note) in sorted(sessions.items()):
            reason = cancelled.get(day)
            if reason is None and schedule.place_id:
                reason = closures.get((schedule.place_id, day))
            starts_at, ends_at = local_span(day, opens_at, closes_at, zone)
            rows.append(
                Occurrence(
                    activity=activity,
                    schedule=schedule,
                    place=schedule.place,
                    district_id=schedule.place.district_id if schedule.place else None,
                    date=day,
                    weekday=day.isoweekday(),
                    local_start=opens_at,
                    local_end=closes_at,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    cancelled=reason is not None,
                    note=reason if reason is not None else note,
                )
            )
    with transaction.atomic():
        Occurrence.objects.filter(activity=activity, date__gte=start).delete()
        Occurrence.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _rule(schedule: Schedule) -> Rule:
    return Rule(
        freq=schedule.freq,
        interval=schedule.interval,
        byday=schedule.byday,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
    )


def schedule_add(
    *,
    actor: Actor,
    activity: Activity,
    freq: str,
    opens_at: time,
    closes_at: time,
    valid_from: date,
    valid_to: date | None = None,
    byday: str = "",
    interval: int = 1,
    place_id: int | None = None,
    rebuild: bool = True,
) -> Schedule:
    """Add a schedule and rebuild the activity's occurrences.

    Raises ``ScheduleRuleError`` for an unreadable ``byday`` and ``ValidationError`` for a
    schedule the model refuses (times or period out of order). With ``rebuild=False`` the
    caller must call ``occurrences_rebuild`` for the activity before its transaction ends.
    """
    byday = ",".join(p.strip().upper() for p in byday.split(",") if p.strip())
    parse_byday(freq, byday)
    with transaction.atomic():
        schedule = Schedule(
            activity=activity,
            freq=freq,
            interval=interval,
            byday=byday,
            opens_at=opens_at,
            closes_at=closes_at,
            valid_from=valid_from,
            valid_to=valid_to,
            place_id=place_id,
        )
        schedule.full_clean()
        schedule.save()
        if rebuild:
            occurrences_rebuild(activity=activity)
        audit_record(
            actor=actor,
            action="schedule.added",
            target=schedule,
            organisation_id=activity.organisation_id,
            changed_fields=["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to"],
        )
    return schedule


def schedule_exception_add(
    *,
    actor: Actor,
    schedule: Schedule,
    kind: str,
    day: date,
    reason: str = "",
    opens_at: time | None = None,
    closes_at: time | None = None,
    rebuild: bool = True,
) -> ScheduleException:
    """Cancel one date of a schedule, or add an extra date; rebuild the occurrences.

    With ``rebuild=False`` the caller must call ``occurrences_rebuild`` for the activity
    before its transaction ends.
    """
    with transaction.atomic():
        exception, _created = ScheduleException.objects.update_or_create(
            schedule=schedule,
            kind=kind,
            date=day,
            defaults={"reason": reason, "opens_at": opens_at, "closes_at": closes_at},
        )
        if rebuild:
            occurrences_rebuild(activity=schedule.activity)
        audit_record(
            actor=actor,
            action=f"schedule.{kind}_date",
            target=exception,
            organisation_id=schedule.activity.organisation_id,
            changed_fields=["date", "reason"],
        )
    return exception


class DirectoryError(Exception):
    """A directory write that the rules refuse; the message is for the user and names the cause."""


# The Activity fields activity_create takes as plain keyword arguments.
ACTIVITY_FIELDS = frozenset(
    {
        "title_en",
        "summary_en",
        "description",
        "easy_read",
        "online",
        "age_min",
        "age_max",
        "is_free",
        "price",
        "companion_free",
        "companion_terms",
        "drop_in",
        "capacity",
        "contact_role",
        "contact_email",
        "contact_phone",
    }
)
_LANGUAGE_CODE = re.compile(r"[a-z]{2}")


def municipality_upsert(
    *, code: str, name: str, slug: str, districts: Iterable[tuple[str, str]]
) -> Municipality:
    """Create the municipality with this code, or update its name and slug; same for districts.

    Districts are ``(code, name)`` pairs matched by code within the municipality; districts
    not named are kept, because places may refer to them. Platform data, so not audited.
    Raises ``ValidationError`` for values the models refuse.
    """
    districts = list(districts)
    Municipality(code=code, name=name, slug=slug).full_clean(
        validate_unique=False, validate_constraints=False
    )
    with transaction.atomic():
        municipality, _created = Municipality.objects.update_or_create(
            code=code, defaults={"name": name, "slug": slug}
        )
        for district_code, district_name in districts:
            District(municipality=municipality, code=district_code, name=district_name).full_clean(
                validate_unique=False, validate_constraints=False
            )
            District.objects.update_or_create(
                municipality=municipality, code=district_code, defaults={"name": district_name}
            )
    return municipality


def place_create(
    *,
    actor: Actor,
    owner: Organisation,
    municipality: Municipality,
    slug: str,
    name: str,
    district: District | None = None,
    street_address: str = "",
    postal_code: str = "",
    city: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    how_to_get_there: str = "",
    description: str = "",
    features: Mapping[str, str] | None = None,
    opening_hours: Sequence[tuple[int, time, time]] | None = None,
    closures: Sequence[tuple[date, str]] | None = None,
) -> Place:
    """Create a place with its accessibility features, weekly opening hours and closed days.

    ``features`` maps accessibility term codes to ``yes``/``no``/``unknown``; ``opening_hours``
    holds ``(ISO weekday, opens, closes)``; ``closures`` holds ``(date, reason)``. Closures
    cancel the sessions of every activity scheduled at the place on those days.

    Raises ``DirectoryError`` for an unknown feature code, a feature that only describes
    activities, a feature value other than yes/no/unknown, or a district of another
    municipality; ``ValidationError`` for a taken slug, coordinates out of range, opening
    hours out of order or a closure given twice. Nothing is written when it raises.
    """
    if district is not None and district.municipality_id != municipality.pk:
        raise DirectoryError(
            _("%(district)s is not a district of %(municipality)s.")
            % {"district": district.name, "municipality": municipality.name}
        )
    feature_terms = _feature_terms(features, applies_to=AppliesTo.PLACE)
    values: dict[str, Any] = {
        "slug": slug,
        "name": name,
        "district": district,
        "street_address": street_address,
        "postal_code": postal_code,
        "city": city,
        "latitude": latitude,
        "longitude": longitude,
        "how_to_get_there": how_to_get_there,
        "description": description,
    }
    with transaction.atomic():
        place = Place(owner=owner, municipality=municipality, **values)
        place.full_clean()
        place.save()
        PlaceFeature.objects.bulk_create(
            PlaceFeature(place=place, term=term, value=value) for term, value in feature_terms
        )
        for weekday, opens_at, closes_at in opening_hours or ():
            hours = OpeningHours(
                place=place, weekday=weekday, opens_at=opens_at, closes_at=closes_at
            )
            hours.full_clean()
            hours.save()
        for day, reason in closures or ():
            closure = PlaceClosure(place=place, date=day, reason=reason)
            closure.full_clean()
            closure.save()
        if closures:
            _rebuild_activities_at(place)
        audit_record(
            actor=actor,
            action="place.created",
            target=place,
            organisation_id=owner.pk,
            changed_fields=[
                "owner",
                "municipality",
                *(field for field, value in values.items() if value not in ("", None)),
                *(["features"] if feature_terms else []),
                *(["opening_hours"] if opening_hours else []),
                *(["closures"] if closures else []),
            ],
        )
    return place


def activity_create(
    *,
    actor: Actor,
    organisation: Organisation,
    slug: str,
    title: str,
    summary: str,
    status: str = ActivityStatus.DRAFT,
    places: Iterable[Place] = (),
    categories: Iterable[str] = (),
    target_groups: Iterable[str] = (),
    languages: Iterable[str] = (),
    features: Mapping[str, str] | None = None,
    **fields: Any,
) -> Activity:
    """Create an activity with its places, categories, target groups, languages and features.

    ``categories`` and ``target_groups`` are term codes of those taxonomies; ``languages`` are
    two-letter ISO 639-1 codes; ``features`` maps accessibility codes that apply to
    activities to ``yes``/``no``/``unknown``. ``fields`` are the other ``Activity`` fields
    (``ACTIVITY_FIELDS``). Schedules are added afterwards with ``schedule_add``.

    Raises ``DirectoryError`` naming an unknown category, target group, language or feature
    code (a code of another taxonomy is unknown here), a feature that only describes places,
    or a feature value other than yes/no/unknown; ``ValidationError`` for values the model
    refuses (a taken slug, a paid activity without a price, ages out of order). Raises
    ``TypeError`` for a keyword that is not an activity field. Nothing is written when it
    raises.
    """
    unexpected = sorted(set(fields) - ACTIVITY_FIELDS)
    if unexpected:
        raise TypeError(f"activity_create() got unexpected fields: {', '.join(unexpected)}")
    category_codes = list(dict.fromkeys(categories))
    category_terms = _terms(Taxonomy.CATEGORY, category_codes)
    for code in category_codes:
        if code not in category_terms:
            raise DirectoryError(_("Unknown category %(code)s.") % {"code": code})
    target_codes = list(dict.fromkeys(target_groups))
    target_terms = _terms(Taxonomy.TARGET_GROUP, target_codes)
    for code in target_codes:
        if code not in target_terms:
            raise DirectoryError(_("Unknown target group %(code)s.") % {"code": code})
    language_codes: list[str] = []
    for code in languages:
        normalised = code.strip().lower()
        if not _LANGUAGE_CODE.fullmatch(normalised):
            raise DirectoryError(
                _("%(code)s is not a two-letter language code (ISO 639-1).") % {"code": code}
            )
        if normalised not in language_codes:
            language_codes.append(normalised)
    feature_terms = _feature_terms(features, applies_to=AppliesTo.ACTIVITY)
    places = list(places)
    with transaction.atomic():
        activity = Activity(
            organisation=organisation,
            slug=slug,
            title=title,
            summary=summary,
            status=status,
            **fields,
        )
        activity.full_clean()
        activity.save()
        activity.places.set(places)
        activity.categories.set(category_terms.values())
        activity.target_groups.set(target_terms.values())
        ActivityLanguage.objects.bulk_create(
            ActivityLanguage(activity=activity, code=code) for code in language_codes
        )
        ActivityFeature.objects.bulk_create(
            ActivityFeature(activity=activity, term=term, value=value)
            for term, value in feature_terms
        )
        search_index_update([activity.pk])
        audit_record(
            actor=actor,
            action="activity.created",
            target=activity,
            organisation_id=organisation.pk,
            changed_fields=[
                "slug",
                "title",
                "summary",
                "status",
                *(field for field, value in fields.items() if value not in ("", None)),
                *(["places"] if places else []),
                *(["categories"] if category_terms else []),
                *(["target_groups"] if target_terms else []),
                *(["languages"] if language_codes else []),
                *(["features"] if feature_terms else []),
            ],
        )
    return activity


def activity_set_status(*, actor: Actor, activity: Activity, status: str) -> Activity:
    """Publish, cancel, end or return an activity to draft.

    Any status may follow any other (a cancelled activity can be published again). Setting
    the status it already has changes nothing and records no event. Raises
    ``DirectoryError`` for an unknown status.
    """
    if status not in ActivityStatus.values:
        raise DirectoryError(_("Unknown status %(status)s.") % {"status": status})
    with transaction.atomic():
        current = (
            Activity.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=activity.pk)
        )
        activity.status = status
        if current == status:
            return activity
        activity.save(update_fields=["status", "updated_at"])
        audit_record(
            actor=actor,
            action="activity.status_changed",
            target=activity,
            organisation_id=activity.organisation_id,
            changed_fields=["status"],
        )
    return activity


def _terms(taxonomy: Taxonomy, codes: Iterable[str]) -> dict[str, Term]:
    return {
        term.code: term for term in Term.objects.filter(taxonomy=taxonomy, code__in=list(codes))
    }


def _feature_terms(
    features: Mapping[str, str] | None, *, applies_to: AppliesTo
) -> list[tuple[Term, str]]:
    """Resolve accessibility codes to terms; raise ``DirectoryError`` for the first bad one."""
    if not features:
        return []
    terms = _terms(Taxonomy.ACCESSIBILITY, features)
    resolved: list[tuple[Term, str]] = []
    for code, value in features.items():
        term = terms.get(code)
        if term is None:
            raise DirectoryError(_("Unknown accessibility feature %(code)s.") % {"code": code})
        if term.applies_to not in (applies_to, AppliesTo.BOTH):
            if applies_to == AppliesTo.PLACE:
                message = _("The accessibility feature %(code)s does not apply to places.")
            else:
                message = _("The accessibility feature %(code)s does not apply to activities.")
            raise DirectoryError(message % {"code": code})
        if value not in FeatureValue.values:
            raise DirectoryError(
                _("%(value)s is not an answer for %(code)s: use yes, no or unknown.")
                % {"value": value, "code": code}
            )
        resolved.append((term, value))
    return resolved


def _rebuild_activities_at(place: Place) -> None:
    for activity in Activity.objects.filter(schedules__place=place).distinct():
        occurrences_rebuild(activity=activity)


def place_photo_add(
    *, actor: Actor, place: Place, upload: File[bytes], alt_text: str
) -> PlacePhoto:
    """Add a cleaned copy of ``upload`` to the place's pictures, last in order.

    Raises ``DirectoryError`` without a text alternative and ``core.images.ImageRejected`` for a
    file that is not a picture we publish; nothing is stored then.
    """
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise DirectoryError(_("Describe what the picture shows, for people who cannot see it."))
    clean = image_clean(upload)
    photo = PlacePhoto(place=place, alt_text=alt_text)
    photo.image.save(clean.content.name or "picture.jpg", clean.content, save=False)
    try:
        with transaction.atomic():
            last = PlacePhoto.objects.filter(place=place).aggregate(Max("position"))
            photo.position = (last["position__max"] or 0) + 1
            photo.save()
            audit_record(
                actor=actor,
                action="place.photo_added",
                target=place,
                organisation_id=place.owner_id,
                changed_fields=["photos"],
            )
    except BaseException:
        photo.image.delete(save=False)  # no row, so no file either
        raise
    return photo


def place_photo_remove(*, actor: Actor, photo: PlacePhoto) -> None:
    """Delete the picture and its file (the file once the change is committed)."""
    place = photo.place
    with transaction.atomic():
        name, storage = photo.image.name or "", photo.image.storage
        photo.delete()
        audit_record(
            actor=actor,
            action="place.photo_removed",
            target=place,
            organisation_id=place.owner_id,
            changed_fields=["photos"],
        )
        transaction.on_commit(lambda: storage.delete(name))
