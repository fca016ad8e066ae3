"""Writes for the directory.

Invariants kept here:
- ``Occurrence`` rows always match the schedules, exceptions and place closures of their
  activity from ``materialise_from()`` to the horizon: every write that touches any of them
  calls ``occurrences_rebuild`` in the same transaction. Rebuilds of one activity are
  serialised by a row lock on the activity (the daily ``occurrences_extend`` job and an edit
  may meet), taken in pk order when several activities are rebuilt.
- Schedules are validated (``byday`` readable, times ordered) before they are stored; the
  database constraints on ``Schedule`` and ``ScheduleException`` catch what slips past.
- Accessibility features, categories, target groups and the equipment an activity needs
  refer to terms of the right taxonomy (and, for features, that apply to places or to
  activities); an unknown code is refused with ``DirectoryError`` naming it before anything
  is written.
- A place's district belongs to the place's municipality.
- Every write records an audit event in its own transaction (municipalities and districts are
  platform data and are not audited).
- ``updated_at`` of an activity or a place moves whenever anything its open-data record shows
  changes (schedules, dates, closures of its places, places' names and districts, terms,
  languages, features, opening hours), so ``modified_after`` finds every change; see
  ``_touch`` and ``_touch_place``. An activity that leaves public view (unpublished, cancelled,
  ended) or is deleted, and a deleted place, leave a tombstone in the same transaction.

``schedule_add`` and ``schedule_exception_add`` take ``rebuild=False`` for bulk loads (the demo
municipality), which then call ``occurrences_rebuild`` once per activity in the same
transaction; the invariant holds when that transaction commits. ``activity_schedules_set`` and
``place_opening_hours_set`` replace a whole set at once (an HSDS import): rows already as
wanted are kept, and nothing moves when nothing differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.core.images import image_clean, photo_delete, photo_store_last
from sammanhang.core.models import TombstoneKind, TombstoneReason
from sammanhang.core.services import audit_record, tombstone_record
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
    with transaction.atomic():
        # One rebuild of an activity at a time (an edit and the daily job, say): each
        # deletes and re-inserts the same rows, so the second waits for the first and then
        # reads the schedules as the first left them. Lock order is by activity pk.
        list(Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk"))
        return _occurrences_rebuild_locked(activity=activity, today=today)


def _occurrences_rebuild_locked(*, activity: Activity, today: date | None) -> int:
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
    Occurrence.objects.filter(activity=activity, date__gte=start).delete()
    Occurrence.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def occurrences_extend(*, today: date | None = None) -> int:
    """Move every live activity's occurrences up to the horizon as the days go by.

    The horizon is ``materialise_until(today)``, so without this a schedule that runs on
    would run out of materialised sessions a year after its last edit. Run daily by the
    ``occurrences_extend`` periodic job; it rebuilds (the same function every edit uses, so
    the result is what an edit today would give) each activity with a schedule or an extra
    date that can still give sessions. Each activity is rebuilt in its own transaction under
    the rebuild's row lock, so an editor saving at the same time waits a moment rather than
    racing it. Returns how many activities were rebuilt.
    """
    today = today or clock.today()
    live = Schedule.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    extra = ScheduleException.objects.filter(kind=ExceptionKind.EXTRA, date__gte=today)
    activity_ids = sorted(
        set(live.values_list("activity_id", flat=True))
        | set(extra.values_list("schedule__activity_id", flat=True))
    )
    rebuilt = 0
    for activity in Activity.objects.filter(pk__in=activity_ids).order_by("pk").iterator():
        # Its own transaction each, so the job never holds many activities locked at once.
        occurrences_rebuild(activity=activity, today=today)
        rebuilt += 1
    return rebuilt


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
    uuid: UUID | None = None,
) -> Schedule:
    """Add a schedule and rebuild the activity's occurrences.

    ``uuid`` keeps an id the schedule already has elsewhere (an import); by default it gets a
    new one. Raises ``ScheduleRuleError`` for an unreadable ``byday`` and ``ValidationError``
    for a schedule the model refuses (times or period out of order, a ``uuid`` already taken).
    With ``rebuild=False`` the caller must call ``occurrences_rebuild`` for the activity
    before its transaction ends.
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
        if uuid is not None:
            schedule.uuid = uuid
        schedule.full_clean()
        schedule.save()
        if rebuild:
            occurrences_rebuild(activity=activity)
        _touch(activity)
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
        _touch(schedule.activity)
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
    uuid: UUID | None = None,
) -> Place:
    """Create a place with its accessibility features, weekly opening hours and closed days.

    ``features`` maps accessibility term codes to ``yes``/``no``/``unknown``; ``opening_hours``
    holds ``(ISO weekday, opens, closes)``; ``closures`` holds ``(date, reason)``. Closures
    cancel the sessions of every activity scheduled at the place on those days.

    Raises ``DirectoryError`` for an unknown feature code, a feature that only describes
    activities, a feature value other than yes/no/unknown, or a district of another
    municipality; ``ValidationError`` for a taken slug, coordinates out of range, opening
    hours out of order or a closure given twice. Nothing is written when it raises. ``uuid``
    keeps the id another system published the place under (an HSDS import).
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
        if uuid is not None:
            place.uuid = uuid
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
    equipment: Iterable[str] = (),
    languages: Iterable[str] = (),
    features: Mapping[str, str] | None = None,
    uuid: UUID | None = None,
    **fields: Any,
) -> Activity:
    """Create an activity with its places, categories, target groups, languages and features.

    ``categories``, ``target_groups`` and ``equipment`` (what a participant needs, which the
    finder matches with what a Fritidsbank lends) are term codes of those taxonomies;
    ``languages`` are two-letter ISO 639-1 codes; ``features`` maps accessibility codes that
    apply to activities to ``yes``/``no``/``unknown``. ``fields`` are the other ``Activity`` fields
    (``ACTIVITY_FIELDS``). Schedules are added afterwards with ``schedule_add``.

    Raises ``DirectoryError`` naming an unknown category, target group, equipment, language or
    feature code (a code of another taxonomy is unknown here), a feature that only describes places,
    or a feature value other than yes/no/unknown; ``ValidationError`` for values the model
    refuses (a taken slug, a paid activity without a price, ages out of order). Raises
    ``TypeError`` for a keyword that is not an activity field. Nothing is written when it
    raises. ``uuid`` keeps the id another system published the activity under (an HSDS
    import).
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
    equipment_terms = _equipment_terms(equipment)
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
        if uuid is not None:
            activity.uuid = uuid
        activity.full_clean()
        activity.save()
        activity.places.set(places)
        activity.categories.set(category_terms.values())
        activity.target_groups.set(target_terms.values())
        activity.equipment.set(equipment_terms)
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
                *(["equipment"] if equipment_terms else []),
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
        _tombstone_if_hidden(activity, current)
        # The text is unchanged, but the row is rewritten so index and activity never
        # disagree about an activity that has just become public.
        search_index_update([activity.pk])
        audit_record(
            actor=actor,
            action="activity.status_changed",
            target=activity,
            organisation_id=activity.organisation_id,
            changed_fields=["status"],
        )
    return activity


