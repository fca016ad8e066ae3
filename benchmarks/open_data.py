"""Time the open-data outputs against a generated database and print the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/open_data.py --runs 10

Fill the database first with ``benchmarks/generate.py``. For each request (HSDS API, v1 sync,
iCalendar feeds, CSV/XLSX downloads, a page with JSON-LD, the DCAT catalogue) it prints the
median and p95 server-side time through Django's test client (no network), the number of SQL
queries and the size of the response. Then, once each: ``export_hsds`` of the whole directory
(seconds, size), and ``import_hsds`` of that export into an emptied directory, inside a
transaction that is rolled back so the benchmark database is left as it was.

The clock is fixed as in ``finder.py`` (the day after ``generate.py``'s default ``--today``).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")
os.environ.setdefault("SAMMANHANG_FIXED_NOW", "2026-11-24T17:30:00+01:00")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sammanhang.accounts.models import Organisation  # noqa: E402
from sammanhang.directory.models import Activity, Municipality, Occurrence, Place  # noqa: E402
from sammanhang.interop.hsds import ids, importer  # noqa: E402
from sammanhang.interop.hsds.export import export_write  # noqa: E402

# Consumers that sync every few minutes ask for the last hour or so of changes; generated data
# all changed when it was generated, so "recent" is the newest change less an hour.
RECENT_HOURS = 1


def requests_to_time() -> list[tuple[str, str]]:
    """The requests, with ids and slugs taken from the data (the first public records)."""
    public = Activity.objects.filter(status=Activity.Status.PUBLISHED)
    activity = public.exclude(places=None).order_by("pk").first()
    assert activity is not None, "generate data first: python benchmarks/generate.py"
    place = activity.places.order_by("pk").first()
    assert place is not None
    biggest = (
        Organisation.objects.annotate(n=Count("activities"))
        .order_by("-n", "pk")
        .values_list("slug", "uuid", "n")
        .first()
    )
    assert biggest is not None
    municipality = Municipality.objects.order_by("pk").values_list("slug", flat=True).first()
    newest = public.order_by("-updated_at").values_list("updated_at", flat=True).first()
    assert newest is not None
    since = newest.replace(microsecond=0) - timedelta(hours=RECENT_HOURS)
    since_text = since.isoformat().replace("+00:00", "Z")
    link = ids.service_at_location_id(activity.uuid, place.uuid)
    return [
        ("hsds: services, 50 listed", "/api/hsds/services?per_page=50"),
        ("hsds: services, 50 full", "/api/hsds/services?per_page=50&full=true"),
        ("hsds: services, page 100", "/api/hsds/services?per_page=50&page=100"),
        ("hsds: services search fika", "/api/hsds/services?search=fika&per_page=50"),
        ("hsds: one service", f"/api/hsds/services/{activity.uuid}"),
        ("hsds: organizations, 50", "/api/hsds/organizations?per_page=50"),
        (f"hsds: organization full ({biggest[2]})", f"/api/hsds/organizations/{biggest[1]}"),
        ("hsds: service_at_locations, 50", "/api/hsds/service_at_locations?per_page=50"),
        ("hsds: one service_at_location", f"/api/hsds/service_at_locations/{link}"),
        ("hsds: taxonomy_terms", "/api/hsds/taxonomy_terms?per_page=200"),
        ("hsds: modified in the last hour", f"/api/hsds/services?modified_after={since_text}"),
        ("v1: modified in the last hour", f"/api/v1/activities?modified_after={since_text}"),
        ("v1: deletions", f"/api/v1/deletions?modified_after={since_text}"),
        ("ical: one activity", f"/aktiviteter/{activity.slug}/kalender.ics"),
        ("ical: one place", f"/platser/{place.slug}/kalender.ics"),
        (f"ical: organisation ({biggest[2]})", f"/organisationer/{biggest[0]}/kalender.ics"),
        ("ical: search fika (<= 200)", "/aktiviteter/kalender.ics?q=fika"),
        ("csv: a municipality", f"/aktiviteter/lista.csv?municipality={municipality}"),
        ("xlsx: a municipality", f"/aktiviteter/lista.xlsx?municipality={municipality}"),
        ("page with JSON-LD: activity", f"/aktiviteter/{activity.slug}/"),
        ("page with JSON-LD: place", f"/platser/{place.slug}/"),
        ("dcat catalogue", "/datasets/dcat"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", help="run only requests whose label contains this")
    parser.add_argument("--no-files", action="store_true", help="skip export and import")
    args = parser.parse_args()
    client = Client()
    print(
        f"{connection.vendor}: {Activity.objects.count()} activities, "
        f"{Place.objects.count()} places, {Organisation.objects.count()} organisations, "
        f"{Occurrence.objects.count()} occurrences; {args.runs} runs each; times in ms"
    )
    gc.freeze()
    print(f"{'request':38} {'median':>8} {'p95':>8} {'queries':>7} {'kB':>8}")
    for label, url in requests_to_time():
        if args.only and args.only not in label:
            continue
        response = client.get(url)  # warm caches and the connection
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                body = b"".join(response) if response.streaming else response.content
                times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"{label:38} status {response.status_code}")
            continue
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{label:38} {statistics.median(times):8.1f} {p95:8.1f} "
            f"{len(captured.captured_queries):7d} {len(body) / 1024:8.1f}"
        )
    if not args.no_files:
        _export_and_import()


def _export_and_import() -> None:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export"
        started = time.perf_counter()
        export_write(target)
        seconds = time.perf_counter() - started
        size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
        services = Activity.objects.exclude(status=Activity.Status.DRAFT).count()
        print(
            f"export_hsds: {seconds:.1f} s for {services} services "
            f"({size / 1024 / 1024:.1f} MB, JSON and tabular)"
        )
        with transaction.atomic():
            Activity.objects.all().delete()
            Place.objects.all().delete()
            while Organisation.objects.exists():
                Organisation.objects.filter(children__isnull=True).delete()
            started = time.perf_counter()
            # The folder holds datapackage.json, so it is read as the tabular package.
            summary = importer.import_path(target, importer.Options(source="benchmark"))
            seconds = time.perf_counter() - started
            print(f"import_hsds of the export (tabular) into an emptied directory: {seconds:.1f} s")
            for line in summary.lines():
                print(f"  {line}")
            transaction.set_rollback(True)  # leave the benchmark database as it was


if __name__ == "__main__":
    main()
