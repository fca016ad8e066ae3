"""Fill a database with a deterministic, national-scale directory for benchmarks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/generate.py --activities 20000

The database is migrated, emptied of directory data and filled with municipalities (each with
districts), organisations, places with coordinates, opening hours and accessibility, and
activities with schedules whose occurrences are materialised for the usual window around
``--today``. The mix follows what a real directory holds: most activities are one-off events
or short series; a quarter are weekly groups that run all year; a few are monthly. With the
default mix that is about 15 occurrences per activity, so 200,000 activities give about
3 million occurrences, as planned in issue 4.

Rows are written with ``bulk_create`` rather than through the services: the services run one
rebuild per activity, which would take hours at this size. The occurrences are computed with
the same schedule functions the services use (``rule_dates``, ``local_span``), so the data has
the same shape as data written by the application. Same arguments, same data.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time as clock
from datetime import date, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from sammanhang.accounts.models import Organisation  # noqa: E402
from sammanhang.directory.models import (  # noqa: E402
    Activity,
    ActivityFeature,
    ActivityLanguage,
    District,
    Municipality,
    Occurrence,
    OpeningHours,
    Place,
    PlaceFeature,
    Schedule,
    Taxonomy,
    Term,
)
from sammanhang.directory.schedules import Rule, local_span, rule_dates  # noqa: E402
from sammanhang.directory.search import search_index_rebuild  # noqa: E402
from sammanhang.directory.services import materialise_from, materialise_until  # noqa: E402

TOWNS = [
    "Helsingborg", "Malmö", "Lund", "Göteborg", "Uppsala", "Västerås", "Örebro", "Linköping",
    "Norrköping", "Jönköping", "Umeå", "Luleå", "Gävle", "Sundsvall", "Karlstad", "Växjö",
    "Kalmar", "Halmstad", "Borås", "Eskilstuna", "Södertälje", "Trollhättan", "Östersund",
    "Falun", "Skövde", "Kristianstad", "Visby", "Kiruna", "Ystad", "Varberg",
]  # fmt: skip
DISTRICT_WORDS = [
    "Centrum", "Söder", "Norr", "Öster", "Väster", "Västra hamnen", "Slottshöjden", "Dalhem",
    "Drottninghög", "Fredriksdal", "Husensjö", "Ringstorp", "Tågaborg", "Eneborg", "Planteringen",
]  # fmt: skip
ACTIVITY_WORDS = [
    "Kvällsfika", "Stickcafé", "Boule", "Promenadgrupp", "Fotbollsträning", "Matlagningsgrupp",
    "Körsång", "Schackklubb", "Läxhjälp", "Språkcafé", "Styrketräning", "Yoga", "Målarverkstad",
    "Bokcirkel", "Dataträff", "Öppen mötesplats", "Träffpunkt", "Discokväll", "Simning",
    "Klättring", "Padel", "Gympa", "Syjunta", "Filmkväll", "Spelkväll", "Teatergrupp",
    "Pingis", "Dans", "Odlingsgrupp", "Fiske", "Innebandy", "Friluftsdag", "Musikcafé",
]  # fmt: skip
AUDIENCES = [
    "för unga", "för seniorer", "på lätt svenska", "för alla", "för föräldrar och barn",
    "för dig med NPF", "för nyanlända", "för kvinnor", "för dig över 65", "",
]  # fmt: skip
PLACE_KINDS = [
    "Träffpunkt", "Fritidsgård", "Bibliotek", "Kulturhus", "Sporthall", "Medborgarhus",
    "Aktivitetshus", "Mötesplats", "Föreningslokal",
]  # fmt: skip
ORG_KINDS = ["municipal_department", "association", "association", "social_enterprise", "region"]
STREETS = ["Storgatan", "Kyrkogatan", "Järnvägsgatan", "Parkvägen", "Skolgatan", "Torggatan"]
DESCRIPTION = (
    "Välkommen till en lugn och trygg träff där vi gör saker tillsammans. "
    "Du behöver inte kunna något i förväg. Vi bjuder på kaffe och te. "
    "Ledarna hjälper dig att komma igång och du får vara med i din egen takt."
)
LANGUAGES = ["sv", "en", "ar", "so", "fa", "ti", "uk", "fi"]
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
TIMES = [(9, 11), (10, 12), (13, 15), (14, 16), (16, 18), (17, 19), (18, 20), (19, 21)]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--places", type=int, help="default: activities / 3.3")
    parser.add_argument("--organisations", type=int, help="default: activities / 10")
    parser.add_argument("--municipalities", type=int, help="default: min(290, activities / 700)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--fingerprint",
        action="store_true",
        help="print a digest of the generated activities and sessions, to compare databases",
    )
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23))
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a database kept for benchmarks: its directory is emptied.")
    n_activities = args.activities
    n_places = args.places or max(10, int(n_activities / 3.3))
    n_orgs = args.organisations or max(5, n_activities // 10)
    n_municipalities = args.municipalities or max(1, min(290, n_activities // 700))
    rnd = random.Random(args.seed)  # noqa: S311 - deterministic test data, not secrets
    started = clock.perf_counter()
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        _empty()
        districts = _municipalities(rnd, n_municipalities)
        organisations = _organisations(rnd, n_orgs)
        places = _places(rnd, n_places, districts, organisations)
        occurrences = _activities(rnd, n_activities, places, organisations, args.today)
    indexed_at = clock.perf_counter()
    search_index_rebuild()
    print(f"search index: {clock.perf_counter() - indexed_at:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        # Fresh planner statistics, as a live database would have; on PostgreSQL also the
        # visibility map that autovacuum keeps on a live one, without which no read can be
        # index-only (the finder's walk in start order is, see Occurrence's indexes).
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(
        f"{connection.vendor}: {n_municipalities} municipalities, {len(districts)} districts, "
        f"{n_orgs} organisations, {n_places} places, {n_activities} activities, "
        f"{occurrences} occurrences (today {args.today}, seed {args.seed}) "
        f"in {clock.perf_counter() - started:.0f} s"
    )
    if args.fingerprint:
        print(f"fingerprint: {_fingerprint()}")


def _fingerprint() -> str:
    """A digest of what the finder reads, the same on every database for the same arguments."""
    digest = hashlib.sha256()
    activities = Activity.objects.order_by("slug").values_list("slug", "title", "status")
    for row in activities.iterator(chunk_size=20_000):
        digest.update(repr(row).encode())
    sessions = Occurrence.objects.order_by("activity__slug", "starts_at").values_list(
        "activity__slug", "starts_at", "cancelled", "district__code"
    )
    for slug, starts_at, cancelled, district in sessions.iterator(chunk_size=20_000):
        digest.update(f"{slug} {starts_at.isoformat()} {cancelled} {district}".encode())
    return digest.hexdigest()[:16]


def _empty() -> None:
    for model in (Occurrence, Schedule, ActivityFeature, ActivityLanguage, Activity):
        model.objects.all().delete()
    for model in (OpeningHours, PlaceFeature, Place, District, Municipality):
        model.objects.all().delete()
    Organisation.objects.filter(slug__startswith="bench-").delete()


def _municipalities(rnd: random.Random, count: int) -> list[District]:
    municipalities = [
        Municipality(
            code=f"{9000 + i:04d}"[-4:],
            name=TOWNS[i % len(TOWNS)] + ("" if i < len(TOWNS) else f" {i // len(TOWNS) + 1}"),
            slug=f"bench-kommun-{i}",
        )
        for i in range(count)
    ]
    Municipality.objects.bulk_create(municipalities)
    districts = []
    # In id order, not by name: the databases sort names differently, and the draws follow
    # this order, so both databases get the same data.
    for municipality in Municipality.objects.filter(slug__startswith="bench-kommun-").order_by(
        "pk"
    ):
        for j in range(rnd.randint(5, 12)):
            word = DISTRICT_WORDS[j % len(DISTRICT_WORDS)]
            districts.append(District(municipality=municipality, code=f"d{j}", name=word))
    District.objects.bulk_create(districts, batch_size=2000)
    return list(District.objects.select_related("municipality").order_by("pk"))


def _organisations(rnd: random.Random, count: int) -> list[Organisation]:
    rows = [
        Organisation(
            name=f"{rnd.choice(['Föreningen', 'Stiftelsen', 'Fritid', 'Kultur'])} {i}",
            slug=f"bench-org-{i}",
            kind=rnd.choice(ORG_KINDS),
            description=DESCRIPTION,
        )
        for i in range(count)
    ]
    Organisation.objects.bulk_create(rows, batch_size=2000)
    return list(Organisation.objects.filter(slug__startswith="bench-org-").order_by("pk"))


def _places(
    rnd: random.Random, count: int, districts: list[District], organisations: list[Organisation]
) -> list[Place]:
    centres = {
        m: (rnd.uniform(55.4, 67.8), rnd.uniform(12.0, 23.0))
        for m in {d.municipality_id for d in districts}
    }
    rows = []
    for i in range(count):
        district = rnd.choice(districts)
        lat, lon = centres[district.municipality_id]
        rows.append(
            Place(
                slug=f"bench-plats-{i}",
                name=f"{rnd.choice(PLACE_KINDS)} {district.name} {i}",
                owner=rnd.choice(organisations),
                municipality_id=district.municipality_id,
                district=district,
                street_address=f"{rnd.choice(STREETS)} {rnd.randint(1, 80)}",
                postal_code=f"{rnd.randint(10000, 99999)}",
                city=district.municipality.name,
                latitude=lat + rnd.uniform(-0.05, 0.05),
                longitude=lon + rnd.uniform(-0.08, 0.08),
            )
        )
    Place.objects.bulk_create(rows, batch_size=2000)
    places = list(Place.objects.filter(slug__startswith="bench-plats-").order_by("pk"))
    place_terms = list(Term.objects.filter(taxonomy=Taxonomy.ACCESSIBILITY, applies_to="place"))
    hours, features = [], []
    for place in places:
        for weekday in rnd.sample(range(1, 8), rnd.randint(3, 6)):
            opens, closes = rnd.choice(TIMES)
            hours.append(
                OpeningHours(
                    place=place, weekday=weekday, opens_at=time(opens), closes_at=time(closes)
                )
            )
        for term in rnd.sample(place_terms, min(len(place_terms), rnd.randint(0, 4))):
            features.append(PlaceFeature(place=place, term=term, value=rnd.choice(["yes", "no"])))
    OpeningHours.objects.bulk_create(hours, batch_size=5000)
    PlaceFeature.objects.bulk_create(features, batch_size=5000)
    return places


def _activities(
    rnd: random.Random,
    count: int,
    places: list[Place],
    organisations: list[Organisation],
    today: date,
) -> int:
    categories = list(Term.objects.filter(taxonomy=Taxonomy.CATEGORY))
    target_groups = list(Term.objects.filter(taxonomy=Taxonomy.TARGET_GROUP))
    activity_terms = list(
        Term.objects.filter(taxonomy=Taxonomy.ACCESSIBILITY, applies_to="activity")
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = materialise_from(today), materialise_until(today)
    category_link = Activity.categories.through
    group_link = Activity.target_groups.through
    place_link = Activity.places.through
    total_occurrences = 0
    batch = 2000
    for first in range(0, count, batch):
        size = min(batch, count - first)
        activities = []
        plans = []
        for i in range(first, first + size):
            place = rnd.choice(places)
            word = rnd.choice(ACTIVITY_WORDS)
            audience = rnd.choice(AUDIENCES)
            free = rnd.random() < 0.75
            age_min = rnd.choice([None, None, None, 6, 13, 16, 18, 65])
            activities.append(
                Activity(
                    slug=f"bench-aktivitet-{i}",
                    organisation=rnd.choice(organisations),
                    title=f"{word} {audience}".strip(),
                    summary=f"{word} på {place.name}. {DESCRIPTION[:120]}",
                    description=DESCRIPTION,
                    easy_read="Vi träffas och gör saker tillsammans." if i % 4 == 0 else "",
                    is_free=free,
                    price="" if free else f"{rnd.choice([20, 40, 50, 100])} kr",
                    companion_free=rnd.choice(["yes", "no", "unknown"]),
                    drop_in=rnd.random() < 0.6,
                    age_min=age_min,
                    age_max=None if age_min is None else age_min + rnd.choice([5, 10, 50]),
                    status="published" if rnd.random() < 0.92 else rnd.choice(["draft", "ended"]),
                    contact_role="Samordnare",
                )
            )
            plans.append((place, _plan(rnd, today)))
        Activity.objects.bulk_create(activities)
        saved = list(Activity.objects.filter(slug__in=[a.slug for a in activities]).order_by("pk"))
        saved.sort(key=lambda a: int(a.slug.rsplit("-", 1)[1]))
        links_c, links_g, links_p, languages, features, schedules = [], [], [], [], [], []
        for activity, (place, plan) in zip(saved, plans, strict=True):
            for term in rnd.sample(categories, rnd.randint(1, 2)):
                links_c.append(category_link(activity_id=activity.pk, term_id=term.pk))
            for term in rnd.sample(target_groups, rnd.randint(1, 3)):
                links_g.append(group_link(activity_id=activity.pk, term_id=term.pk))
            links_p.append(place_link(activity_id=activity.pk, place_id=place.pk))
            for code in {"sv", *rnd.sample(LANGUAGES, rnd.randint(0, 2))}:
                languages.append(ActivityLanguage(activity=activity, code=code))
            for term in rnd.sample(activity_terms, min(len(activity_terms), rnd.randint(0, 2))):
                features.append(ActivityFeature(activity=activity, term=term, value="yes"))
            freq, interval, byday, valid_from, valid_to, (opens, closes) = plan
            schedules.append(
                Schedule(
                    activity=activity,
                    place=place,
                    freq=freq,
                    interval=interval,
                    byday=byday,
                    opens_at=time(opens),
                    closes_at=time(closes),
                    valid_from=valid_from,
                    valid_to=valid_to,
                )
            )
        category_link.objects.bulk_create(links_c, batch_size=5000)
        group_link.objects.bulk_create(links_g, batch_size=5000)
        place_link.objects.bulk_create(links_p, batch_size=5000)
        ActivityLanguage.objects.bulk_create(languages, batch_size=5000)
        ActivityFeature.objects.bulk_create(features, batch_size=5000)
        Schedule.objects.bulk_create(schedules, batch_size=5000)
        occurrences = []
        # In id order: a cancelled session is drawn per session, so the order fixes the data.
        schedules_saved = Schedule.objects.filter(activity__in=saved).select_related("place")
        for schedule in schedules_saved.order_by("pk"):
            rule = Rule(
                schedule.freq,
                schedule.interval,
                schedule.byday,
                schedule.valid_from,
                schedule.valid_to,
            )
            for day in rule_dates(rule, start, end):
                starts_at, ends_at = local_span(day, schedule.opens_at, schedule.closes_at, zone)
                occurrences.append(
                    Occurrence(
                        activity_id=schedule.activity_id,
                        schedule=schedule,
                        place_id=schedule.place_id,
                        district_id=schedule.place.district_id if schedule.place else None,
                        date=day,
                        weekday=day.isoweekday(),
                        local_start=schedule.opens_at,
                        local_end=schedule.closes_at,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        cancelled=rnd.random() < 0.01,
                    )
                )
        Occurrence.objects.bulk_create(occurrences, batch_size=5000)
        total_occurrences += len(occurrences)
        print(f"  {first + size} activities, {total_occurrences} occurrences", flush=True)
    return total_occurrences


def _plan(
    rnd: random.Random, today: date
) -> tuple[str, int, str, date, date | None, tuple[int, int]]:
    """One schedule: most are one-off events or short series, as in a real directory."""
    hours = rnd.choice(TIMES)
    roll = rnd.random()
    if roll < 0.55:
        day = today + timedelta(days=rnd.randint(-20, 300))
        return "ONCE", 1, "", day, None, hours
    if roll < 0.70:
        first = today + timedelta(days=rnd.randint(-30, 200))
        return "WEEKLY", 1, rnd.choice(DAY_CODES), first, first + timedelta(weeks=8), hours
    if roll < 0.95:
        days = ",".join(
            sorted(rnd.sample(DAY_CODES, rnd.choice([1, 1, 1, 2])), key=DAY_CODES.index)
        )
        interval = 2 if rnd.random() < 0.15 else 1
        return "WEEKLY", interval, days, today - timedelta(days=400), None, hours
    nth = rnd.choice(["1", "2", "3", "-1"])
    return "MONTHLY", 1, nth + rnd.choice(DAY_CODES), today - timedelta(days=400), None, hours


if __name__ == "__main__":
    main()
