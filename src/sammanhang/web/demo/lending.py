"""The demo Fritidsbank: a bank with a branch, article types, ~60 articles, a few borrowers,
open loans (one overdue) and about 120 days of returned loans, so the public inventory, the
desk and the statistics have something to show.

Deterministic: every choice comes from ``random.Random(seed)`` and the history is laid out
backwards from ``today``, so the same day gives the same data. Borrowers have made-up names
and numbers from the range Post- och telestyrelsen keeps for fiction (070-174 06 05 to
070-174 06 99), so no real phone is ever texted by a demo.

The bank, types, articles and borrowers are written through ``lending.services`` (the
registration of articles is audited like a real donation). The history cannot be: the
services lend and return *now*, so past loans are written directly with the same fields the
services fill in (pseudonym, due date by the bank's opening hours, visit id, condition), and
the articles' statuses are then set to match (on loan while a loan is open).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory.models import OpeningHours, Place, PlaceClosure, Term
from sammanhang.lending import services as lending_services
from sammanhang.lending.models import (
    Article,
    ArticleStatus,
    ArticleType,
    Bank,
    Borrower,
    Branch,
    Condition,
    Loan,
)

# A share of the articles was given during the history window, the rest before it.
_DONATED_DURING_HISTORY = 0.2
# How long people keep things (days), with weights: mostly within the loan days, some late.
_KEEP_DAYS = [(range(2, 7), 2), (range(7, 15), 6), (range(15, 22), 2)]
_RETURN_CONDITIONS = [(Condition.GOOD, 16), (Condition.WORN, 3), (Condition.BROKEN, 1)]


@dataclass
class LendingSummary:
    articles: int = 0
    loans: int = 0


@dataclass
class _Loan:
    article: Article
    borrower: Borrower
    out_at: datetime
    due_on: date
    visit_id: uuid.UUID
    returned_at: datetime | None = None
    condition: str = ""


@dataclass
class _Calendar:
    """The bank's opening intervals by ISO weekday and its closed days, read once."""

    hours: dict[int, list[tuple[time, time]]] = field(default_factory=dict)
    closed: set[date] = field(default_factory=set)

    def intervals(self, day: date) -> list[tuple[time, time]]:
        return [] if day in self.closed else self.hours.get(day.isoweekday(), [])


def load_lending(
    entry: dict[str, Any] | None,
    organisations: dict[str, Organisation],
    places: dict[str, Place],
    today: date | None,
) -> LendingSummary:
    """Load the demo banks of ``entry`` (the ``lending`` part of the demo file); a bank that
    exists already is left as it is, so loading twice creates nothing new."""
    summary = LendingSummary()
    for bank_entry in (entry or {}).get("banks", []):
        organisation = organisations[bank_entry["organisation"]]
        if Bank.objects.filter(organisation=organisation).exists():
            continue
        articles, loans = _load_bank(bank_entry, organisation, places, today or clock.today())
        summary.articles += articles
        summary.loans += loans
    return summary


def _load_bank(
    entry: dict[str, Any], organisation: Organisation, places: dict[str, Place], today: date
) -> tuple[int, int]:
    rng = random.Random(entry["seed"])  # noqa: S311 - demo data, deterministic on purpose
    bank = Bank.objects.create(
        organisation=organisation,
        place=places[entry["place"]],
        donation_info=entry.get("donation_info") or "",
    )
    for branch in entry.get("branches", []):
        Branch.objects.create(
            bank=bank,
            name=branch["name"],
            place=places[branch["place"]] if branch.get("place") else None,
        )
    articles = _load_articles(bank, entry, rng)
    borrowers = [
        lending_services.borrower_find_or_register(
            bank=bank, mobile=borrower["mobile"], name=borrower["name"]
        )
        for borrower in entry["borrowers"]
    ]
    calendar = _calendar(bank, today, entry["history_days"])
    start = today - timedelta(days=entry["history_days"])
    registered = _registration_days(articles, start, today, rng)
    loans = _history(bank, articles, borrowers, calendar, registered, start, today, rng)
    _write(bank, articles, borrowers, loans, registered, entry["statuses"], rng)
    return len(articles), len(loans)