def _tombstone_if_hidden(activity: Activity, before: str) -> None:
    """Tell mirrors when the activity leaves a feed: the v1 API shows published activities,
    HSDS also cancelled and ended ones (inactive). Back to draft leaves both; published to
    cancelled or ended leaves only the v1 API. Published again, it is simply modified."""
    if activity.status == ActivityStatus.DRAFT:
        reason = TombstoneReason.UNPUBLISHED
    elif before == ActivityStatus.PUBLISHED and activity.status != ActivityStatus.PUBLISHED:
        reason = TombstoneReason.WITHDRAWN
    else:
        return
    tombstone_record(kind=TombstoneKind.ACTIVITY, record_uuid=activity.uuid, reason=reason)


def _terms(taxonomy: Taxonomy, codes: Iterable[str]) -> dict[str, Term]:
    return {
        term.code: term for term in Term.objects.filter(taxonomy=taxonomy, code__in=list(codes))
    }


def _equipment_terms(codes: Iterable[str]) -> list[Term]:
    """Resolve equipment codes (a category such as ``vinter`` or a kind such as
    ``skridskor``) to terms; raise ``DirectoryError`` naming the first unknown one."""
    wanted = list(dict.fromkeys(codes))
    found = _terms(Taxonomy.EQUIPMENT, wanted)
    for code in wanted:
        if code not in found:
            raise DirectoryError(_("Unknown equipment %(code)s.") % {"code": code})
    return [found[code] for code in wanted]


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
    """Rebuild (and so touch) every activity with a schedule at the place."""
    for activity in Activity.objects.filter(schedules__place=place).distinct().order_by("pk"):
        occurrences_rebuild(activity=activity)
        _touch(activity)


