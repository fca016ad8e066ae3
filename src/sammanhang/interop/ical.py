"""iCalendar (RFC 5545) feeds built from schedules and their materialised sessions.

How a schedule becomes calendar components (one series per schedule):

- The **master VEVENT** carries the rule: ``DTSTART``/``DTEND`` are the first regular session
  in the feed's window, in the site's time zone (``TZID=Europe/Stockholm``, with its
  ``VTIMEZONE``), so 17:00 stays 17:00 across daylight-saving changes as on the site. Weekly
  and monthly schedules get an ``RRULE`` (``FREQ``, ``INTERVAL``, ``BYDAY``, ``WKST=MO``) that
  ends (``UNTIL``) at the schedule's last day or the window's, whichever is first; one-off
  schedules have none.
- The sessions themselves are the ``Occurrence`` rows the site shows, compared date by date
  with what the rule gives:
  - a regular date with a session at the regular time: nothing more (the rule gives it);
  - a regular date whose session moved, got a note or is cancelled: an **override VEVENT**
    (same ``UID``, ``RECURRENCE-ID`` = the regular start) with the session's own times, and
    ``STATUS:CANCELLED`` with "Inställt:" before the title when it is off. A cancelled
    session stays in the feed, marked, because the pages show it marked too;
  - an extra date: an ``RDATE`` on the master at the session's start, plus an override when
    its length, note or cancellation differ from the master's;
  - a regular date without a session (not materialised): an ``EXDATE``.
- A schedule with sessions in the window but no regular date there (only extra dates) gives
  one plain VEVENT per session.

``UID`` is the schedule's HSDS id (its stored ``Schedule.uuid``) at ``@sammanhang``: stable
across requests, rebuilds of the sessions, edits of the schedule and an export and import
into another installation. A plain per-session VEVENT's UID is derived from that id and the
date (``hsds.ids.part_id``). ``DTSTAMP`` and
``LAST-MODIFIED`` are the activity's last change, so the same data gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from sammanhang.directory.models import (
    Activity,
    ActivityStatus,
    Frequency,
    Place,
    Schedule,
)
from sammanhang.directory.schedules import Rule, rule_dates
from sammanhang.interop.hsds.ids import part_id
from sammanhang.interop.selectors import FeedSession, FeedWindow

PRODID = "-//Sammanhang//Sammanhang//SV"
UID_DOMAIN = "sammanhang"
# Calendar apps that honour it fetch the feed again twice a day (a cancellation reaches them).
REFRESH = timedelta(hours=12)
MEDIA_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class _Series:
    """What every component of one schedule's series shares."""

    uid: str
    activity: Activity
    schedule: Schedule
    url: str
    zone: ZoneInfo