def _load_articles(bank: Bank, entry: dict[str, Any], rng: random.Random) -> list[Article]:
    articles: list[Article] = []
    number = 0
    for type_entry in entry["article_types"]:
        category = Term.objects.get(taxonomy="sammanhang-utrustning", code=type_entry["category"])
        article_type = ArticleType.objects.filter(
            category=category, name=type_entry["name"]
        ).first() or lending_services.article_type_create(
            actor=None,
            bank=bank,
            category=category,
            name=type_entry["name"],
            needs_guardian_consent=bool(type_entry.get("needs_guardian_consent")),
            check_out_prompt=type_entry.get("check_out_prompt") or "",
        )
        sizes = type_entry["sizes"]
        for index in range(type_entry["count"]):
            number += 1
            articles += lending_services.articles_register(
                actor=None,
                bank=bank,
                type=article_type,
                codes=[f"FB{number:04d}"],
                # Every size at least once, then the common middle sizes more often.
                size=sizes[index] if index < len(sizes) else rng.choice(sizes),
                condition=rng.choice([Condition.GOOD] * 4 + [Condition.WORN]),
            )
    return articles


def _calendar(bank: Bank, today: date, history_days: int) -> _Calendar:
    calendar = _Calendar()
    for row in OpeningHours.objects.filter(place=bank.place).order_by("opens_at"):
        calendar.hours.setdefault(row.weekday, []).append((row.opens_at, row.closes_at))
    calendar.closed = set(
        PlaceClosure.objects.filter(
            place=bank.place, date__gte=today - timedelta(days=history_days)
        ).values_list("date", flat=True)
    )
    return calendar


def _registration_days(
    articles: list[Article], start: date, today: date, rng: random.Random
) -> dict[int, date]:
    days = {}
    for article in articles:
        if rng.random() < _DONATED_DURING_HISTORY:
            days[article.pk] = start + timedelta(days=rng.randrange((today - start).days))
        else:
            days[article.pk] = start - timedelta(days=rng.randrange(1, 90))
    return days