def _touch_activities_at(place: Place) -> None:
    """Touch the activities whose records show the place."""
    now = timezone.now()
    Activity.objects.filter(
        pk__in=Activity.objects.filter(Q(places=place) | Q(schedules__place=place)).values("pk")
    ).update(updated_at=now)


def activities_of_organisation_touch(
    *, sender: object, organisation: Organisation, **kwargs: object
) -> None:
    """An organisation changed (``accounts.signals.organisation_changed``): the records of its
    activities show it (name, links, profile), so they changed too. Places show only their
    owner's id, which never changes, so they stay."""
    Activity.objects.filter(organisation_id=organisation.pk).update(updated_at=timezone.now())


def _touch_place(place: Place) -> None:
    """The place's open-data record changed, and so did those of the activities held there:
    an HSDS service carries its locations in full (address, hours, accessibility)."""
    place.updated_at = timezone.now()
    Place.objects.filter(pk=place.pk).update(updated_at=place.updated_at)
    _touch_activities_at(place)


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

    def changed() -> None:
        _touch_place(place)
        audit_record(
            actor=actor,
            action="place.photo_added",
            target=place,
            organisation_id=place.owner_id,
            changed_fields=["photos"],
        )

    photo_store_last(
        photo, clean=clean, siblings=PlacePhoto.objects.filter(place=place), then=changed
    )
    return photo


def place_photo_remove(*, actor: Actor, photo: PlacePhoto) -> None:
    """Delete the picture and its file (the file once the change is committed)."""
    place = photo.place

    def changed() -> None:
        _touch_place(place)
        audit_record(
            actor=actor,
            action="place.photo_removed",
            target=place,
            organisation_id=place.owner_id,
            changed_fields=["photos"],
        )

    photo_delete(photo, then=changed)


# --- provider (staff page) writes -----------------------------------------------------------


def _touch(activity: Activity) -> None:
    """Mark the activity as changed now: its record (schedule, sessions, places, terms) did.

    Also what staff see as "looked after": schedule changes count as keeping it current.
    """
    activity.updated_at = timezone.now()
    Activity.objects.filter(pk=activity.pk).update(updated_at=activity.updated_at)


def _resolve_codes(
    categories: Iterable[str] | None,
    target_groups: Iterable[str] | None,
    languages: Iterable[str] | None,
) -> tuple[list[Term] | None, list[Term] | None, list[str] | None]:
    """Resolve taxonomy and language codes; ``None`` means "leave unchanged"."""
    category_terms = target_terms = None
    language_codes: list[str] | None = None
    if categories is not None:
        codes = list(dict.fromkeys(categories))
        found = _terms(Taxonomy.CATEGORY, codes)
        for code in codes:
            if code not in found:
                raise DirectoryError(_("Unknown category %(code)s.") % {"code": code})
        category_terms = [found[c] for c in codes]
    if target_groups is not None:
        codes = list(dict.fromkeys(target_groups))
        found = _terms(Taxonomy.TARGET_GROUP, codes)
        for code in codes:
            if code not in found:
                raise DirectoryError(_("Unknown target group %(code)s.") % {"code": code})
        target_terms = [found[c] for c in codes]
    if languages is not None:
        language_codes = []
        for code in languages:
            normalised = code.strip().lower()
            if not _LANGUAGE_CODE.fullmatch(normalised):
                raise DirectoryError(
                    _("%(code)s is not a two-letter language code (ISO 639-1).") % {"code": code}
                )
            if normalised not in language_codes:
                language_codes.append(normalised)
    return category_terms, target_terms, language_codes


