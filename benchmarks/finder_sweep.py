"""Try many plausible finder searches once each and flag the slow ones.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/finder_sweep.py [--over 150] [extra query strings …]

``finder.py`` times a fixed set of requests closely; this sweeps wider, to find the searches
nobody thought to time. Session 11 found with it four that took from 0.4 to 3.3 seconds at
200,000 activities, each now a request of ``finder.py``. For each search it prints the first
request's time (caches cold for that search), the median of three more, the query count and
the status; a ``!`` marks a median over ``--over`` ms. Fill the database first with
``generate.py``; the clock is fixed as in ``finder.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")
os.environ.setdefault("SAMMANHANG_FIXED_NOW", "2026-11-24T17:30:00+01:00")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from sammanhang.directory.models import Activity, Municipality, Place  # noqa: E402

# Words from the generator's titles, summaries, place names and descriptions, alone and in
# pairs, with misspellings, stop words and filters a resident or a support worker would add.
SEARCHES = [
    "q=träffpunkt",
    "q=för",
    "q=a",
    "q=xyzzy",
    "q=fotbol",
    "q=matlagnig",
    "q=kaffe",
    "q=unga seniorer",
    "q=fika seniorer",
    "q=seniorer dans",
    "q=fotboll unga",
    "q=yoga äldre",
    "q=boule träffpunkt fika",
    "q=stiftelsen",
    "q=helsingborg",
    "q=centrum",
    "q=npf",
    "q=ledarna",
    "q=fika&page=11",
    "q=ledarna&page=11",
    "q=dans&sort=name&page=3",
    "q=yoga&open_now=on",
    "q=fika&open_now=on",
    "open_now=on&target_group=unga",
    "page=500",
    "free=on&time_of_day=weekend&target_group=unga",
    "starts_after=19:00",
    "starts_after=20:00",
    "starts_before=09:30",
    "weekday=7&starts_after=19:00",
    "weekday=6&weekday=7&free=on",
    "municipality={municipality}",
    "municipality={municipality}&q=padel",
    "q=simning&lat={lat}&lon={lon}&distance=2",
    # Added in session 12, each once 0.2-12 s at 200,000 activities (benchmarks/README.md).
    "q=yoga&lat={lat}&lon={lon}&distance=20",
    "q=kaffe fika",
    "q=trygg",
    "q=simning&when=today",
    "q=fika&when=today",
    "q=unga seniorer&when=today",
    "q=padel&weekday=6",
    "target_group=unga&category=idrott-motion&time_of_day=evening",
    "feature=rullstol",
    "municipality={municipality}&q=fika&sort=name",
    # Found in session 13: a feature with another filter or a second feature; a word sorted
    # by name, walked title by title from A (seconds on PostgreSQL).
    "feature=rullstol&target_group=unga",
    "feature=rullstol&feature=hiss",
    "q=simning&sort=name",
    "q=innebandy&sort=name",
    "q=fika&sort=name",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--over", type=float, default=150.0, help="flag medians over this")
    parser.add_argument("extra", nargs="*", help="more query strings to try")
    args = parser.parse_args()
    municipality = Municipality.objects.order_by("pk").values_list("slug", flat=True).first()
    point = Place.objects.exclude(latitude=None).order_by("pk")
    lat, lon = point.values_list("latitude", "longitude").first() or (0.0, 0.0)
    print(
        f"{connection.vendor}: {Activity.objects.count()} activities; "
        f"first request, median of 3 more (ms), queries, status"
    )
    client = Client()
    flagged = 0
    for search in SEARCHES + args.extra:
        query = search.format(municipality=municipality, lat=f"{lat:.4f}", lon=f"{lon:.4f}")
        times = []
        for _ in range(4):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(f"/aktiviteter/?{query}")
                times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times[1:])
        flag = "!" if median > args.over else " "
        flagged += median > args.over
        print(
            f"{flag} {search[:48]:48} {times[0]:8.1f} {median:8.1f} "
            f"{len(captured.captured_queries):4d}  {response.status_code}"
        )
    print(f"{flagged} of {len(SEARCHES) + len(args.extra)} over {args.over:.0f} ms")


if __name__ == "__main__":
    main()