def _moment(day: date, intervals: list[tuple[time, time]], rng: random.Random) -> datetime:
    """A random minute within the day's opening hours, as an aware local date-time."""
    opens_at, closes_at = rng.choice(intervals)
    first = opens_at.hour * 60 + opens_at.minute
    last = closes_at.hour * 60 + closes_at.minute - 1
    minute = rng.randint(first, last)
    local = datetime.combine(day, time(minute // 60, minute % 60))
    return timezone.make_aware(local)


def _weighted(choices: list[tuple[Any, int]], rng: random.Random) -> Any:
    return rng.choices([value for value, _weight in choices], [w for _v, w in choices])[0]


def _history(
    bank: Bank,
    articles: list[Article],
    borrowers: list[Borrower],
    calendar: _Calendar,
    registered: dict[int, date],
    start: date,
    today: date,
    rng: random.Random,
) -> list[_Loan]:
    """Visits on each open day from ``start`` to yesterday: a borrower takes one to three
    free articles; each comes back on an open day some days later, or is still out today.
    One loan, from about three weeks ago, is never returned: the overdue one."""
    free_from: dict[int, datetime] = {}
    loans: list[_Loan] = []
    due_dates: dict[date, date] = {}

    def due(day: date) -> date:
        if day not in due_dates:
            due_dates[day] = lending_services.loan_due_date(bank=bank, start=day)
        return due_dates[day]

    # The overdue loan's article is kept out of the rest of the history.
    overdue_article = articles[len(articles) // 2]
    overdue_day = next(
        day for back in range(20, 40) if calendar.intervals(day := today - timedelta(days=back))
    )
    pool = [article for article in articles if article is not overdue_article]
    for offset in range((today - start).days):
        day = start + timedelta(days=offset)
        intervals = calendar.intervals(day)
        if not intervals:
            continue
        visits = rng.randint(1, 4) + (2 if day.isoweekday() == 6 else 0)
        for _visit in range(visits):
            out_at = _moment(day, intervals, rng)
            borrower = rng.choice(borrowers)
            at_home = sum(
                1
                for loan in loans
                if loan.borrower is borrower
                and (loan.returned_at is None or loan.returned_at > out_at)
            )
            free = [
                article
                for article in pool
                if registered[article.pk] <= day and free_from.get(article.pk, out_at) <= out_at
            ]
            wanted = min(rng.choice([1, 1, 1, 2, 2, 3]), bank.max_items - at_home, len(free))
            visit_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            for article in rng.sample(free, wanted) if wanted > 0 else []:
                loan = _Loan(
                    article=article,
                    borrower=borrower,
                    out_at=out_at,
                    due_on=due(day),
                    visit_id=visit_id,
                )
                back = _return_moment(day, calendar, today, rng)
                if back is not None and back.date() < today:
                    loan.returned_at = back
                    loan.condition = _weighted(_RETURN_CONDITIONS, rng)
                    free_from[article.pk] = back
                elif loan.due_on < today:
                    # Only one overdue loan in the demo: this one came back on its due date.
                    loan.returned_at = _moment(
                        loan.due_on, calendar.intervals(loan.due_on) or [(time(12), time(13))], rng
                    )
                    loan.condition = Condition.GOOD
                    free_from[article.pk] = loan.returned_at
                else:
                    free_from[article.pk] = datetime.max.replace(tzinfo=out_at.tzinfo)
                loans.append(loan)
    overdue_borrower = borrowers[0]
    loans.append(
        _Loan(
            article=overdue_article,
            borrower=overdue_borrower,
            out_at=_moment(overdue_day, calendar.intervals(overdue_day), rng),
            due_on=due(overdue_day),
            visit_id=uuid.UUID(int=rng.getrandbits(128), version=4),
        )
    )
    return loans


def _return_moment(
    day: date, calendar: _Calendar, today: date, rng: random.Random
) -> datetime | None:
    """When a loan from ``day`` comes back: the first open day after the days kept."""
    back = day + timedelta(days=rng.choice(list(_weighted(_KEEP_DAYS, rng))))
    for _search in range(14):
        if back >= today:
            return None
        intervals = calendar.intervals(back)
        if intervals:
            return _moment(back, intervals, rng)
        back += timedelta(days=1)
    return None


def _write(
    bank: Bank,
    articles: list[Article],
    borrowers: list[Borrower],
    loans: list[_Loan],
    registered: dict[int, date],
    statuses: dict[str, int],
    rng: random.Random,
) -> None:
    pseudonyms = {b.pk: lending_services.borrower_pseudonym(b) for b in borrowers}
    Loan.objects.bulk_create(
        Loan(
            article=loan.article,
            borrower=loan.borrower,
            borrower_pseudonym=pseudonyms[loan.borrower.pk],
            bank=bank,
            out_at=loan.out_at,
            out_on=timezone.localdate(loan.out_at),
            due_on=loan.due_on,
            returned_at=loan.returned_at,
            condition_on_return=loan.condition,
            visit_id=loan.visit_id,
        )
        for loan in loans
    )
    for article in articles:
        # Registered before the desk opens that day, so before any loan of it.
        Article.objects.filter(pk=article.pk).update(
            created_at=timezone.make_aware(datetime.combine(registered[article.pk], time(8)))
        )
    out = {loan.article.pk for loan in loans if loan.returned_at is None}
    Article.objects.filter(pk__in=out).update(status=ArticleStatus.ON_LOAN)
    # Repair, retired and missing among the articles at the bank now, those last returned
    # broken first for repair.
    last_condition = {loan.article.pk: loan.condition for loan in loans if loan.returned_at}
    at_bank = [article for article in articles if article.pk not in out]
    at_bank.sort(key=lambda a: last_condition.get(a.pk) != Condition.BROKEN)
    repair, rest = at_bank[: statuses["in_repair"]], at_bank[statuses["in_repair"] :]
    Article.objects.filter(pk__in=[a.pk for a in repair]).update(status=ArticleStatus.IN_REPAIR)
    rest = rng.sample(rest, statuses["retired"] + statuses["missing"])
    Article.objects.filter(pk__in=[a.pk for a in rest[: statuses["retired"]]]).update(
        status=ArticleStatus.RETIRED
    )
    Article.objects.filter(pk__in=[a.pk for a in rest[statuses["retired"] :]]).update(
        status=ArticleStatus.MISSING
    )
    for borrower in borrowers:
        theirs = [loan for loan in loans if loan.borrower is borrower]
        if not theirs:
            continue
        moments = [loan.returned_at or loan.out_at for loan in theirs]
        Borrower.objects.filter(pk=borrower.pk).update(
            created_at=min(loan.out_at for loan in theirs), last_activity_at=max(moments)
        )
