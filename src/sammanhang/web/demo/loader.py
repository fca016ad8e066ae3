"""Load the demo municipality from ``municipality.json`` through the apps' services.

Loading is idempotent: the municipality is matched by code, organisations, places and
activities by slug and staff accounts by user name, so running it again creates nothing new
(an organisation, place or activity that exists is left as it is). Everything is written in
one transaction, so a broken data file leaves the database as it was.

The Fritidsbank (the file's ``lending`` part) is loaded by ``demo/lending.py``, with a
deterministic history of loans laid out backwards from ``today``.

Occurrences are rebuilt once per activity after its schedules and exceptions are in, not
after each of them, which keeps the load to a few seconds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from sammanhang.accounts import services as accounts_services
from sammanhang.accounts.models import Organisation, User
from sammanhang.directory import services as directory_services
from sammanhang.directory.models import (
    Activity,
    District,
    ExceptionKind,
    Frequency,
    Municipality,
    Place,
)
from sammanhang.web.demo.lending import load_lending

DATA_FILE = Path(__file__).with_name("municipality.json")
# Shown on the demo's start-up banner; demo accounts exist only in a demo database.
DEMO_PASSWORD = "sammanhang-demo"  # noqa: S105
# ISO weekday (1 Monday … 7 Sunday) to iCalendar day code.
DAY_CODES = {1: "MO", 2: "TU", 3: "WE", 4: "TH", 5: "FR", 6: "SA", 7: "SU"}


@dataclass
class DemoSummary:
    municipality: str
    organisations: int = 0
    places: int = 0
    activities: int = 0
    staff_users: list[str] = field(default_factory=list)
    lending_articles: int = 0
    lending_loans: int = 0


def demo_data() -> dict[str, Any]:
    with DATA_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def demo_load(data: dict[str, Any] | None = None, *, today: date | None = None) -> DemoSummary:
    """Load ``data`` (the shipped file by default); ``today`` fixes the occurrence window."""
    data = data or demo_data()
    summary = DemoSummary(municipality=data["municipality"]["name"])
    with transaction.atomic():
        municipality = _load_municipality(data["municipality"])
        organisations = _load_organisations(data["organisations"])
        summary.organisations = len(organisations)
        summary.staff_users = _load_staff_users(data["staff_users"], organisations)
        places = _load_places(data["places"], municipality, organisations)
        summary.places = len(places)
        activities = _load_activities(data["activities"], organisations, places, today)
        summary.activities = len(activities)
        lending = load_lending(data.get("lending"), organisations, places, today)
        summary.lending_articles, summary.lending_loans = lending.articles, lending.loans
    return summary


def _load_municipality(entry: dict[str, Any]) -> Municipality:
    return directory_services.municipality_upsert(
        code=entry["code"],
        name=entry["name"],
        slug=entry.get("slug") or slugify(entry["name"]),
        districts=[(district["code"], district["name"]) for district in entry["districts"]],
    )


def _load_organisations(entries: list[dict[str, Any]]) -> dict[str, Organisation]:
    """Create missing organisations, each parent before its children."""
    by_slug = {entry["slug"]: entry for entry in entries}
    organisations: dict[str, Organisation] = {}

    def load(slug: str, visiting: frozenset[str]) -> Organisation:
        if slug in organisations:
            return organisations[slug]
        if slug in visiting:
            raise ValueError(f"organisation {slug!r} is its own ancestor")
        entry = by_slug[slug]
        parent = load(entry["parent"], visiting | {slug}) if entry.get("parent") else None
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = accounts_services.organisation_create(
                actor=None,
                name=entry["name"],
                slug=slug,
                kind=entry["kind"],
                parent=parent,
                description=entry.get("description") or "",
                description_en=entry.get("description_en") or "",
                website=entry.get("website") or "",
                email=entry.get("email") or "",
                phone=entry.get("phone") or "",
            )
        organisations[slug] = organisation
        return organisation

    for slug in by_slug:
        load(slug, frozenset())
    return organisations


def _load_staff_users(
    entries: list[dict[str, Any]], organisations: dict[str, Organisation]
) -> list[str]:
    usernames = []
    for entry in entries:
        user = User.objects.filter(username=entry["username"]).first()
        if user is None:
            user = User(username=entry["username"])
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = bool(entry.get("platform_admin"))
        user.save()
        for slug, role in entry.get("role_by_organisation", {}).items():
            accounts_services.membership_set(
                actor=None, organisation=organisations[slug], user=user, role=role
            )
        usernames.append(user.username)
    return usernames


def _load_places(
    entries: list[dict[str, Any]],
    municipality: Municipality,
    organisations: dict[str, Organisation],
) -> dict[str, Place]:
    districts = {d.code: d for d in District.objects.filter(municipality=municipality)}
    places: dict[str, Place] = {}
    for entry in entries:
        place = Place.objects.filter(slug=entry["slug"]).first()
        if place is None:
            place = directory_services.place_create(
                actor=None,
                owner=organisations[entry["organisation"]],
                municipality=municipality,
                slug=entry["slug"],
                name=entry["name"],
                district=districts[entry["district"]] if entry.get("district") else None,
                street_address=entry.get("street_address") or "",
                postal_code=entry.get("postal_code") or "",
                city=entry.get("city") or "",
                latitude=entry.get("latitude"),
                longitude=entry.get("longitude"),
                how_to_get_there=entry.get("how_to_get_there") or "",
                description=entry.get("description") or "",
                features=entry.get("accessibility") or {},
                opening_hours=[
                    (weekday, _time(hours["opens"]), _time(hours["closes"]))
                    for hours in entry.get("opening_hours", [])
                    for weekday in hours["weekdays"]
                ],
                closures=[
                    (date.fromisoformat(closure["date"]), closure["reason"])
                    for closure in entry.get("closures", [])
                ],
            )
        places[entry["slug"]] = place
    return places


def _load_activities(
    entries: list[dict[str, Any]],
    organisations: dict[str, Organisation],
    places: dict[str, Place],
    today: date | None,
) -> dict[str, Activity]:
    activities: dict[str, Activity] = {}
    for entry in entries:
        activity = Activity.objects.filter(slug=entry["slug"]).first()
        if activity is None:
            activity = directory_services.activity_create(
                actor=None,
                organisation=organisations[entry["organisation"]],
                slug=entry["slug"],
                title=entry["title"],
                summary=entry["summary"],
                status=entry["status"],
                places=[places[slug] for slug in entry.get("places", [])],
                categories=entry.get("categories", []),
                target_groups=entry.get("target_groups", []),
                equipment=entry.get("equipment", []),
                languages=entry.get("languages", []),
                features=entry.get("accessibility") or {},
                title_en=entry.get("title_en") or "",
                summary_en=entry.get("summary_en") or "",
                description=entry.get("description") or "",
                easy_read=entry.get("easy_read") or "",
                online=bool(entry.get("online")),
                age_min=entry.get("age_min"),
                age_max=entry.get("age_max"),
                is_free=entry.get("free", True),
                price=entry.get("price") or "",
                companion_free=entry.get("companion_free") or "unknown",
                companion_terms=entry.get("companion_terms") or "",
                drop_in=entry.get("drop_in", True),
                capacity=entry.get("capacity"),
                contact_role=entry.get("contact_role") or "",
                contact_email=entry.get("contact_email") or "",
                contact_phone=entry.get("contact_phone") or "",
            )
            for schedule in entry.get("schedules", []):
                _load_schedule(activity, schedule, places)
            directory_services.occurrences_rebuild(activity=activity, today=today)
        activities[entry["slug"]] = activity
    return activities


def _load_schedule(activity: Activity, entry: dict[str, Any], places: dict[str, Place]) -> None:
    kind = entry["kind"]
    if kind == "weekly":
        rule: dict[str, Any] = {
            "freq": Frequency.WEEKLY,
            "byday": ",".join(DAY_CODES[day] for day in entry["weekdays"]),
            "interval": entry.get("interval_weeks") or 1,
            "valid_from": date.fromisoformat(entry["valid_from"]),
        }
    elif kind == "monthly_nth_weekday":
        rule = {
            "freq": Frequency.MONTHLY,
            "byday": f"{entry['nth']}{DAY_CODES[entry['weekday']]}",
            "valid_from": date.fromisoformat(entry["valid_from"]),
        }
    elif kind == "single":
        rule = {"freq": Frequency.ONCE, "valid_from": date.fromisoformat(entry["date"])}
    else:
        raise ValueError(f"{activity.slug}: unknown schedule kind {kind!r}")
    schedule = directory_services.schedule_add(
        actor=None,
        activity=activity,
        opens_at=_time(entry["start"]),
        closes_at=_time(entry["end"]),
        valid_to=date.fromisoformat(entry["valid_to"]) if entry.get("valid_to") else None,
        place_id=places[entry["place"]].pk if entry.get("place") else None,
        rebuild=False,
        **rule,
    )
    for cancelled in entry.get("cancelled_dates", []):
        directory_services.schedule_exception_add(
            actor=None,
            schedule=schedule,
            kind=ExceptionKind.CANCELLED,
            day=date.fromisoformat(cancelled["date"]),
            reason=cancelled.get("reason") or "",
            rebuild=False,
        )
    for extra in entry.get("extra_dates", []):
        directory_services.schedule_exception_add(
            actor=None,
            schedule=schedule,
            kind=ExceptionKind.EXTRA,
            day=date.fromisoformat(extra["date"]),
            reason=extra.get("reason") or "",
            opens_at=_time(extra["start"]) if extra.get("start") else None,
            closes_at=_time(extra["end"]) if extra.get("end") else None,
            rebuild=False,
        )


def _time(value: str) -> time:
    return time.fromisoformat(value)