def activity_update(
    *,
    actor: Actor,
    activity: Activity,
    title: str | None = None,
    summary: str | None = None,
    places: Iterable[Place] | None = None,
    categories: Iterable[str] | None = None,
    target_groups: Iterable[str] | None = None,
    equipment: Iterable[str] | None = None,
    languages: Iterable[str] | None = None,
    features: Mapping[str, str] | None = None,
    **fields: Any,
) -> list[str]:
    """Change an activity's text, facts and links; return the names of the changed fields.

    Arguments left ``None`` are unchanged; ``features`` replaces all accessibility answers.
    The search index is rewritten in the same transaction, so the finder's free text finds
    the new words at once. Raises ``DirectoryError`` for unknown codes (as
    ``activity_create``), ``ValidationError`` for values the model refuses, ``TypeError``
    for a keyword that is not an activity field. Nothing is written when it raises; an
    update that changes nothing records no event.
    """
    unexpected = sorted(set(fields) - ACTIVITY_FIELDS)
    if unexpected:
        raise TypeError(f"activity_update() got unexpected fields: {', '.join(unexpected)}")
    category_terms, target_terms, language_codes = _resolve_codes(
        categories, target_groups, languages
    )
    equipment_terms = _equipment_terms(equipment) if equipment is not None else None
    feature_terms = (
        _feature_terms(features, applies_to=AppliesTo.ACTIVITY) if features is not None else None
    )
    values: dict[str, Any] = dict(fields)
    if title is not None:
        values["title"] = title
    if summary is not None:
        values["summary"] = summary
    with transaction.atomic():
        locked = Activity.objects.select_for_update().get(pk=activity.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name, value in values.items():
            setattr(activity, name, value)
        activity.full_clean()
        if changed:
            activity.save(update_fields=[*changed, "updated_at"])
        if places is not None:
            new_places = {p.pk for p in places}
            if set(activity.places.values_list("pk", flat=True)) != new_places:
                activity.places.set(new_places)
                changed.append("places")
        if category_terms is not None and {t.pk for t in category_terms} != set(
            activity.categories.values_list("pk", flat=True)
        ):
            activity.categories.set(category_terms)
            changed.append("categories")
        if target_terms is not None and {t.pk for t in target_terms} != set(
            activity.target_groups.values_list("pk", flat=True)
        ):
            activity.target_groups.set(target_terms)
            changed.append("target_groups")
        if equipment_terms is not None and {t.pk for t in equipment_terms} != set(
            activity.equipment.values_list("pk", flat=True)
        ):
            activity.equipment.set(equipment_terms)
            changed.append("equipment")
        if language_codes is not None and set(language_codes) != set(
            activity.languages.values_list("code", flat=True)
        ):
            activity.languages.all().delete()
            ActivityLanguage.objects.bulk_create(
                ActivityLanguage(activity=activity, code=code) for code in language_codes
            )
            changed.append("languages")
        if feature_terms is not None:
            wanted = {(t.pk, v) for t, v in feature_terms}
            if set(activity.features.values_list("term_id", "value")) != wanted:
                activity.features.all().delete()
                ActivityFeature.objects.bulk_create(
                    ActivityFeature(activity=activity, term=t, value=v) for t, v in feature_terms
                )
                changed.append("features")
        if not changed:
            return []
        _touch(activity)
        search_index_update([activity.pk])
        audit_record(
            actor=actor,
            action="activity.updated",
            target=activity,
            organisation_id=activity.organisation_id,
            changed_fields=changed,
        )
    return changed


def activity_delete(*, actor: Actor, activity: Activity) -> None:
    """Delete a draft with its schedules, occurrences and search row.

    Only drafts: a published, cancelled or ended activity has been public, so it is ended
    rather than deleted. Raises ``DirectoryError`` otherwise.
    """
    with transaction.atomic():
        status = (
            Activity.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=activity.pk)
        )
        if status != ActivityStatus.DRAFT:
            raise DirectoryError(
                _("Only a draft can be deleted; end or cancel a published activity instead.")
            )
        audit_record(
            actor=actor,
            action="activity.deleted",
            target=activity,
            organisation_id=activity.organisation_id,
            changed_fields=["status"],
        )
        pk = activity.pk
        tombstone_record(kind=TombstoneKind.ACTIVITY, record_uuid=activity.uuid)
        activity.delete()
        search_index_update([pk])


