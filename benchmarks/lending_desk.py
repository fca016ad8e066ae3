"""Desk operations per second for Fritidsbanken lending: check-out plus return of one article.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sammanhang_bench \\
        python benchmarks/lending_desk.py --articles 100000 --loans 1000000 --runs 500

Migrates the database, then fills one bank (``benchmark-fritidsbank``, emptied first) with
``--articles`` articles, ``--borrowers`` borrowers, ``--loans`` returned historical loans over
three years and ``--open-loans`` loans out now (lent in the last four weeks, so some are
overdue), and an opening-hours week (Monday, Wednesday, Friday) so due dates search for an
open day. ``--reuse`` keeps a bank filled earlier with the same sizes.

The fill writes rows straight into the models' tables (``COPY`` on PostgreSQL, ``executemany``
on SQLite): columns and values go through the models' fields, and the database checks every
row against the models' constraints (foreign keys, checks, one open loan per article). A
sample is read back and validated with ``full_clean``. The historical loans are in time order
(loans happen on open days between 10 and 18), each borrower borrows during a part of the
three years only (so some are past the retention period), and ``last_activity_at`` is the
borrower's last return, as the desk would have left it. One reservation per 50 loans, closed
(fulfilled, expired, cancelled), and 100 waiting for a size no article has. Reminders are not
filled.

Then ``--passes`` times ``--runs`` pairs of desk operations: a recent borrower checks out a random
available article through ``loan_check_out`` and it is returned through ``loan_return``, each
its own transaction, as at the desk. Prints desk operations per second (one operation = a
check-out or a return), median and p95 ms of each and the queries per operation (counted in
separate runs, so the timed ones carry no instrumentation). Then the desk's other reads once
each (a borrower's open loans; the reminder run and the next day's retention purge, both
rolled back: the fill ends with the purge, as the daily job would have left the data),
with ``--explain`` the query plan of every statement, and with ``--http`` the visit page and
a check-out and a return through the views (test client, no network). On PostgreSQL,
``--no-sync-commit`` shows how much of an operation is the commit's wait for the disk.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from itertools import batched
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sammanhang.settings_test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, models, transaction  # noqa: E402
from django.db.models import Max, OuterRef, Subquery, Value  # noqa: E402
from django.db.models.functions import Coalesce  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from sammanhang.accounts.models import Membership, Organisation, User  # noqa: E402
from sammanhang.directory.models import Municipality, OpeningHours, Place, Term  # noqa: E402
from sammanhang.lending import selectors, services  # noqa: E402
from sammanhang.lending.models import (  # noqa: E402
    Article,
    ArticleStatus,
    ArticleType,
    Bank,
    Borrower,
    Hold,
    HoldStatus,
    Loan,
    Reminder,
)
from sammanhang.lending.reminders import reminders_send  # noqa: E402
from sammanhang.lending.retention import purge_borrowers  # noqa: E402

SLUG = "benchmark-fritidsbank"
BATCH = 10_000
OPEN_WEEKDAYS = (1, 3, 5)
YEARS = 3
WAITING_HOLDS = 100


class _RolledBack(Exception):
    pass


def _empty() -> None:
    """Remove the benchmark bank and everything in it; plain DELETEs, because Django's cascade
    collection would load a million loans into memory first."""
    bank = Bank.objects.filter(organisation__slug=SLUG).first()
    if bank is not None:
        Reminder.objects.filter(loan__bank=bank).delete()
        Hold.objects.filter(bank=bank).delete()
        for queryset in (
            Loan.objects.filter(bank=bank),
            Borrower.objects.filter(bank=bank),
            Article.objects.filter(bank=bank),
        ):
            queryset._raw_delete(queryset.db)
        place = bank.place
        bank.delete()
        place.delete()
    Place.objects.filter(slug=SLUG).delete()


def _insert(model: type[models.Model], names: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """Write rows into ``model``'s table, each value prepared by its model field; the database
    checks the model's constraints on every row. Returns how many rows were written."""
    fields = [model._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    prepared = (
        tuple(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        )
        for row in rows
    )
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in prepared:
                    copy.write_row(row)
                    written += 1
        else:
            # Table and columns come from the model's meta, not from input.
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            for batch in batched(prepared, BATCH):
                cursor.executemany(sql, batch)
                written += len(batch)
    return written


def _open_days(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.isoweekday() in OPEN_WEEKDAYS:
            days.append(day)
        day += timedelta(days=1)
    return days


def _opening(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock_time(10)))


def fill(
    *, articles: int, borrowers: int, loans: int, open_loans: int, holds: int, seed: int
) -> Bank:
    rng = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    _empty()
    organisation, _ = Organisation.objects.get_or_create(
        slug=SLUG, defaults={"name": "Fritidsbanken Benchmark"}
    )
    municipality, _ = Municipality.objects.get_or_create(
        code="9999", defaults={"name": "Benchmark", "slug": "benchmark"}
    )
    place = Place.objects.create(
        slug=SLUG, name="Fritidsbanken Benchmark", owner=organisation, municipality=municipality
    )
    for weekday in OPEN_WEEKDAYS:
        OpeningHours.objects.create(
            place=place, weekday=weekday, opens_at=clock_time(10), closes_at=clock_time(18)
        )
    bank = Bank.objects.create(organisation=organisation, place=place)
    terms = list(Term.objects.filter(taxonomy="sammanhang-utrustning", parent__isnull=False))
    type_ids = [
        ArticleType.objects.get_or_create(category=term, name=f"{term.name_sv} (benchmark)")[0].pk
        for term in terms
    ]
    sizes = ["", "S", "M", "L", "36", "38", "40", "42"]
    now = timezone.now()
    today = timezone.localdate(now)
    out_now = set(rng.sample(range(articles), open_loans))
    _insert(
        Article,
        ["bank", "type", "size", "condition", "code", "status", "donor", "created_at"],
        (
            (
                bank.pk,
                rng.choice(type_ids),
                rng.choice(sizes),
                "good",
                f"B{n:07d}",
                ArticleStatus.ON_LOAN.value if n in out_now else ArticleStatus.AVAILABLE.value,
                "",
                now - timedelta(days=YEARS * 365),
            )
            for n in range(articles)
        ),
    )
    _insert(
        Borrower,
        ["bank", "name", "mobile", "created_at", "last_activity_at"],
        (
            (bank.pk, f"Låntagare {n}", f"+4670{n:07d}", now - timedelta(days=YEARS * 365), now)
            for n in range(borrowers)
        ),
    )
    article_ids = list(Article.objects.filter(bank=bank).order_by("code").values_list("pk", "code"))
    borrower_rows = list(Borrower.objects.filter(bank=bank).order_by("pk"))
    borrower_ids = [borrower.pk for borrower in borrower_rows]
    pseudonyms = [services.borrower_pseudonym(borrower) for borrower in borrower_rows]
    # Each borrower borrows during a quarter of the three years: the window moves with time,
    # so the first ones have long stopped (past the retention period) and the last are regulars.
    window = max(1, borrowers // 4)
    days = _open_days(today - timedelta(days=YEARS * 365), today - timedelta(days=30))

    def historical() -> Iterator[tuple[Any, ...]]:
        for n in range(loans):
            day = days[n * len(days) // loans]
            out_at = _opening(day) + timedelta(seconds=rng.randrange(8 * 3600))
            who = min(borrowers - 1, n * (borrowers - window) // loans + rng.randrange(window))
            yield (
                article_ids[rng.randrange(articles)][0],
                borrower_ids[who],
                pseudonyms[who],
                bank.pk,
                out_at,
                day,
                day + timedelta(days=14),  # the same weekday, so an open day
                out_at + timedelta(days=rng.randrange(1, 20), seconds=rng.randrange(3600)),
                0,
                "good",
                uuid.UUID(int=rng.getrandbits(128), version=4),
                "",
            )

    recent = _open_days(today - timedelta(days=27), today)

    def current() -> Iterator[tuple[Any, ...]]:
        for k, n in enumerate(sorted(out_now)):
            day = rng.choice(recent)
            who = borrowers - 1 - (k % window)  # regulars, at most a few items each
            out_at = min(now, _opening(day) + timedelta(seconds=rng.randrange(8 * 3600)))
            yield (
                article_ids[n][0],
                borrower_ids[who],
                pseudonyms[who],
                bank.pk,
                out_at,
                day,
                day + timedelta(days=14),
                None,
                0,
                "",
                uuid.UUID(int=rng.getrandbits(128), version=4),
                "",
            )

    loan_fields = [
        "article",
        "borrower",
        "borrower_pseudonym",
        "bank",
        "out_at",
        "out_on",
        "due_on",
        "returned_at",
        "renewed_count",
        "condition_on_return",
        "visit_id",
        "override_reason",
    ]
    _insert(Loan, loan_fields, historical())
    _insert(Loan, loan_fields, current())
    # Reservations over the years (fulfilled, expired, cancelled), and some waiting for a size
    # no article has: the returns here offer nothing, but read the queue as they would.
    closed = [HoldStatus.FULFILLED.value, HoldStatus.EXPIRED.value, HoldStatus.CANCELLED.value]
    _insert(
        Hold,
        [
            "bank",
            "type",
            "size",
            "borrower",
            "position",
            "created_at",
            "offered_article",
            "offered_until",
            "status",
        ],
        (
            (
                bank.pk,
                type_ids[n % len(type_ids)] if n < WAITING_HOLDS else rng.choice(type_ids),
                "XXL" if n < WAITING_HOLDS else rng.choice(sizes),
                borrower_ids[n] if n < WAITING_HOLDS else borrower_ids[rng.randrange(borrowers)],
                n // len(type_ids) + 1 if n < WAITING_HOLDS else n,
                _opening(day),
                None if n < WAITING_HOLDS else article_ids[rng.randrange(articles)][0],
                None if n < WAITING_HOLDS else day + timedelta(days=7),
                HoldStatus.WAITING.value if n < WAITING_HOLDS else rng.choice(closed),
            )
            for n, day in ((n, days[n * len(days) // max(1, holds)]) for n in range(holds))
        ),
    )
    # As the desk leaves it: the last time the borrower lent or returned something.
    last_return = (
        Loan.objects.filter(borrower=OuterRef("pk"))
        .order_by()
        .values("borrower")
        .annotate(last=Max("returned_at"))
        .values("last")
    )
    Borrower.objects.filter(bank=bank).update(
        last_activity_at=Coalesce(Subquery(last_return), Value(now))
    )
    Borrower.objects.filter(bank=bank, loans__returned_at__isnull=True).update(last_activity_at=now)
    return bank


def _check_sample(bank: Bank) -> None:
    """Rows written without the ORM read back as valid model instances."""
    for loan in Loan.objects.filter(bank=bank).order_by("?")[:50]:
        loan.full_clean()
    for article in Article.objects.filter(bank=bank).order_by("?")[:50]:
        article.full_clean()


def _analyse() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Article, Borrower, Loan, Hold, Reminder):
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        else:
            cursor.execute("ANALYZE")  # fresh planner statistics, as a live database would have


def _sizes(bank: Bank) -> tuple[int, int, int, int]:
    return (
        Article.objects.filter(bank=bank).count(),
        Borrower.objects.filter(bank=bank).count(),
        Loan.objects.filter(bank=bank, returned_at__isnull=False).count(),
        Loan.objects.filter(bank=bank, returned_at__isnull=True).count(),
    )


def _database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} (file {connection.settings_dict['NAME']})"


def _loop_seconds() -> float:
    """A fixed amount of pure Python work, timed (as in finder.py): the machine is shared and
    its speed drifts, so runs are compared with this beside them."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values):6.2f} ms, p95 {p95(values):6.2f} ms"


class Desk:
    def __init__(self, bank: Bank, seed: int) -> None:
        self.bank = bank
        self.rng = random.Random(seed)  # noqa: S311
        self.codes = list(
            Article.objects.filter(bank=bank, status=ArticleStatus.AVAILABLE).values_list(
                "code", flat=True
            )
        )
        # Regulars: the borrowers of the last months, most with nothing or one item at home.
        self.borrowers = list(Borrower.objects.filter(bank=bank).order_by("-pk")[:1000])

    def pair(self) -> tuple[float, float]:
        code = self.rng.choice(self.codes)
        borrower = self.rng.choice(self.borrowers)
        started = time.perf_counter()
        services.loan_check_out(
            actor=None, bank=self.bank, borrower=borrower, code=code, visit_id=uuid.uuid4()
        )
        lent = time.perf_counter()
        services.loan_return(bank=self.bank, code=code)
        return (lent - started) * 1000, (time.perf_counter() - lent) * 1000

    def queries(self, pairs: int = 20) -> tuple[float, float]:
        check_outs = returns = 0
        for _ in range(pairs):
            code = self.rng.choice(self.codes)
            borrower = self.rng.choice(self.borrowers)
            with _captured() as captured:
                services.loan_check_out(
                    actor=None, bank=self.bank, borrower=borrower, code=code, visit_id=uuid.uuid4()
                )
            check_outs += len(captured)
            with _captured() as captured:
                services.loan_return(bank=self.bank, code=code)
            returns += len(captured)
        return check_outs / pairs, returns / pairs


def _captured() -> CaptureQueriesContext:
    """Capture the queries of a block. Django's query log keeps the last 9,000 queries and a
    capture counts by its length, so a long run (the reminder job) would hide later ones:
    empty it first."""
    connection.queries_log.clear()
    return CaptureQueriesContext(connection)


def _rolled_back(work: Callable[[], object]) -> tuple[float, int, object]:
    """Time ``work`` in a transaction that is then rolled back; returns ms, queries, result."""
    result: object = None
    with _captured() as captured:
        started = time.perf_counter()
        try:
            with transaction.atomic():
                result = work()
                elapsed = (time.perf_counter() - started) * 1000
                raise _RolledBack
        except _RolledBack:
            pass
    return elapsed, len(captured), result


def _explain(label: str, statements: list[str]) -> None:
    """Each distinct SELECT/UPDATE/DELETE's plan; ``!`` marks a full scan of a lending table."""
    print(f"\n-- {label}")
    seen = set()
    for sql in statements:
        # The same statement with other values (a purge's batches) is shown once.
        shape = re.sub(r"(\?, )+\?", "?", re.sub(r"'[^']*'|\b\d+\b", "?", sql))
        if not sql.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")) or shape in seen:
            continue
        seen.add(shape)
        prefix = "EXPLAIN " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql)
            rows = cursor.fetchall()
        plan = [row[0] if connection.vendor == "postgresql" else row[-1] for row in rows]
        scans = [
            line
            for line in plan
            if "lending_" in line
            and ("Seq Scan" in line or (line.strip().startswith("SCAN") and "USING" not in line))
        ]
        print(("! " if scans else "  ") + " ".join(sql.split())[:160])
        for line in plan:
            print(("      " + line)[:200])


def _statements(work: Callable[[], object]) -> list[str]:
    with _captured() as captured:
        try:
            with transaction.atomic():
                work()
                raise _RolledBack
        except _RolledBack:
            pass
    return [query["sql"] for query in captured.captured_queries]


def _reads(desk: Desk, *, explain: bool) -> None:
    bank = desk.bank
    regular = desk.borrowers[0]
    now = timezone.make_aware(datetime.combine(timezone.localdate(), clock_time(10)))
    reads: list[tuple[str, Callable[[], object]]] = [
        (
            "visit: borrower's open loans",
            lambda: list(selectors.borrower_open_loans(borrower=regular)),
        ),
        ("reminder run (rolled back)", lambda: reminders_send(now=now)),
        ("retention purge, next day (r.b.)", lambda: purge_borrowers(now + timedelta(days=1))),
    ]
    print()
    for label, work in reads:
        times, result = [], None
        for _ in range(3):
            elapsed, count, result = _rolled_back(work)
            times.append(elapsed)
        shown = len(result) if isinstance(result, list) else result
        print(f"{label:32} best {min(times):9.1f} ms, {count:3d} queries, result {shown}")
    if explain:
        code = desk.rng.choice(desk.codes)
        _explain(
            "check-out",
            _statements(
                lambda: services.loan_check_out(
                    actor=None, bank=bank, borrower=regular, code=code, visit_id=uuid.uuid4()
                )
            ),
        )

        def lend_and_return() -> None:
            services.loan_check_out(
                actor=None, bank=bank, borrower=regular, code=code, visit_id=uuid.uuid4()
            )
            with _captured() as captured:
                services.loan_return(bank=bank, code=code)
            _explain("return (with hold_offer_next)", [q["sql"] for q in captured.captured_queries])

        _statements(lend_and_return)
        for label, work in reads:
            _explain(label, _statements(work))


def _http(desk: Desk, runs: int) -> None:
    """The visit page, a check-out and a return through the views (test client)."""
    bank = desk.bank
    user, _ = User.objects.get_or_create(username="benchmark-desk")
    Membership.objects.get_or_create(
        user=user, organisation=bank.organisation, defaults={"role": Membership.Role.EDITOR}
    )
    client = Client()
    client.force_login(user)
    slug = bank.organisation.slug
    return_url = reverse("lending_staff:loan_return", kwargs={"org_slug": slug})
    pages: dict[str, list[float]] = {"visit page": [], "check-out POST": [], "return POST": []}
    counts: dict[str, int] = {}
    for run in range(runs + 1):
        borrower = desk.rng.choice(desk.borrowers)
        code = desk.rng.choice(desk.codes)
        url = reverse(
            "lending_staff:visit",
            kwargs={"org_slug": slug, "borrower_id": borrower.pk, "visit": uuid.uuid4()},
        )
        requests: list[tuple[str, Callable[[], Any]]] = [
            ("visit page", lambda url=url: client.get(url)),
            ("check-out POST", lambda url=url, code=code: client.post(url, {"code": code})),
            (
                "return POST",
                lambda code=code: client.post(return_url, {"code": code, "condition": "good"}),
            ),
        ]
        for label, request in requests:
            with _captured() as captured:
                started = time.perf_counter()
                response = request()
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code not in (200, 302):
                sys.exit(f"{label}: status {response.status_code}")
            if run:  # the first round warms up
                pages[label].append(elapsed)
            counts[label] = len(captured)
    print(f"\nover the views (test client, no network), {runs} rounds:")
    for label, times in pages.items():
        print(f"{label:16} {_ms(times)}, {counts[label]} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--borrowers", type=int, default=20_000)
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument("--open-loans", type=int, default=None, help="default: 2 %% of articles")
    parser.add_argument("--runs", type=int, default=500, help="check-out + return pairs a pass")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--reuse", action="store_true", help="keep a bank of the same size")
    parser.add_argument("--explain", action="store_true", help="print every statement's plan")
    parser.add_argument("--http", type=int, default=0, help="rounds through the views")
    parser.add_argument(
        "--no-sync-commit",
        action="store_true",
        help="PostgreSQL: commit without waiting for the disk, to see how much of a desk "
        "operation is that wait (a diagnosis, not a setting for production)",
    )
    args = parser.parse_args()
    open_loans = args.articles // 50 if args.open_loans is None else args.open_loans

    print(f"{_database()}, {timezone.now():%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}")
    print(f"machine speed: a fixed Python loop takes {_loop_seconds():.2f} s (lower is faster)")
    call_command("migrate", verbosity=0)
    bank = Bank.objects.filter(organisation__slug=SLUG).first()
    # Each run adds its own returned loans: a bank with at least as many is the same fill.
    sizes = _sizes(bank) if args.reuse and bank is not None else None
    if sizes and sizes[0] == args.articles and sizes[2] >= args.loans and sizes[3] == open_loans:
        print("fill: reused the bank filled earlier")
    else:
        started = time.perf_counter()
        with transaction.atomic():
            bank = fill(
                articles=args.articles,
                borrowers=args.borrowers,
                loans=args.loans,
                open_loans=open_loans,
                holds=args.loans // 50,
                seed=args.seed,
            )
        filled = time.perf_counter() - started
        # The daily retention job would have removed the borrowers past the period long ago.
        purged = purge_borrowers(timezone.now())
        settled = time.perf_counter() - started - filled
        _analyse()
        _check_sample(bank)
        print(
            f"fill: {filled:.0f} s; the retention purge of the borrowers past the period "
            f"({purged:,}) {settled:.0f} s; planner statistics and the sample check "
            f"{time.perf_counter() - started - filled - settled:.0f} s"
        )
    articles, borrowers, returned, out = _sizes(bank)
    anonymous = Loan.objects.filter(bank=bank, borrower__isnull=True).count()
    print(
        f"data: {articles:,} articles, {borrowers:,} borrowers, {returned:,} returned loans "
        f"({anonymous:,} of purged borrowers), {out:,} out now, "
        f"{Hold.objects.filter(bank=bank).count():,} reservations"
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if args.no_sync_commit:
                cursor.execute("SET synchronous_commit = off")
            cursor.execute("SHOW synchronous_commit")
            print(f"synchronous_commit: {cursor.fetchone()[0]} (each desk operation commits)")
    desk = Desk(bank, args.seed + 1)
    gc.freeze()  # as sammanhang.wsgi does in each gunicorn worker
    for _ in range(20):  # warm the connection and caches
        desk.pair()
    best = 0.0
    for number in range(1, args.passes + 1):
        check_outs, returns = [], []
        started = time.perf_counter()
        for _ in range(args.runs):
            check_out, returned_ms = desk.pair()
            check_outs.append(check_out)
            returns.append(returned_ms)
        per_second = 2 * args.runs / (time.perf_counter() - started)
        best = max(best, per_second)
        print(
            f"pass {number}: {per_second:5.0f} desk operations/s over {args.runs} check-outs "
            f"+ returns; check-out {_ms(check_outs)}; return {_ms(returns)}"
        )
    check_out_queries, return_queries = desk.queries()
    print(
        f"best: {best:.0f} desk operations/s; queries per check-out {check_out_queries:.1f}, "
        f"per return {return_queries:.1f}"
    )
    _reads(desk, explain=args.explain)
    if args.http:
        _http(desk, args.http)
    print(f"machine speed: a fixed Python loop takes {_loop_seconds():.2f} s (lower is faster)")


if __name__ == "__main__":
    main()