def calendar_build(
    *,
    name: str,
    schedules: Iterable[Schedule],
    window: FeedWindow,
    absolute_url: Callable[[str], str],
    description: str = "",
) -> Calendar:
    """A VCALENDAR named ``name`` with the series of ``schedules`` (from
    ``interop.selectors.feed_schedules``, so with ``window_occurrences``) and a VTIMEZONE
    for the site's time zone. ``absolute_url`` turns a path into an address (the request's
    ``build_absolute_uri``).
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property is text unless typed: a bare timedelta would be written as "12:00:00".
    calendar.add("x-published-ttl", vDuration(REFRESH))
    # Always the zone's VTIMEZONE, for the window's years (every DTSTART, RECURRENCE-ID and
    # UNTIL falls in them): it also keeps a feed with no sessions a valid calendar, which
    # needs at least one component.
    calendar.add_component(
        Timezone.from_tzid(
            settings.TIME_ZONE,
            first_date=date(window.first.year, 1, 1),
            last_date=date(window.last.year + 1, 1, 1),
        )
    )
    for schedule in schedules:
        activity = schedule.activity
        series = _Series(
            uid=f"{schedule.uuid}@{UID_DOMAIN}",
            activity=activity,
            schedule=schedule,
            url=absolute_url(reverse("directory:activity", args=[activity.slug])),
            zone=zone,
        )
        for event in _series_events(series, window):
            calendar.add_component(event)
    # A safety net: adds the VTIMEZONE of any other zone an event might come to use.
    calendar.add_missing_timezones()
    return calendar


def _series_events(series: _Series, window: FeedWindow) -> list[Event]:
    schedule = series.schedule
    sessions: list[FeedSession] = schedule.window_occurrences  # type: ignore[attr-defined]
    if not sessions:
        return []
    rule = Rule(
        freq=schedule.freq,
        interval=schedule.interval,
        byday=schedule.byday,
        valid_from=schedule.valid_from,
        valid_to=schedule.valid_to,
    )
    regular = rule_dates(rule, window.first, window.last)
    if not regular:
        return [_single(series, session) for session in sessions]

    def at(day: date, clock_time: time) -> datetime:
        return datetime.combine(day, clock_time, tzinfo=series.zone)

    length = _wall_length(schedule.opens_at, schedule.closes_at)
    master = _event(
        series,
        starts=at(regular[0], schedule.opens_at),
        ends=at(regular[0], schedule.closes_at),
    )
    if schedule.freq != Frequency.ONCE:
        last = min(schedule.valid_to, window.last) if schedule.valid_to else window.last
        master.add(
            "rrule",
            {
                "freq": schedule.freq,
                "interval": schedule.interval,
                "byday": schedule.byday.split(","),
                "wkst": "MO",
                # With a TZID on DTSTART, RFC 5545 wants UNTIL in UTC: the end of the last day.
                "until": at(last, time(23, 59, 59)).astimezone(UTC),
            },
        )
    by_date = {session.date: session for session in sessions}
    regular_set = set(regular)
    overrides: list[Event] = []
    extra_starts: list[datetime] = []
    for day in regular:
        session = by_date.get(day)
        if session is None:
            master.add("exdate", at(day, schedule.opens_at))
        elif (
            session.cancelled
            or session.note
            or (session.local_start, session.local_end) != (schedule.opens_at, schedule.closes_at)
        ):
            overrides.append(_override(series, session, at(day, schedule.opens_at)))
    for session in sessions:
        if session.date in regular_set:
            continue
        starts = at(session.date, session.local_start)
        extra_starts.append(starts)
        if (
            session.cancelled
            or session.note
            or _wall_length(session.local_start, session.local_end) != length
        ):
            overrides.append(_override(series, session, starts))
    if extra_starts:
        master.add("rdate", extra_starts)
    return [master, *overrides]


def _wall_length(opens_at: time, closes_at: time) -> timedelta:
    day = date(2000, 1, 1)
    return datetime.combine(day, closes_at) - datetime.combine(day, opens_at)


def _event(
    series: _Series,
    *,
    starts: datetime,
    ends: datetime,
    cancelled: bool = False,
    note: str = "",
    uid: str = "",
) -> Event:
    """A VEVENT with what every component of the series says."""
    activity = series.activity
    place = series.schedule.place
    # A cancelled activity's page says so above its times; the calendar says it on each one.
    cancelled = cancelled or activity.status == ActivityStatus.CANCELLED
    event = Event()
    event.add("uid", uid or series.uid)
    changed = activity.updated_at.astimezone(UTC)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", f"{_('Cancelled:')} {activity.title}" if cancelled else activity.title)
    text = [note, activity.summary, activity.description, activity.organisation.name]
    event.add("description", "\n\n".join(part for part in text if part))
    location = _location(place) if place else (_("Online") if activity.online else "")
    if location:
        event.add("location", location)
    if place is not None and place.latitude is not None and place.longitude is not None:
        event.add("geo", (place.latitude, place.longitude))
    event.add("url", series.url)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _override(series: _Series, session: FeedSession, recurrence_id: datetime) -> Event:
    event = _event(
        series,
        starts=datetime.combine(session.date, session.local_start, tzinfo=series.zone),
        ends=datetime.combine(session.date, session.local_end, tzinfo=series.zone),
        cancelled=session.cancelled,
        note=session.note,
    )
    event.add("recurrence-id", recurrence_id)
    return event


def _single(series: _Series, session: FeedSession) -> Event:
    """A session of a schedule that has no regular date in the window: its own VEVENT."""
    return _event(
        series,
        starts=datetime.combine(session.date, session.local_start, tzinfo=series.zone),
        ends=datetime.combine(session.date, session.local_end, tzinfo=series.zone),
        cancelled=session.cancelled,
        note=session.note,
        uid=f"{part_id(series.schedule.uuid, 'session', session.date.isoformat())}@{UID_DOMAIN}",
    )


def _location(place: Place) -> str:
    town = " ".join(part for part in (place.postal_code, place.city) if part)
    return ", ".join(part for part in (place.name, place.street_address, town) if part)