def slug_unique(model: type[Activity] | type[Place], text: str) -> str:
    """A free slug made from ``text`` (``-2``, ``-3`` … appended when taken).

    A race with another writer ends in the slug's unique constraint (``ValidationError`` from
    the create service), never in two rows with one slug.
    """
    from django.utils.text import slugify

    base = (slugify(text) or "x")[:90]
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def schedule_update(
    *,
    actor: Actor,
    schedule: Schedule,
    freq: str,
    opens_at: time,
    closes_at: time,
    valid_from: date,
    valid_to: date | None = None,
    byday: str = "",
    interval: int = 1,
    place_id: int | None = None,
) -> Schedule:
    """Change a schedule and rebuild its activity's occurrences.

    Raises ``ScheduleRuleError`` and ``ValidationError`` as ``schedule_add``; nothing is
    changed then. Its cancelled and extra dates are kept.
    """
    byday = ",".join(p.strip().upper() for p in byday.split(",") if p.strip())
    parse_byday(freq, byday)
    values: dict[str, Any] = {
        "freq": freq,
        "interval": interval,
        "byday": byday,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "place_id": place_id,
    }
    with transaction.atomic():
        locked = Schedule.objects.select_for_update().get(pk=schedule.pk)
        changed = [name for name, value in values.items() if getattr(locked, name) != value]
        for name, value in values.items():
            setattr(schedule, name, value)
        schedule.full_clean()
        if not changed:
            return schedule
        schedule.save(update_fields=changed)
        occurrences_rebuild(activity=schedule.activity)
        _touch(schedule.activity)
        audit_record(
            actor=actor,
            action="schedule.changed",
            target=schedule,
            organisation_id=schedule.activity.organisation_id,
            changed_fields=[name.removesuffix("_id") for name in changed],
        )
    return schedule


def schedule_delete(*, actor: Actor, schedule: Schedule) -> None:
    """Delete a schedule with its exceptions and its sessions from the rolling window on.

    Past sessions of other schedules are history and stay; the schedule's own past sessions
    go with it (they cascade).
    """
    activity = schedule.activity
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="schedule.deleted",
            target=schedule,
            organisation_id=activity.organisation_id,
            changed_fields=["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to"],
        )
        schedule.delete()
        occurrences_rebuild(activity=activity)
        _touch(activity)


class ScheduleSpec(NamedTuple):
    """A schedule as a whole, for replacing an activity's schedules at once (an import).

    ``uuid`` is the schedule's id when it has one (an HSDS schedule's ``id``); None matches any
    schedule with the same rule and gives a new one a fresh id.
    """

    freq: str
    opens_at: time
    closes_at: time
    valid_from: date
    valid_to: date | None = None
    byday: str = ""
    interval: int = 1
    place_id: int | None = None
    uuid: UUID | None = None


def schedule_spec(schedule: Schedule) -> ScheduleSpec:
    """The schedule's rule as a ``ScheduleSpec`` (without its id), to compare with wanted ones."""
    return ScheduleSpec(
        freq=schedule.freq,
        opens_at=schedule.opens_at,
        closes_at=schedule.closes_at,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
        byday=schedule.byday,
        interval=schedule.interval,
        place_id=schedule.place_id,
    )


