"""The Fritidsbanken pages read at the benchmark bank's size: public, national and staff.

Run after ``lending_desk.py`` has filled its bank (100,000 articles, 1,000,000 loans):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/lending_pages.py --runs 10

Each page is fetched through the views (Django's test client, no network) once to warm up,
then ``--runs`` times: prints the median and p95 ms and the query count. The national
statistics are measured uncached (the site keeps them for
``SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS``; these are the figures of a first visitor). The
staff pages are read as an admin of the bank.
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

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammanhang.accounts.models import Membership, User  # noqa: E402
from sammanhang.lending.models import Article, Bank, Loan  # noqa: E402

BANK_SLUG = "benchmark-fritidsbank"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    settings.SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS = 0
    bank = Bank.objects.select_related("organisation").get(organisation__slug=BANK_SLUG)
    slug = bank.organisation.slug
    vendor = connection.vendor
    print(
        f"{vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC: {Article.objects.count():,} articles, "
        f"{Loan.objects.count():,} loans; {args.runs} runs each, times in ms"
    )
    admin, _created = User.objects.get_or_create(username="benchmark-pages-admin")
    Membership.objects.get_or_create(
        user=admin, organisation=bank.organisation, defaults={"role": "admin"}
    )
    public = Client()
    staff = Client()
    staff.force_login(admin)
    pages = [
        ("banks", public, "/fritidsbanken/"),
        ("bank page", public, f"/fritidsbanken/{slug}/"),
        ("bank page, free now only", public, f"/fritidsbanken/{slug}/?available=on"),
        ("reserve from home", public, f"/fritidsbanken/{slug}/reservera/"),
        ("national stats, 30 days", public, "/fritidsbanken/statistik/"),
        ("national stats, this year", public, "/fritidsbanken/statistik/?period=year"),
        ("finder: equipment to borrow", public, "/aktiviteter/?equipment_to_borrow=on"),
        ("desk start", staff, f"/hantera/{slug}/utlan/"),
        ("reservations (desk)", staff, f"/hantera/{slug}/utlan/reservationer/"),
        ("articles (desk)", staff, f"/hantera/{slug}/utlan/artiklar/"),
        ("bank stats, 30 days", staff, f"/hantera/{slug}/utlan/statistik/"),
        ("bank stats, this year", staff, f"/hantera/{slug}/utlan/statistik/?period=year"),
        ("inventory CSV (all articles)", staff, f"/hantera/{slug}/utlan/statistik/inventering.csv"),
    ]
    print(f"{'page':38s} {'median':>8s} {'p95':>8s} {'queries':>8s} {'kB':>7s}")
    for name, client, url in pages:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:38s} {statistics.median(times):8.1f} {p95:8.1f} "
            f"{len(captured):8d} {len(response.content) / 1024:7.1f}"
        )


if __name__ == "__main__":
    main()
