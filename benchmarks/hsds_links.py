"""Time ``GET /api/hsds/service_at_locations/{id}`` against a generated database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/hsds_links.py --runs 50

Fill the database first with ``benchmarks/generate.py``. The script empties the lookup's
index (``interop.models.ServiceAtLocationKey`` and its bookkeeping), dates every activity's
``updated_at`` a day back (nothing changed lately) and prints, in ms:

- ``scan``: the lookup as it was before the index, recomputing every public link's id;
- ``first lookup``: the whole index built by the first request;
- ``known id``: a request for a published id (the whole Django request, test client);
- ``unknown id``: a request for a random id on a warm index, nothing changed since the last
  refresh (median, p95, queries);
- ``unknown id, 1,000 changed``: the same right after 1,000 activities changed (an import):
  the first request brings their keys in line, the next pass over them (already seen).

The refresh reads activities by ``updated_at`` through its index (directory migration 0011).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammanhang.directory.models import Activity  # noqa: E402
from sammanhang.interop.hsds import ids, serialize  # noqa: E402
from sammanhang.interop.models import (  # noqa: E402
    ServiceAtLocationKey,
    ServiceAtLocationKeyedActivity,
    ServiceAtLocationKeyMark,
)


def old_scan(value: uuid.UUID) -> bool:
    """The lookup before the index: every public link's id recomputed."""
    links = Activity.places.through.objects.filter(
        activity__status__in=serialize.PUBLIC_STATUSES
    ).values_list("activity__uuid", "place__uuid")
    for activity_uuid, place_uuid in links.iterator():
        if ids.service_at_location_id(activity_uuid, place_uuid) == value:
            return True
    online = Activity.objects.filter(status__in=serialize.PUBLIC_STATUSES, online=True)
    for activity_uuid in online.values_list("uuid", flat=True).iterator():
        if (
            ids.service_at_location_id(activity_uuid, ids.online_location_id(activity_uuid))
            == value
        ):
            return True
    return False


def timed(client: Client, key: uuid.UUID, status: int) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(f"/api/hsds/service_at_locations/{key}")
        elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == status, (key, response.status_code)
    return elapsed, len(queries)


def line(name: str, times: list[float], queries: int) -> None:
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else times[0]
    print(f"{name:32} {statistics.median(times):9.1f} {p95:9.1f} {queries:8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s are expected
    ServiceAtLocationKey.objects.all().delete()
    ServiceAtLocationKeyedActivity.objects.all().delete()
    ServiceAtLocationKeyMark.objects.all().delete()
    # As if generated a day ago: "nothing changed lately", the steady state.
    Activity.objects.update(updated_at=timezone.now() - timedelta(days=1))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics after that, as autovacuum would give
    client = Client()
    public = Activity.objects.filter(status__in=serialize.PUBLIC_STATUSES)
    links = Activity.places.through.objects.filter(activity__in=public)
    print(
        f"{connection.vendor}: {Activity.objects.count()} activities, {links.count()} public "
        f"links, {public.filter(online=True).count()} online; times in ms"
    )
    print(f"{'request':32} {'median':>9} {'p95':>9} {'queries':>8}")
    start = time.perf_counter()
    old_scan(uuid.uuid4())
    line("scan (before the index)", [(time.perf_counter() - start) * 1000], 2)

    sample = random.Random(5).sample(  # noqa: S311 (a repeatable sample, not a secret)
        list(links.values_list("activity__uuid", "place__uuid")), args.runs
    )
    known = [ids.service_at_location_id(a, p) for a, p in sample]
    elapsed, queries = timed(client, known[0], 200)
    line("first lookup (builds the index)", [elapsed], queries)
    results = [timed(client, key, 200) for key in known]
    line("known id", [t for t, _ in results], results[-1][1])
    results = [timed(client, uuid.uuid4(), 404) for _ in range(args.runs)]
    line("unknown id", [t for t, _ in results], results[-1][1])
    changed = list(public.order_by("?").values_list("pk", flat=True)[:1000])
    Activity.objects.filter(pk__in=changed).update(updated_at=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    results = [timed(client, uuid.uuid4(), 404) for _ in range(args.runs)]
    line("unknown id, 1,000 changed", [t for t, _ in results], results[-1][1])


if __name__ == "__main__":
    main()