def activity_schedules_set(
    *, actor: Actor, activity: Activity, schedules: Sequence[ScheduleSpec]
) -> bool:
    """Make the activity's schedules exactly ``schedules``; return whether anything changed.

    Schedules already there and wanted stay untouched (with their cancelled and extra
    dates); the others are deleted; the missing ones are added. A wanted schedule with a
    ``uuid`` is the schedule with that id: kept when its rule is the same, replaced (same
    id) when not; a schedule with the same rule but another id takes the wanted id, so an
    import keeps the ids of its source. The occurrences are rebuilt once, in the same
    transaction. Raises ``ScheduleRuleError`` and ``ValidationError`` as ``schedule_add``
    (also for a ``uuid`` another activity's schedule has); nothing is changed then.
    """
    wanted = [
        spec._replace(byday=",".join(p.strip().upper() for p in spec.byday.split(",") if p.strip()))
        for spec in schedules
    ]
    with transaction.atomic():
        list(Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk"))
        existing = list(Schedule.objects.filter(activity=activity).order_by("pk"))
        missing = list(wanted)
        kept: list[Schedule] = []
        renamed: list[tuple[Schedule, UUID]] = []
        # First the schedules the wanted ones name by id, then by rule among the rest.
        by_uuid = {schedule.uuid: schedule for schedule in existing}
        for spec in list(missing):
            schedule = by_uuid.get(spec.uuid) if spec.uuid is not None else None
            if schedule is not None and schedule_spec(schedule) == spec._replace(uuid=None):
                missing.remove(spec)
                kept.append(schedule)
        for schedule in existing:
            if schedule in kept:
                continue
            rule = schedule_spec(schedule)
            match = next((w for w in missing if w._replace(uuid=None) == rule), None)
            # A schedule another wanted spec names by id is that one's, not a rule match.
            named = any(w.uuid == schedule.uuid for w in missing if w is not match)
            if match is not None and not named:
                missing.remove(match)
                kept.append(schedule)
                if match.uuid is not None and match.uuid != schedule.uuid:
                    renamed.append((schedule, match.uuid))
        surplus = [schedule for schedule in existing if schedule not in kept]
        if not missing and not surplus and not renamed:
            return False
        for schedule in surplus:
            audit_record(
                actor=actor,
                action="schedule.deleted",
                target=schedule,
                organisation_id=activity.organisation_id,
                changed_fields=["freq", "byday", "opens_at", "closes_at", "valid_from", "valid_to"],
            )
            schedule.delete()
        for schedule, new_uuid in renamed:
            schedule.uuid = new_uuid
            schedule.full_clean()
            schedule.save(update_fields=["uuid"])
        for spec in missing:
            schedule_add(actor=actor, activity=activity, rebuild=False, **spec._asdict())
        occurrences_rebuild(activity=activity)
        _touch(activity)
    return True


def schedule_exception_remove(*, actor: Actor, exception: ScheduleException) -> None:
    """Undo a cancelled date (the session is on again) or drop an extra date."""
    schedule = exception.schedule
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"schedule.{exception.kind}_date_removed",
            target=exception,
            organisation_id=schedule.activity.organisation_id,
            changed_fields=["date"],
        )
        exception.delete()
        occurrences_rebuild(activity=schedule.activity)
        _touch(schedule.activity)


PLACE_FIELDS = frozenset(
    {
        "name",
        "municipality",
        "district",
        "street_address",
        "postal_code",
        "city",
        "latitude",
        "longitude",
        "how_to_get_there",
        "description",
    }
)


