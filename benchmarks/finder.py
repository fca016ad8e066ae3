"""Time typical finder requests against a generated database and print the figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/finder.py --runs 15

Fill the database first with ``benchmarks/generate.py``. For each request the script prints:

- ``median``/``p95``: server-side time of the whole Django request (URL routing, form, queries,
  template rendering) through Django's test client, without network;
- ``queries``: how many SQL queries the request ran;
- ``sql``: the floor: the same SQL statements, captured from the request, run again directly on
  the database cursor right after each run (median), so both are measured in the same moment;
- ``ratio``: median / sql, what Django and rendering add (issue 4 asks for at most 3x);
- ``beside``: median - sql, the time spent beside the database (routing, the form, the ORM
  writing SQL and building rows, templates); the last line gives the same for a page that
  reads nothing (the accessibility statement), the stack's own cost of any page;
- ``orm``: of the median, the time the ORM spends writing the SQL (the floor gets it written);
- ``kB``: the size of the HTML.

The clock is fixed (``SAMMANHANG_FIXED_NOW``, default Tuesday 24 November 2026 17:30, the day
after ``generate.py``'s default ``--today``), so every run asks the same questions.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")
# A fixed moment a day after generate.py's default --today, so "open now", "today" and the
# date window ask the same of the data on every run.
os.environ.setdefault("SAMMANHANG_FIXED_NOW", "2026-11-24T17:30:00+01:00")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.sql.compiler import SQLCompiler  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from sammanhang.directory.models import Activity, Municipality, Occurrence, Place  # noqa: E402

REQUESTS = [
    ("everything", ""),
    ("text: fika", "q=fika"),
    ("text: two words", "q=språkcafé unga"),
    # A word in every generated description and in no title or summary: the body tier is
    # then nearly every activity (a set that once took 29 s to build on PostgreSQL).
    ("text: descriptions only", "q=ledarna"),
    ("district", "municipality={municipality}&district=d1"),
    ("evening", "time_of_day=evening"),
    ("weekend", "time_of_day=weekend"),
    ("today", "when=today"),
    ("tomorrow evening", "when=tomorrow&time_of_day=evening"),
    ("this week, free", "when=this_week&free=on"),
    ("open now", "open_now=on"),
    ("weekday tuesday", "weekday=2"),
    ("target group youth", "target_group=unga"),
    ("category sport", "category=idrott-motion"),
    ("drop-in, companion free", "drop_in=on&companion_free=on"),
    ("language arabic", "language=ar"),
    ("age 70", "age=70"),
    (
        "text + district + evening",
        "q=fika&municipality={municipality}&district=d1&time_of_day=evening",
    ),
    ("sorted by name, page 5", "sort=name&page=5"),
    ("date window", "date_from=2026-12-01&date_to=2026-12-07"),
    # Found by trying searches beyond the first 21 (session 11), each once seconds or
    # hundreds of ms: a word in a fifth of the summaries (place names) and in no title; two
    # common words, each in many titles, never together; a word among the sessions running
    # now; a late hour on one weekday.
    ("text: summaries only", "q=centrum"),
    ("text: two common words", "q=unga seniorer"),
    ("open now, a word", "q=yoga&open_now=on"),
    ("sundays after 19:00", "weekday=7&starts_after=19:00"),
    # Found by trying more searches in session 12: a rare word today walked each rank group
    # past the day's end and then asked whether each lower group was few (645 ms).
    ("text today", "q=simning&when=today"),
]


def requests_to_time() -> list[tuple[str, str]]:
    """The 26 requests: the fixed list plus "near a point" at the first generated place.

    District codes repeat between municipalities (every generated one has a "d1"), so a
    district is asked for within the first municipality, as the finder's form does.
    """
    first = Municipality.objects.order_by("pk").values_list("slug", flat=True).first() or ""
    chosen = [(label, query.format(municipality=first)) for label, query in REQUESTS]
    point = Place.objects.order_by("pk").values_list("latitude", "longitude").first()
    if point and point[0] is not None:
        near = f"lat={point[0]:.4f}&lon={point[1]:.4f}&distance=5"
        chosen.insert(11, ("near a point, 5 km", near))
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", help="run only requests whose label contains this")
    args = parser.parse_args()
    setup_test_environment()  # so the client sees the template context (the result count)
    client = Client()
    print(
        f"{connection.vendor}: {Activity.objects.count()} activities, "
        f"{Occurrence.objects.count()} occurrences; {args.runs} runs each; times in ms"
    )
    requests = requests_to_time()
    gc.freeze()  # as sammanhang.wsgi does in each gunicorn worker
    print(f"machine speed: a fixed Python loop takes {_loop_seconds():.2f} s (lower is faster)")
    print(
        f"{'request':30} {'median':>7} {'p95':>7} {'sql':>7} {'ratio':>6} {'beside':>6} "
        f"{'orm':>6} {'queries':>7} {'kB':>6}  results"
    )
    for label, query in requests:
        if args.only and args.only not in label:
            continue
        url = "/aktiviteter/" + (f"?{query}" if query else "")
        client.get(url)  # warm caches and the connection
        times, floors = [], []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            # The floor right after its request, so both see the machine in the same state
            # (a shared machine's speed drifts by tens of percent over minutes).
            statements = [q["sql"] for q in captured.captured_queries]
            floors.append(_sql_floor(statements))
        if response.status_code != 200:
            print(f"{label:30} status {response.status_code}")
            continue
        compiling = statistics.median(_orm_compile_ms(client, url) for _ in range(3))
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        median, floor = statistics.median(times), statistics.median(floors)
        count = response.context["page"].paginator.count
        print(
            f"{label:30} {median:7.1f} {p95:7.1f} {floor:7.1f} {median / floor:5.1f}x "
            f"{median - floor:6.1f} {compiling:6.1f} {len(statements):7d} "
            f"{len(response.content) / 1024:6.1f}  {count}"
        )
    print(_baseline(client, args.runs))
    print(f"machine speed: a fixed Python loop takes {_loop_seconds():.2f} s (lower is faster)")


def _baseline(client: Client, runs: int) -> str:
    """The same stack's time for a page that reads no data: what any page costs."""
    url = reverse("web:accessibility")
    client.get(url)
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
    return (
        f"a page with no data ({url}, {len(response.content) / 1024:.1f} kB, "
        f"{len(captured.captured_queries)} queries): median {statistics.median(times):.1f} ms"
    )


