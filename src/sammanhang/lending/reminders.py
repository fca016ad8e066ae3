"""Reminders by SMS before a loan is due and when it is overdue, and the SMS that a
reservation waits to be picked up.

Run by the periodic job ``lending_reminders`` (hourly). Rules:

- "Due soon" once per due date, from the bank's ``reminder_days`` before it (a renewal gives
  a new due date and so one new reminder).
- "Overdue" the day after the due date, then every ``overdue_repeat_days``, at most
  ``overdue_reminders_max`` times. Never a fee, never blame: Fritidsbanken is free.
- One message per borrower per run, listing all their loans at that bank that need one.
- Only between 09:00 and 19:00 local time; a run outside sends nothing and the next run in
  the day window catches up.
- Nothing for returned loans or purged borrowers.

Each reminder is recorded before the message is sent (the message goes on commit). Two runs
that overlap both try to record the same (loan, kind, sequence); the database refuses the
second, which then sends nothing. A message lost by the provider after commit is not resent:
too few reminders is kinder than too many.

A reservation offered an article (``services.hold_offer_next``) is told once by SMS, in the
same day window: right after the offer is committed, or by the hourly job
``lending_hold_notices`` for offers made outside the window. ``Hold.notified_at`` is claimed
by a conditional UPDATE (``... WHERE notified_at IS NULL``) in the transaction that sends the
message on commit: of two runs at once, the database lets one update the row and the other
sees zero rows and sends nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import dateformat, timezone, translation
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from sammanhang.core.messaging import sms_send
from sammanhang.lending.models import (
    Bank,
    Borrower,
    Hold,
    HoldStatus,
    Loan,
    Reminder,
    ReminderKind,
)

# The day window for messages, in local time.
SEND_FROM = time(9)
SEND_UNTIL = time(19)


@dataclass(frozen=True)
class _Due:
    loan: Loan
    kind: str
    sequence: int


def _due_reminders(bank: Bank, today: date) -> dict[int, list[_Due]]:
    """The reminders each borrower (by id) is owed today at ``bank``."""
    loans = (
        Loan.objects.filter(
            bank=bank,
            returned_at__isnull=True,
            borrower__isnull=False,
            due_on__lte=today + timedelta(days=bank.reminder_days),
        )
        .select_related("article__type")
        .prefetch_related("reminders")
        .order_by("due_on", "article__code")
    )
    owed: dict[int, list[_Due]] = defaultdict(list)
    for loan in loans:
        sent = list(loan.reminders.all())
        if loan.due_on >= today:
            if not any(
                r.kind == ReminderKind.DUE_SOON and r.sequence == loan.renewed_count for r in sent
            ):
                owed[loan.borrower_id].append(_Due(loan, ReminderKind.DUE_SOON, loan.renewed_count))  # type: ignore[index]
            continue
        overdue = [r for r in sent if r.kind == ReminderKind.OVERDUE]
        if len(overdue) >= bank.overdue_reminders_max:
            continue
        if overdue:
            last = max(timezone.localdate(r.sent_at) for r in overdue)
            if (today - last).days < bank.overdue_repeat_days:
                continue
        owed[loan.borrower_id].append(_Due(loan, ReminderKind.OVERDUE, len(overdue) + 1))  # type: ignore[index]
    return owed


def _items_by_date(dues: list[_Due]) -> list[tuple[date, str]]:
    names: dict[date, list[str]] = defaultdict(list)
    for due in dues:
        names[due.loan.due_on].append(due.loan.article.type.name)
    return [(day, get_text_list(items, _("and"))) for day, items in sorted(names.items())]


def reminder_text(*, bank: Bank, borrower: Borrower, dues: list[_Due], today: date) -> str:
    """The message, short and kind: what, by when, no fees, whom to call."""
    parts = [_("Hi %(name)s! A reminder from %(bank)s:") % {"name": borrower.name, "bank": bank}]
    for kind, template in (
        (ReminderKind.OVERDUE, _("%(items)s should have been returned on %(date)s.")),
        (ReminderKind.DUE_SOON, _("%(items)s should be returned by %(date)s at the latest.")),
    ):
        for day, items in _items_by_date([d for d in dues if d.kind == kind]):
            parts.append(
                template
                % {"items": items[:1].upper() + items[1:], "date": dateformat.format(day, "l j F")}
            )
    if any(d.kind == ReminderKind.OVERDUE for d in dues):
        parts.append(_("Bring them back when you can."))
    parts.append(_("No fees."))
    phone = bank.organisation.phone
    if phone:
        parts.append(_("Questions? Call %(phone)s.") % {"phone": phone})
    return " ".join(parts)


def reminders_send(*, now: datetime) -> int:
    """Send the reminders owed at ``now``; returns how many messages were sent."""
    local = timezone.localtime(now)
    if not SEND_FROM <= local.time() < SEND_UNTIL:
        return 0
    today = local.date()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for bank in Bank.objects.select_related("organisation", "place").order_by("pk"):
            owed = _due_reminders(bank, today)
            borrowers = Borrower.objects.in_bulk(list(owed))
            for borrower_id, dues in owed.items():
                borrower = borrowers.get(borrower_id)
                if borrower is None:  # purged meanwhile
                    continue
                if _record_and_send(bank=bank, borrower=borrower, dues=dues, now=now, today=today):
                    sent += 1
    return sent


def _record_and_send(
    *, bank: Bank, borrower: Borrower, dues: list[_Due], now: datetime, today: date
) -> bool:
    text = reminder_text(bank=bank, borrower=borrower, dues=dues, today=today)
    mobile = borrower.mobile
    try:
        with transaction.atomic():
            Reminder.objects.bulk_create(
                [Reminder(loan=d.loan, kind=d.kind, sequence=d.sequence, sent_at=now) for d in dues]
            )
            transaction.on_commit(lambda: sms_send(to=mobile, text=text))
    except IntegrityError:
        # Another run recorded (and so sends) at least one of these; this run stays quiet.
        return False
    return True


def in_day_window(now: datetime) -> bool:
    """Whether messages may be sent at ``now`` (09:00 to 19:00 local time)."""
    return SEND_FROM <= timezone.localtime(now).time() < SEND_UNTIL


def hold_offer_text(*, hold: Hold) -> str:
    """The message that the reserved article waits: what, where, until when, no fees."""
    bank = hold.bank
    item = hold.type.name
    if hold.size:
        item = _("%(item)s in size %(size)s") % {"item": item, "size": hold.size}
    parts = [
        _(
            "Hi %(name)s! Your reservation of %(item)s is ready to pick up at %(bank)s "
            "by %(date)s at the latest."
        )
        % {
            "name": hold.borrower.name,
            "item": item,
            "bank": bank,
            "date": dateformat.format(hold.offered_until, "l j F") if hold.offered_until else "",
        }
    ]
    parts.append(_("No fees."))
    phone = bank.organisation.phone
    if phone:
        parts.append(_("Can't come, or no longer need it? Call %(phone)s.") % {"phone": phone})
    return " ".join(parts)


def hold_offers_notify(*, now: datetime, hold_ids: list[int] | None = None) -> int:
    """Tell each borrower whose reservation was offered and not yet told; returns how many
    messages were sent. Outside the day window nothing is sent (the next run catches up);
    ``hold_ids`` limits the run to those holds (a fresh offer)."""
    if not in_day_window(now):
        return 0
    holds = (
        Hold.objects.filter(
            status=HoldStatus.OFFERED,
            notified_at__isnull=True,
            offered_until__gte=timezone.localdate(now),
        )
        .select_related("bank__organisation", "borrower", "type")
        .order_by("pk")
    )
    if hold_ids is not None:
        holds = holds.filter(pk__in=hold_ids)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for hold in holds:
            if _claim_and_send(hold=hold, now=now):
                sent += 1
    return sent


def _claim_and_send(*, hold: Hold, now: datetime) -> bool:
    text = hold_offer_text(hold=hold)
    mobile = hold.borrower.mobile
    with transaction.atomic():
        claimed = Hold.objects.filter(
            pk=hold.pk, status=HoldStatus.OFFERED, notified_at__isnull=True
        ).update(notified_at=now)
        if not claimed:
            # Told already by another run, or no longer offered: stay quiet.
            return False
        # Robust: a provider failing for one borrower is logged; the others are still told,
        # and a desk whose return made the offer gets no error page. The lost message is not
        # resent (the claim stands): too few messages is kinder than too many.
        transaction.on_commit(lambda: sms_send(to=mobile, text=text), robust=True)
    return True