def place_update(
    *,
    actor: Actor,
    place: Place,
    features: Mapping[str, str] | None = None,
    **fields: Any,
) -> list[str]:
    """Change a place's address, district, coordinates, texts and accessibility answers.

    ``features`` replaces all accessibility answers. Activities held at the place get their
    search rows rewritten (the place name and district are searchable) and, when the district
    changes, their occurrences rebuilt (the finder's district filter reads occurrences).
    Raises ``DirectoryError`` for a district of another municipality or a bad feature,
    ``ValidationError`` for values the model refuses; ``TypeError`` for an unknown keyword.
    Returns the changed fields; nothing is recorded when nothing changed.
    """
    unexpected = sorted(set(fields) - PLACE_FIELDS)
    if unexpected:
        raise TypeError(f"place_update() got unexpected fields: {', '.join(unexpected)}")
    municipality = fields.get("municipality", place.municipality)
    district = fields.get("district", place.district)
    if district is not None and district.municipality_id != municipality.pk:
        raise DirectoryError(
            _("%(district)s is not a district of %(municipality)s.")
            % {"district": district.name, "municipality": municipality.name}
        )
    feature_terms = (
        _feature_terms(features, applies_to=AppliesTo.PLACE) if features is not None else None
    )
    with transaction.atomic():
        locked = Place.objects.select_for_update().get(pk=place.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name, value in fields.items():
            setattr(place, name, value)
        place.full_clean()
        if changed:
            place.save(update_fields=[*changed, "updated_at"])
        if feature_terms is not None:
            wanted = {(t.pk, v) for t, v in feature_terms}
            if set(place.features.values_list("term_id", "value")) != wanted:
                place.features.all().delete()
                PlaceFeature.objects.bulk_create(
                    PlaceFeature(place=place, term=t, value=v) for t, v in feature_terms
                )
                changed.append("features")
        if not changed:
            return []
        _touch_place(place)
        if {"name", "district"} & set(changed):
            search_index_update(place.activities.values_list("pk", flat=True))
        if "district" in changed:
            _rebuild_activities_at(place)
        audit_record(
            actor=actor,
            action="place.updated",
            target=place,
            organisation_id=place.owner_id,
            changed_fields=changed,
        )
    return changed


def _audit_place(actor: Actor, place: Place, action: str, field: str) -> None:
    """Record a change to one of a place's child lists (hours, closures) against the place."""
    audit_record(
        actor=actor,
        action=action,
        target=place,
        organisation_id=place.owner_id,
        changed_fields=[field],
    )


def place_opening_hours_add(
    *,
    actor: Actor,
    place: Place,
    weekday: int,
    opens_at: time,
    closes_at: time,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> OpeningHours:
    """Add one weekday's opening interval, optionally for a period (summer hours).

    Raises ``ValidationError`` for a closing time not after opening, or a period out of order.
    """
    with transaction.atomic():
        hours = OpeningHours(
            place=place,
            weekday=weekday,
            opens_at=opens_at,
            closes_at=closes_at,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        hours.full_clean()
        hours.save()
        _touch_place(place)
        _audit_place(actor, place, "place.opening_hours_added", "opening_hours")
    return hours


class HoursSpec(NamedTuple):
    """One weekday's opening interval as a whole, for replacing a place's hours at once.

    ``uuid`` as in ``ScheduleSpec``: the row's id when it has one, None matches by value."""

    weekday: int
    opens_at: time
    closes_at: time
    valid_from: date | None = None
    valid_to: date | None = None
    uuid: UUID | None = None


def place_opening_hours_set(*, actor: Actor, place: Place, hours: Sequence[HoursSpec]) -> bool:
    """Make the place's opening hours exactly ``hours``; return whether anything changed.

    Rows already there and wanted stay; the others are deleted and the missing added. Ids are
    matched as ``activity_schedules_set`` does: a wanted row with a ``uuid`` is the row with
    that id, and a row with the same values takes the wanted id. Raises ``ValidationError``
    as ``place_opening_hours_add`` (also for a ``uuid`` another place's row has); nothing is
    changed then.
    """

    def values(row: OpeningHours) -> HoursSpec:
        return HoursSpec(row.weekday, row.opens_at, row.closes_at, row.valid_from, row.valid_to)

    with transaction.atomic():
        list(Place.objects.select_for_update().filter(pk=place.pk).values_list("pk"))
        missing = list(dict.fromkeys(hours))
        existing = list(OpeningHours.objects.filter(place=place).order_by("pk"))
        kept: list[OpeningHours] = []
        renamed: list[tuple[OpeningHours, UUID]] = []
        by_uuid = {row.uuid: row for row in existing}
        for spec in list(missing):
            row = by_uuid.get(spec.uuid) if spec.uuid is not None else None
            if row is not None and values(row) == spec._replace(uuid=None):
                missing.remove(spec)
                kept.append(row)
        for row in existing:
            if row in kept:
                continue
            match = next((w for w in missing if w._replace(uuid=None) == values(row)), None)
            named = any(w.uuid == row.uuid for w in missing if w is not match)
            if match is not None and not named:
                missing.remove(match)
                kept.append(row)
                if match.uuid is not None and match.uuid != row.uuid:
                    renamed.append((row, match.uuid))
        surplus = [row.pk for row in existing if row not in kept]
        if not missing and not surplus and not renamed:
            return False
        OpeningHours.objects.filter(pk__in=surplus).delete()
        for row, new_uuid in renamed:
            row.uuid = new_uuid
            row.full_clean()
            row.save(update_fields=["uuid"])
        for spec in missing:
            fields = spec._asdict()
            if fields["uuid"] is None:
                del fields["uuid"]  # the model's default: a new id
            row = OpeningHours(place=place, **fields)
            row.full_clean()
            row.save()
        _touch_place(place)
        _audit_place(actor, place, "place.opening_hours_changed", "opening_hours")
    return True


def place_opening_hours_remove(*, actor: Actor, hours: OpeningHours) -> None:
    place = hours.place
    with transaction.atomic():
        hours.delete()
        _touch_place(place)
        _audit_place(actor, place, "place.opening_hours_removed", "opening_hours")


def place_closure_add(*, actor: Actor, place: Place, day: date, reason: str) -> PlaceClosure:
    """Close the place on ``day``; every session held there that day is cancelled with the reason.

    Raises ``DirectoryError`` without a reason (the public sees it) and ``ValidationError``
    for a day that is already closed.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise DirectoryError(_("Say why the place is closed; the reason is shown to the public."))
    with transaction.atomic():
        closure = PlaceClosure(place=place, date=day, reason=reason)
        closure.full_clean()
        closure.save()
        _rebuild_activities_at(place)
        _touch_place(place)
        _audit_place(actor, place, "place.closure_added", "closures")
    return closure


def place_closure_remove(*, actor: Actor, closure: PlaceClosure) -> None:
    """Open the place again on that day; the sessions held there are on again."""
    place = closure.place
    with transaction.atomic():
        closure.delete()
        _rebuild_activities_at(place)
        _touch_place(place)
        _audit_place(actor, place, "place.closure_removed", "closures")


def place_delete(*, actor: Actor, place: Place) -> None:
    """Delete a place that no activity is held at, with its hours, closures and pictures.

    Raises ``DirectoryError`` while an activity lists the place or schedules sessions there
    (move them first: their records would lose the place silently). A tombstone tells
    mirrors the place is gone; picture files are deleted once the change is committed.
    """
    with transaction.atomic():
        Place.objects.select_for_update().filter(pk=place.pk).first()
        if Activity.objects.filter(Q(places=place) | Q(schedules__place=place)).exists():
            raise DirectoryError(
                _("Activities are held at %(place)s; move them to another place first.")
                % {"place": place.name}
            )
        files = [(p.image.storage, p.image.name or "") for p in place.photos.all()]
        audit_record(
            actor=actor,
            action="place.deleted",
            target=place,
            organisation_id=place.owner_id,
            changed_fields=["name"],
        )
        tombstone_record(kind=TombstoneKind.PLACE, record_uuid=place.uuid)
        place.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[tuple[Any, str]]) -> None:
    for storage, name in files:
        storage.delete(name)
