"""Desk operations per second for Fritidsbanken lending: check-out plus return of one article.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/lending_desk.py --articles 100000 --loans 1000000 --runs 500

Migrates the database, then fills one bank (``benchmark-fritidsbank``, emptied first) with
``--articles`` articles, ``--borrowers`` borrowers and ``--loans`` returned historical loans
spread over three years, and an opening-hours week so due dates search for an open day. Then
``--runs`` times: a borrower from the pool checks out a random available article through
``loan_check_out`` and it is returned through ``loan_return`` (each its own transaction, as
at the desk). Prints the fill time, desk operations per second (one operation = a check-out
or a return), median and p95 ms of each, and queries per operation.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammanhang.accounts.models import Organisation  # noqa: E402
from sammanhang.directory.models import Municipality, OpeningHours, Place, Term  # noqa: E402
from sammanhang.lending import services  # noqa: E402
from sammanhang.lending.models import Article, ArticleType, Bank, Borrower, Hold, Loan  # noqa: E402

SLUG = "benchmark-fritidsbank"
BATCH = 10_000


def fill(*, articles: int, borrowers: int, loans: int, seed: int) -> Bank:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    bank = Bank.objects.filter(organisation__slug=SLUG).first()
    if bank is not None:
        Hold.objects.filter(bank=bank).delete()
        Loan.objects.filter(bank=bank).delete()
        Borrower.objects.filter(bank=bank).delete()
        Article.objects.filter(bank=bank).delete()
        place = bank.place
        bank.delete()
        place.delete()
    Place.objects.filter(slug=SLUG).delete()
    organisation, _ = Organisation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Fritidsbanken Benchmark"}
    )
    municipality, _ = Municipality.objects.get_or_create(
        code="9999", defaults={"name": "Benchmark", "slug": "benchmark"}
    )
    place = Place.objects.create(
        slug=SLUG, name="Fritidsbanken Benchmark", owner=organisation, municipality=municipality
    )
    for weekday in (1, 3, 5):
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens_at=clock_time(10), closes_at=clock_time(18)
        )
    bank = Bank.objects.create(organisation=organisation, place=place)
    terms = list(Term.objects.filter(taxonomy="sammanhang-utrustning", parent__isnull=False))
    types = [
        ArticleType.objects.get_or_create(category=term, name=f"{term.name_sv} (benchmark)")[0]
        for term in terms
    ]
    sizes = ["", "S", "M", "L", "36", "38", "40", "42"]
    for start in range(0, articles, BATCH):
        Article.objects.bulk_create(
            Article(bank=bank, type=rng.choice(types), size=rng.choice(sizes), code=f"B{n:07d}")
            for n in range(start, min(start + BATCH, articles))
        )
    now = timezone.now()
    for start in range(0, borrowers, BATCH):
        Borrower.objects.bulk_create(
            Borrower(bank=bank, name=f"Låntagare {n}", mobile=f"+4670{n:07d}", last_activity_at=now)
            for n in range(start, min(start + BATCH, borrowers))
        )
    article_ids = list(Article.objects.filter(bank=bank).values_list("pk", flat=True))
    borrower_ids = list(Borrower.objects.filter(bank=bank).values_list("pk", flat=True))
    first = now - timedelta(days=3 * 365)
    for start in range(0, loans, BATCH):
        rows = []
        for _n in range(start, min(start + BATCH, loans)):
            out_at = first + timedelta(seconds=rng.randrange(3 * 365 * 86400 - 30 * 86400))
            out_on = timezone.localdate(out_at)
            rows.append(
                Loan(
                    article_id=rng.choice(article_ids),
                    borrower_id=rng.choice(borrower_ids),
                    borrower_pseudonym=f"{rng.randrange(borrowers * 3):064x}",
                    bank=bank,
                    out_at=out_at,
                    out_on=out_on,
                    due_on=out_on + timedelta(days=14),
                    returned_at=out_at + timedelta(days=rng.randrange(1, 20)),
                    visit_id=uuid.uuid4(),
                )
            )
        Loan.objects.bulk_create(rows)
    return bank


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--borrowers", type=int, default=20_000)
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    bank = fill(articles=args.articles, borrowers=args.borrowers, loans=args.loans, seed=args.seed)
    print(
        f"{connection.vendor}: filled {args.articles:,} articles, {args.borrowers:,} borrowers, "
        f"{args.loans:,} loans in {time.perf_counter() - started:.1f} s"
    )
    rng = random.Random(args.seed + 1)  # noqa: S311
    codes = list(Article.objects.filter(bank=bank).values_list("code", flat=True))
    borrowers = list(Borrower.objects.filter(bank=bank)[:1000])
    check_outs: list[float] = []
    returns: list[float] = []
    queries = 0
    total_started = time.perf_counter()
    for _run in range(args.runs):
        code = rng.choice(codes)
        borrower = rng.choice(borrowers)
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            services.loan_check_out(
                actor=None, bank=bank, borrower=borrower, code=code, visit_id=uuid.uuid4()
            )
            check_outs.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            services.loan_return(bank=bank, code=code)
            returns.append((time.perf_counter() - start) * 1000)
        queries += len(captured)
    elapsed = time.perf_counter() - total_started
    operations = 2 * args.runs
    print(
        f"{operations / elapsed:.0f} desk operations/s ({args.runs} check-outs + returns, "
        f"queries captured, so a little slower than without)"
    )
    print(f"check-out: median {statistics.median(check_outs):.2f} ms, p95 {p95(check_outs):.2f} ms")
    print(f"return:    median {statistics.median(returns):.2f} ms, p95 {p95(returns):.2f} ms")
    print(f"queries per operation: {queries / operations:.1f}")


if __name__ == "__main__":
    main()