def _loop_seconds() -> float:
    """A fixed amount of pure Python work, timed: a shared machine's speed drifts (this one
    has taken from 0.74 to 1.58 s), so runs are compared with this beside them."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def _orm_compile_ms(client: Client, url: str) -> float:
    """Time the request spends turning querysets into SQL (``SQLCompiler.as_sql``), measured
    in a separate run so the timed runs carry no instrumentation. The floor gets its SQL
    ready-made; a request cannot, so this part of the ratio is the ORM's own."""
    original = SQLCompiler.as_sql
    spent = [0.0]
    depth = [0]

    def as_sql(self: SQLCompiler, *args: object, **kwargs: object) -> object:
        depth[0] += 1
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)  # type: ignore[arg-type]
        finally:
            depth[0] -= 1
            if depth[0] == 0:  # subqueries are compiled inside their query
                spent[0] += time.perf_counter() - started

    SQLCompiler.as_sql = as_sql  # type: ignore[method-assign,assignment]
    try:
        client.get(url)
    finally:
        SQLCompiler.as_sql = original  # type: ignore[method-assign]
    return spent[0] * 1000


def _sql_floor(statements: list[str]) -> float:
    """Time of running the request's SQL directly once; session statements are skipped."""
    with connection.cursor() as cursor:
        started = time.perf_counter()
        for sql in statements:
            if sql.lstrip().upper().startswith(("SELECT", "WITH")):
                cursor.execute(sql)
                cursor.fetchall()
        return (time.perf_counter() - started) * 1000


if __name__ == "__main__":
    main()
