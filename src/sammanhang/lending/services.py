"""Writes for Fritidsbanken lending: borrowers, check-out, return, renewal, undo and holds.

Invariants and what guards them:

- One open loan per article: the partial unique constraint ``loan_one_open_per_article``.
  ``loan_check_out`` also locks the article row (``select_for_update``, a no-op on SQLite,
  whose IMMEDIATE transactions serialise writers anyway) so a second desk waits and then sees
  the article as lent; if the constraint still fires, the ``IntegrityError`` becomes the same
  clear :class:`LendingError`.
- A borrower's item limit: the borrower row is locked before their open loans are counted,
  so two desks lending to one borrower cannot both pass the count. Locks are always taken in
  the order borrower, article, holds, so two transactions cannot deadlock.
- A hold queue position is unique among waiting holds (``hold_position_unique_while_waiting``);
  an article is offered to one hold at a time (``hold_one_offer_per_article``).
- The SMS telling a borrower that their reservation waits is sent once: ``hold_offer_next``
  clears ``Hold.notified_at`` and asks for the message on commit; ``reminders.hold_offers_notify``
  claims the hold with a conditional UPDATE before sending (see there).
- Visitors are counted once per press, even from two desks at once: the database increments
  (``F("count") + 1``) the day's one row (``visitor_count_one_per_bank_day``), never below
  zero (``visitor_count_not_negative``).
- Every change of an article's status also sets ``status_changed_at`` (statistics count
  articles retired in a period by it).
- An article photo always has a text alternative (``article_photo_alt_set``) and is stored
  only as the copy ``core.images.image_clean`` made, without EXIF or GPS metadata.
- One bank per organisation: the one-to-one ``Bank.organisation`` (a second ``bank_create``
  at the same moment meets its unique index and gets the same refusal). A bank's place and its
  branches' places are the organisation's own; its settings stay within
  ``BANK_SETTING_BOUNDS`` (the check constraints ``bank_*_positive`` guard the lower ends).

Every function runs in one transaction and raises :class:`LendingError` with a message for
the desk (translated) when a rule says no.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass, fields
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.core.images import image_clean, photo_delete, photo_store_last
from sammanhang.core.services import audit_record
from sammanhang.directory.models import OpeningHours, Place, PlaceClosure, Term
from sammanhang.lending.models import (
    Article,
    ArticlePhoto,
    ArticleStatus,
    ArticleType,
    Bank,
    Borrower,
    Branch,
    Condition,
    DonationSortedOut,
    Hold,
    HoldStatus,
    Loan,
    VisitorCount,
)
from sammanhang.lending.reminders import hold_offers_notify

Actor = AbstractBaseUser | AnonymousUser | None

# A mistaken scan can be undone within the same visit for this long.
UNDO_WINDOW = timedelta(minutes=15)
# How long a returned article is kept for the borrower at the front of the queue.
HOLD_PICKUP_DAYS = 7
# Never search further than this for an open day (a bank closed for a season has no hours).
_OPEN_DAY_SEARCH_LIMIT = 60


class LendingError(Exception):
    """A lending rule said no; ``message`` is for the desk, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class HoldAlreadyPlaced(LendingError):
    """The borrower already waits for (or has been offered) this type and size."""


class SettingsError(LendingError):
    """A bank's or branch's settings were refused; ``errors`` maps each field to its message.

    Every field is checked before refusing, so a form can show all its errors at once.
    """

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(next(iter(errors.values())))
        self.errors = errors


def mobile_normalise(raw: str) -> str:
    """The number in E.164 (``+46701234567``); Swedish numbers may be written ``070-123 45 67``.

    Raises ``LendingError`` when the text is not a phone number.
    """
    digits = re.sub(r"[\s\-().]", "", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    if not re.fullmatch(r"\+[1-9][0-9]{6,14}", digits):
        raise LendingError(_("Enter a mobile number, for example 070-123 45 67."))
    return digits


def borrower_pseudonym(borrower: Borrower) -> str:
    """A keyed hash that stands for the borrower in the loan history after they are purged.

    Keyed with the site's secret so the number cannot be recovered by hashing every phone
    number; the same borrower always gets the same pseudonym, so unique-borrower counts hold.
    """
    key = f"sammanhang.lending.borrower:{settings.SECRET_KEY}".encode()
    message = f"{borrower.bank_id}:{borrower.mobile}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def loan_due_date(*, bank: Bank, start: date) -> date:
    """The bank's first open day at or after ``start`` plus the bank's loan days.

    Open means a weekday in the place's opening hours (within their valid period) that is not
    a closed day. With no opening hours recorded, plainly ``start`` plus the loan days; with
    no open day in the next 60 days either.
    """
    due = start + timedelta(days=bank.loan_days)
    # Two queries whatever the number of days searched: the desk does this for every scan.
    hours = list(
        OpeningHours.objects.filter(place_id=bank.place_id).values_list(
            "weekday", "valid_from", "valid_to"
        )
    )
    if not hours:
        return due
    last = due + timedelta(days=_OPEN_DAY_SEARCH_LIMIT - 1)
    closed = set(
        PlaceClosure.objects.filter(
            place_id=bank.place_id, date__gte=due, date__lte=last
        ).values_list("date", flat=True)
    )
    for offset in range(_OPEN_DAY_SEARCH_LIMIT):
        day = due + timedelta(days=offset)
        if day in closed:
            continue
        for weekday, valid_from, valid_to in hours:
            if (
                weekday == day.isoweekday()
                and (valid_from is None or valid_from <= day)
                and (valid_to is None or valid_to >= day)
            ):
                return day
    return due


@transaction.atomic
def borrower_find_or_register(*, bank: Bank, mobile: str, name: str = "") -> Borrower:
    """The bank's borrower with this mobile number, registered with ``name`` if new.

    Raises ``LendingError`` for a number that is not a phone number, or for a new number
    without a name.
    """
    number = mobile_normalise(mobile)
    borrower = Borrower.objects.filter(bank=bank, mobile=number).first()
    if borrower is not None:
        return borrower
    name = name.strip()
    if not name:
        raise LendingError(_("No borrower has this number yet. Enter a name to register them."))
    try:
        with transaction.atomic():
            return Borrower.objects.create(
                bank=bank, mobile=number, name=name, last_activity_at=clock.now()
            )
    except IntegrityError:
        # Another desk registered the same number a moment ago: that is the borrower.
        return Borrower.objects.get(bank=bank, mobile=number)


def _article_unavailable_message(article: Article) -> str:
    if article.status == ArticleStatus.ON_LOAN:
        return _("Article %(code)s is already on loan. Return it before lending it again.") % {
            "code": article.code
        }
    if article.status == ArticleStatus.IN_REPAIR:
        return _("Article %(code)s is in repair and cannot be lent.") % {"code": article.code}
    if article.status == ArticleStatus.MISSING:
        return _("Article %(code)s is marked as missing. Return it first.") % {"code": article.code}
    return _("Article %(code)s is retired and cannot be lent.") % {"code": article.code}


def _lock_article(*, bank: Bank, code: str) -> Article:
    article = Article.objects.select_for_update().filter(bank=bank, code=code.strip()).first()
    if article is None:
        raise LendingError(_("No article has the ID number %(code)s.") % {"code": code.strip()})
    return article


@transaction.atomic
def loan_check_out(
    *,
    actor: Actor,
    bank: Bank,
    borrower: Borrower,
    code: str,
    visit_id: uuid.UUID,
    override_reason: str = "",
) -> Loan:
    """Lend the article with ID number ``code`` to ``borrower``, due on the bank's next open day
    at or after the loan days.

    Refused with ``LendingError`` when the article is unknown, not available, offered to
    another borrower's hold, or when the borrower already has the bank's most items on loan
    (staff may go over the limit with ``override_reason``, which is audited).
    """
    now = clock.now()
    if borrower.bank_id != bank.pk:
        raise LendingError(_("This borrower is registered at another bank."))
    # Fixed lock order: borrower, then article.
    borrower = Borrower.objects.select_for_update().get(pk=borrower.pk)
    article = _lock_article(bank=bank, code=code)
    if article.status != ArticleStatus.AVAILABLE:
        raise LendingError(_article_unavailable_message(article))
    offered = Hold.objects.filter(offered_article=article, status=HoldStatus.OFFERED).first()
    if offered is not None and offered.borrower_id != borrower.pk:
        raise LendingError(
            _("Article %(code)s is kept for another borrower who reserved it.")
            % {"code": article.code}
        )
    open_count = Loan.objects.filter(borrower=borrower, returned_at__isnull=True).count()
    override_reason = override_reason.strip()
    over_limit = open_count >= bank.max_items
    if over_limit and not override_reason:
        raise LendingError(
            _(
                "%(name)s already has %(count)d items on loan and the limit is %(limit)d. "
                "Staff may lend more by giving a reason."
            )
            % {"name": borrower.name, "count": open_count, "limit": bank.max_items}
        )
    override_by = actor if over_limit and actor is not None and actor.is_authenticated else None
    try:
        with transaction.atomic():
            loan = Loan.objects.create(
                article=article,
                borrower=borrower,
                borrower_pseudonym=borrower_pseudonym(borrower),
                bank=bank,
                out_at=now,
                out_on=now.date(),
                due_on=loan_due_date(bank=bank, start=now.date()),
                visit_id=visit_id,
                override_reason=override_reason if over_limit else "",
                override_by=override_by,  # type: ignore[misc]
            )
    except IntegrityError:
        # The constraint fired: another desk lent the article between our lock and insert
        # (possible only where row locks are not taken).
        raise LendingError(
            _("Article %(code)s is already on loan. Return it before lending it again.")
            % {"code": article.code}
        ) from None
    article.status = ArticleStatus.ON_LOAN
    article.status_changed_at = now
    article.save(update_fields=["status", "status_changed_at"])
    borrower.last_activity_at = now
    borrower.save(update_fields=["last_activity_at"])
    if offered is not None:
        offered.status = HoldStatus.FULFILLED
        offered.save(update_fields=["status"])
    if over_limit:
        audit_record(
            actor=actor,
            action="loan.limit_overridden",
            target=loan,
            organisation_id=bank.organisation_id,
            changed_fields=["override_reason"],
        )
    return loan


@transaction.atomic
def loan_return(
    *,
    bank: Bank,
    code: str,
    condition: str = Condition.GOOD,
    to_repair: bool = False,
) -> Loan:
    """Return the article with ID number ``code``; it goes to repair when ``to_repair``,
    otherwise it is available again and offered to the first waiting hold.

    Raises ``LendingError`` when the article is unknown or not on loan.
    """
    now = clock.now()
    if condition not in Condition.values:
        raise LendingError(_("Choose the article's condition."))
    article = _lock_article(bank=bank, code=code)
    loan = (
        Loan.objects.select_for_update(of=("self",))
        .filter(article=article, returned_at__isnull=True)
        .select_related("borrower")
        .first()
    )
    if loan is None:
        raise LendingError(_("Article %(code)s is not on loan.") % {"code": article.code})
    loan.returned_at = now
    loan.condition_on_return = condition
    loan.save(update_fields=["returned_at", "condition_on_return"])
    article.condition = condition
    article.status = ArticleStatus.IN_REPAIR if to_repair else ArticleStatus.AVAILABLE
    article.status_changed_at = now
    article.save(update_fields=["condition", "status", "status_changed_at"])
    if loan.borrower is not None:
        loan.borrower.last_activity_at = now
        loan.borrower.save(update_fields=["last_activity_at"])
    if not to_repair:
        hold_offer_next(article=article)
    return loan


@transaction.atomic
def loan_renew(*, bank: Bank, code: str) -> Loan:
    """Lend the article again from today: a new due date by the same rule as a check-out.

    Refused with ``LendingError`` when the article is not on loan or someone is waiting for
    its type and size (they should get it).
    """
    today = clock.today()
    article = _lock_article(bank=bank, code=code)
    loan = (
        Loan.objects.select_for_update().filter(article=article, returned_at__isnull=True).first()
    )
    if loan is None:
        raise LendingError(_("Article %(code)s is not on loan.") % {"code": article.code})
    waiting = Hold.objects.filter(
        bank=bank, type_id=article.type_id, size=article.size, status=HoldStatus.WAITING
    ).exists()
    if waiting:
        raise LendingError(
            _(
                "Someone has reserved this kind of article, so it cannot be renewed. "
                "Please return it."
            )
        )
    loan.due_on = max(loan.due_on, loan_due_date(bank=bank, start=today))
    loan.renewed_count += 1
    loan.save(update_fields=["due_on", "renewed_count"])
    return loan


@transaction.atomic
def loan_undo(*, actor: Actor, loan: Loan, visit_id: uuid.UUID) -> None:
    """Take back a mistaken scan: the loan is deleted and the article is available again.

    Only in the same visit and within 15 minutes; otherwise ``LendingError`` (return the
    article instead, so the history stays true).
    """
    now = clock.now()
    loan = Loan.objects.select_for_update(of=("self",)).select_related("bank").get(pk=loan.pk)
    if loan.returned_at is not None or loan.visit_id != visit_id or now - loan.out_at > UNDO_WINDOW:
        raise LendingError(_("This loan can no longer be undone. Return the article instead."))
    audit_record(
        actor=actor,
        action="loan.undone",
        target=loan,
        organisation_id=loan.bank.organisation_id,
    )
    article = Article.objects.select_for_update().get(pk=loan.article_id)
    loan.delete()
    article.status = ArticleStatus.AVAILABLE
    article.status_changed_at = now
    article.save(update_fields=["status", "status_changed_at"])
    hold_offer_next(article=article)


@transaction.atomic
def hold_place(*, bank: Bank, borrower: Borrower, type: ArticleType, size: str = "") -> Hold:
    """Put ``borrower`` last in the queue for ``type`` in ``size``; an article of that type and
    size on the shelf and kept for nobody is offered to the queue at once.

    Raises ``LendingError`` when they already wait for it. Two holds placed at once cannot
    share a position: the unique constraint refuses one, which then takes the next.
    """
    size = size.strip()
    if borrower.bank_id != bank.pk:
        raise LendingError(_("This borrower is registered at another bank."))
    # Queue changes for one article type wait for each other, so the position read next is
    # the last one; the unique constraint (and the retry) covers SQLite and anything missed.
    ArticleType.objects.select_for_update().filter(pk=type.pk).first()
    Borrower.objects.filter(pk=borrower.pk).update(last_activity_at=clock.now())
    for _attempt in range(10):
        top = Hold.objects.filter(bank=bank, type=type, size=size).aggregate(top=Max("position"))
        try:
            with transaction.atomic():
                hold = Hold.objects.create(
                    bank=bank,
                    type=type,
                    size=size,
                    borrower=borrower,
                    position=(top["top"] or 0) + 1,
                    created_at=clock.now(),
                )
        except IntegrityError as exc:
            if (
                "hold_one_active_per_borrower" in str(exc)
                or Hold.objects.filter(
                    bank=bank,
                    type=type,
                    size=size,
                    borrower=borrower,
                    status__in=[HoldStatus.WAITING, HoldStatus.OFFERED],
                ).exists()
            ):
                raise HoldAlreadyPlaced(
                    _("%(name)s has already reserved this article type and size.")
                    % {"name": borrower.name}
                ) from None
            continue
        _hold_offer_from_shelf(bank=bank, type=type, size=size)
        hold.refresh_from_db()
        return hold
    raise LendingError(_("The queue is busy. Please try again."))


def _hold_offer_from_shelf(*, bank: Bank, type: ArticleType, size: str) -> None:
    """An article of this type and size on the shelf and kept for nobody goes to the queue
    now, rather than waiting for the next return (for example a reservation made from home
    while one is available)."""
    kept = Hold.objects.filter(status=HoldStatus.OFFERED, offered_article__isnull=False).values(
        "offered_article_id"
    )
    article = (
        Article.objects.select_for_update()
        .filter(bank=bank, type=type, size=size, status=ArticleStatus.AVAILABLE)
        .exclude(pk__in=kept)
        .order_by("code")
        .first()
    )
    if article is not None:
        hold_offer_next(article=article)


def hold_offer_next(*, article: Article, today: date | None = None) -> Hold | None:
    """Offer an available article to the first waiting hold for its type and size.

    Call inside the transaction that made the article available; returns the offered hold.
    """
    if article.status != ArticleStatus.AVAILABLE:
        return None
    if Hold.objects.filter(offered_article=article, status=HoldStatus.OFFERED).exists():
        return None
    hold = (
        Hold.objects.select_for_update()
        .filter(
            bank_id=article.bank_id,
            type_id=article.type_id,
            size=article.size,
            status=HoldStatus.WAITING,
        )
        .order_by("position")
        .first()
    )
    if hold is None:
        return None
    hold.status = HoldStatus.OFFERED
    hold.offered_article = article
    hold.offered_until = (today or clock.today()) + timedelta(days=HOLD_PICKUP_DAYS)
    # A hold offered again (after its article went to repair) is told again, once.
    hold.notified_at = None
    hold.save(update_fields=["status", "offered_article", "offered_until", "notified_at"])
    hold_id = hold.pk
    # Told after commit, so a rolled-back offer is never announced; outside the day window the
    # hourly job tells the borrower in the morning.
    # Robust: a failing SMS provider is logged and must not turn the desk's committed return
    # into an error page.
    transaction.on_commit(
        lambda: hold_offers_notify(now=clock.now(), hold_ids=[hold_id]), robust=True
    )
    return hold


@transaction.atomic
def hold_cancel(*, hold: Hold, actor: Actor = None) -> None:
    """The borrower no longer wants it; an article offered to them goes to the next in line.

    Staff cancelling (``actor`` given) is audited: the reservation is someone's, and the desk
    must be able to answer "who took my place in the queue?". Raises ``LendingError`` when the
    reservation has already ended.
    """
    # Lock order as everywhere: the article before the holds.
    offered_article_id = (
        Hold.objects.filter(pk=hold.pk).values_list("offered_article_id", flat=True).first()
    )
    article = (
        Article.objects.select_for_update().filter(pk=offered_article_id).first()
        if offered_article_id
        else None
    )
    hold = Hold.objects.select_for_update().get(pk=hold.pk)
    if hold.status not in (HoldStatus.WAITING, HoldStatus.OFFERED):
        raise LendingError(_("This reservation has already ended."))
    was_offered = hold.status == HoldStatus.OFFERED
    hold.status = HoldStatus.CANCELLED
    hold.save(update_fields=["status"])
    if actor is not None:
        audit_record(
            actor=actor,
            action="hold.cancelled",
            target=hold,
            organisation_id=hold.bank.organisation_id,
        )
    if was_offered and article is not None:
        hold_offer_next(article=article)


@transaction.atomic
def hold_expire(*, today: date | None = None) -> int:
    """Expire offers not picked up in time and pass each article to the next in line.

    Returns how many holds expired; running it twice the same day changes nothing more.
    """
    today = today or clock.today()
    due = list(
        Hold.objects.filter(status=HoldStatus.OFFERED, offered_until__lt=today)
        .order_by("offered_article_id")
        .values_list("pk", "offered_article_id")
    )
    expired = 0
    for hold_id, article_id in due:
        # Lock order as everywhere: the article before the holds; then look again, because a
        # desk may have lent the article to the holder meanwhile.
        article = Article.objects.select_for_update().get(pk=article_id)
        hold = Hold.objects.select_for_update().get(pk=hold_id)
        if hold.status != HoldStatus.OFFERED or hold.offered_until is None:
            continue
        if hold.offered_until >= today:
            continue
        hold.status = HoldStatus.EXPIRED
        hold.save(update_fields=["status"])
        expired += 1
        hold_offer_next(article=article, today=today)
    return expired


def visit_start() -> uuid.UUID:
    """A new desk visit: the loans made until the borrower leaves share this id."""
    return uuid.uuid4()


@transaction.atomic
def articles_register(
    *,
    actor: Actor,
    bank: Bank,
    type: ArticleType,
    codes: list[str],
    size: str = "",
    condition: str = Condition.GOOD,
    donor: str = "",
) -> list[Article]:
    """Register a donation: one article per scanned or typed code, all of one type and size.

    All or nothing: a code used twice in the list or already at the bank refuses the whole
    donation with ``LendingError`` naming the codes, so the desk can fix them and scan again.
    """
    cleaned = [code.strip() for code in codes if code.strip()]
    if not cleaned:
        raise LendingError(_("Scan or type at least one ID number."))
    if condition not in Condition.values:
        raise LendingError(_("Choose the article's condition."))
    repeated = sorted({code for code in cleaned if cleaned.count(code) > 1})
    taken = sorted(
        Article.objects.filter(bank=bank, code__in=cleaned).values_list("code", flat=True)
    )
    clash = sorted(set(repeated) | set(taken))
    if clash:
        raise LendingError(
            _("These ID numbers are already used: %(codes)s.") % {"codes": ", ".join(clash)}
        )
    try:
        with transaction.atomic():
            articles = [
                Article.objects.create(
                    bank=bank,
                    type=type,
                    size=size.strip(),
                    condition=condition,
                    code=code,
                    donor=donor.strip(),
                )
                for code in cleaned
            ]
    except IntegrityError:
        # Another desk registered one of the codes a moment ago.
        raise LendingError(
            _("One of the ID numbers was registered at the same moment. Scan them again.")
        ) from None
    for article in articles:
        audit_record(
            actor=actor,
            action="article.registered",
            target=article,
            organisation_id=bank.organisation_id,
        )
        # A donated pair of skates 38 goes to whoever waits for skates 38.
        hold_offer_next(article=article)
    return articles


# The statuses staff set by hand; "on loan" follows from check-out and return only.
_MANUAL_STATUSES = {
    ArticleStatus.AVAILABLE,
    ArticleStatus.IN_REPAIR,
    ArticleStatus.RETIRED,
    ArticleStatus.MISSING,
}


@transaction.atomic
def article_status_set(*, actor: Actor, article: Article, status: str) -> Article:
    """Mark an article repaired (available), in repair, retired or missing; audited.

    Refused with ``LendingError`` while it is on loan (return it first) or for "on loan",
    which only a check-out sets. An article made available is offered to the first waiting
    reservation.
    """
    article = Article.objects.select_for_update().select_related("bank").get(pk=article.pk)
    if status not in _MANUAL_STATUSES:
        raise LendingError(_("Lend the article at the desk to mark it as on loan."))
    if article.status == ArticleStatus.ON_LOAN:
        raise LendingError(
            _("Article %(code)s is on loan. Return it first.") % {"code": article.code}
        )
    if article.status == status:
        return article
    article.status = status
    # Statistics count articles retired in a period by this moment.
    article.status_changed_at = clock.now()
    article.save(update_fields=["status", "status_changed_at"])
    audit_record(
        actor=actor,
        action="article.status_changed",
        target=article,
        organisation_id=article.bank.organisation_id,
        changed_fields=["status"],
    )
    if status != ArticleStatus.AVAILABLE:
        # The article kept for a reservation cannot be lent now: the hold goes back to waiting
        # at its own position (never given to another hold), so it is still first in line.
        Hold.objects.filter(offered_article=article, status=HoldStatus.OFFERED).update(
            status=HoldStatus.WAITING, offered_article=None, offered_until=None, notified_at=None
        )
    else:
        hold_offer_next(article=article)
    return article


def article_photo_add(
    *, actor: Actor, article: Article, upload: File[bytes], alt_text: str
) -> ArticlePhoto:
    """Add a cleaned copy of ``upload`` to the article's photos, last in order; audited.

    The picture is re-encoded by ``core.images.image_clean``, which drops EXIF (a phone photo
    taken at the desk carries the GPS position of the bank) and caps its size. Raises
    ``LendingError`` without a text alternative and ``core.images.ImageRejected`` for a file
    that is too large or not a picture we publish; nothing is stored then.
    """
    alt_text = " ".join(alt_text.split())
    if not alt_text:
        raise LendingError(_("Describe what the picture shows, for people who cannot see it."))
    clean = image_clean(upload)
    photo = ArticlePhoto(article=article, alt_text=alt_text)
    photo_store_last(
        photo,
        clean=clean,
        siblings=ArticlePhoto.objects.filter(article=article),
        then=lambda: audit_record(
            actor=actor,
            action="article.photo_added",
            target=article,
            organisation_id=article.bank.organisation_id,
            changed_fields=["photos"],
        ),
    )
    return photo


def article_photo_remove(*, actor: Actor, photo: ArticlePhoto) -> None:
    """Delete the photo, and its file once the change is committed; audited."""
    article = photo.article
    photo_delete(
        photo,
        then=lambda: audit_record(
            actor=actor,
            action="article.photo_removed",
            target=article,
            organisation_id=article.bank.organisation_id,
            changed_fields=["photos"],
        ),
    )


def article_type_create(
    *,
    actor: Actor,
    bank: Bank,
    category: Term,
    name: str,
    needs_guardian_consent: bool = False,
    check_out_prompt: str = "",
) -> ArticleType:
    """A new article type under a term of the equipment taxonomy, made from the desk; audited.

    Types are shared by all banks (the national inventory counts by them), so a name already
    used in the category is refused with ``LendingError`` rather than made twice.
    """
    name = name.strip()
    if not name:
        raise LendingError(_("Give the type a name, for example Hockey skates."))
    if category.taxonomy != "sammanhang-utrustning":
        raise LendingError(_("Choose a category of equipment."))
    if ArticleType.objects.filter(category=category, name__iexact=name).exists():
        raise LendingError(
            _("There is already a type called %(name)s in this category.") % {"name": name}
        )
    try:
        with transaction.atomic():
            article_type = ArticleType.objects.create(
                category=category,
                name=name,
                needs_guardian_consent=needs_guardian_consent,
                check_out_prompt=check_out_prompt.strip(),
            )
    except IntegrityError:
        raise LendingError(
            _("There is already a type called %(name)s in this category.") % {"name": name}
        ) from None
    audit_record(
        actor=actor,
        action="article_type.created",
        target=article_type,
        organisation_id=bank.organisation_id,
    )
    return article_type


def visitor_count_add(*, bank: Bank, day: date | None = None) -> int:
    """Count one visitor at the bank today (the desk's "+1"); returns the day's new count.

    Anonymous: only the number per bank and day is stored. Two desks counting at once both
    count: the increment is an ``F()`` update done by the database, and the day's row is made
    once (``visitor_count_one_per_bank_day``) — a desk whose insert loses to the other's
    increments the row the other made instead.
    """
    day = day or clock.today()
    with transaction.atomic():
        _day_count_add(VisitorCount, "count", bank=bank, day=day, amount=1)
        return VisitorCount.objects.get(bank=bank, day=day).count


def _day_count_add(
    model: type[VisitorCount] | type[DonationSortedOut],
    field: str,
    *,
    bank: Bank,
    day: date,
    amount: int,
) -> None:
    """Add ``amount`` (> 0) to the bank's one row of ``model`` for ``day``, made if missing.

    The database adds (``F()``), so two desks at once both count; when both find no row and
    race to make it, the unique (bank, day) constraint refuses one insert, and that desk adds
    to the row the other made instead.
    """
    rows = model.objects.filter(bank=bank, day=day)
    if rows.update(**{field: F(field) + amount}):
        return
    try:
        with transaction.atomic():
            model.objects.create(bank=bank, day=day, **{field: amount})
    except IntegrityError:
        rows.update(**{field: F(field) + amount})


def visitor_count_undo(*, bank: Bank, day: date | None = None) -> int:
    """Take back one count of today's visitors (a press too many); returns the day's count.

    Never below zero: the update only touches a positive count (and
    ``visitor_count_not_negative`` guards the rest), so undoing at zero changes nothing.
    """
    day = day or clock.today()
    with transaction.atomic():
        VisitorCount.objects.filter(bank=bank, day=day, count__gt=0).update(count=F("count") - 1)
        row = VisitorCount.objects.filter(bank=bank, day=day).first()
        return row.count if row is not None else 0


# A donation is seldom more than a car boot of things; a larger number is a typing slip.
SORTED_OUT_MAX = 500


def donation_sorted_out_add(*, bank: Bank, items: int, day: date | None = None) -> int:
    """Count ``items`` donated things turned away today (broken, incomplete, unsafe); a
    negative number takes back a count typed too high. Returns the day's new number.

    Refuses 0, more than ``SORTED_OUT_MAX`` at once, and taking back more than the day has.
    Two desks at once both count: the database adds (``F()``) to the day's one row.
    """
    if items == 0 or abs(items) > SORTED_OUT_MAX:
        raise LendingError(_("Write a number from 1 to %(max)s.") % {"max": SORTED_OUT_MAX})
    day = day or clock.today()
    with transaction.atomic():
        if items > 0:
            _day_count_add(DonationSortedOut, "items", bank=bank, day=day, amount=items)
        # Taking back only touches a count at least as large, so it never goes below zero.
        elif not DonationSortedOut.objects.filter(bank=bank, day=day, items__gte=-items).update(
            items=F("items") + items
        ):
            raise LendingError(
                _("Today's count is lower than that. Take back at most what was counted today.")
            )
        return DonationSortedOut.objects.get(bank=bank, day=day).items


# --- Banks, their settings and branches ------------------------------------------------------

# The lowest and highest value of each setting. The lower ends are also check constraints;
# the upper ends keep a typing slip (140 loan days, 120 months' retention) from taking effect.
BANK_SETTING_BOUNDS: dict[str, tuple[int, int]] = {
    "loan_days": (1, 90),
    "max_items": (1, 50),
    "reminder_days": (0, 14),
    "overdue_repeat_days": (1, 60),
    "overdue_reminders_max": (0, 10),
    "borrower_retention_months": (1, 36),
}
DONATION_INFO_MAX_LENGTH = 2000
BRANCH_NAME_MAX_LENGTH = 200


@dataclass(frozen=True)
class BankSettings:
    """A bank's settings; the defaults are Fritidsbanken's rules and ``Bank``'s field defaults."""

    loan_days: int = 14
    max_items: int = 5
    reminder_days: int = 2
    overdue_repeat_days: int = 7
    overdue_reminders_max: int = 3
    borrower_retention_months: int = 12
    donation_info: str = ""

    @classmethod
    def of(cls, bank: Bank) -> BankSettings:
        return cls(**{f.name: getattr(bank, f.name) for f in fields(cls)})


def _bound_message(name: str, low: int, high: int) -> str:
    values = {"low": low, "high": high}
    if name == "loan_days":
        return _("The loan time must be from %(low)s to %(high)s days.") % values
    if name == "max_items":
        return _("The limit must be from %(low)s to %(high)s items per borrower.") % values
    if name == "reminder_days":
        return _("The reminder must come from %(low)s to %(high)s days before the due date.") % (
            values
        )
    if name == "overdue_repeat_days":
        return _(
            "The days between reminders about a late loan must be from %(low)s to %(high)s."
        ) % (values)
    if name == "overdue_reminders_max":
        return _("The number of reminders about a late loan must be from %(low)s to %(high)s.") % (
            values
        )
    return _("Borrowers must be kept from %(low)s to %(high)s months after their last return.") % (
        values
    )


def _settings_errors(
    *, organisation: Organisation, place: Place | None, bank_settings: BankSettings
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if place is None:
        errors["place"] = _("Choose the place where the bank lends.")
    elif place.owner_id != organisation.pk:
        errors["place"] = _("Choose one of the organisation's own places.")
    for name, (low, high) in BANK_SETTING_BOUNDS.items():
        value = getattr(bank_settings, name)
        if not low <= value <= high:
            errors[name] = _bound_message(name, low, high)
    if (
        "reminder_days" not in errors
        and "loan_days" not in errors
        and bank_settings.reminder_days >= bank_settings.loan_days
    ):
        # A reminder on the day of the loan itself would only confuse the borrower.
        errors["reminder_days"] = _(
            "The reminder must come after the day of the loan: choose fewer days than "
            "the loan time."
        )
    if len(bank_settings.donation_info) > DONATION_INFO_MAX_LENGTH:
        errors["donation_info"] = _(
            "Shorten the text about donations to at most %(max)s characters."
        ) % {"max": DONATION_INFO_MAX_LENGTH}
    return errors


def bank_create(
    *,
    actor: Actor,
    organisation: Organisation,
    place: Place | None,
    bank_settings: BankSettings | None = None,
) -> Bank:
    """Make the organisation a Fritidsbank lending from one of its own places; audited.

    Refused with ``LendingError`` when the organisation already is a bank, and with
    ``SettingsError`` (every field's problem) for a missing place, a place of another
    organisation or a setting outside ``BANK_SETTING_BOUNDS``.
    """
    bank_settings = bank_settings or BankSettings()
    already = _("%(name)s already lends equipment: change its settings instead.") % {
        "name": organisation.name
    }
    if Bank.objects.filter(organisation=organisation).exists():
        raise LendingError(already)
    errors = _settings_errors(organisation=organisation, place=place, bank_settings=bank_settings)
    if errors:
        raise SettingsError(errors)
    assert place is not None  # checked above; for the type checker
    try:
        with transaction.atomic():
            bank = Bank.objects.create(
                organisation=organisation,
                place=place,
                loan_days=bank_settings.loan_days,
                max_items=bank_settings.max_items,
                reminder_days=bank_settings.reminder_days,
                overdue_repeat_days=bank_settings.overdue_repeat_days,
                overdue_reminders_max=bank_settings.overdue_reminders_max,
                borrower_retention_months=bank_settings.borrower_retention_months,
                donation_info=bank_settings.donation_info.strip(),
            )
            audit_record(
                actor=actor, action="bank.created", target=bank, organisation_id=organisation.pk
            )
    except IntegrityError:
        # Another admin started the bank a moment ago: the one-to-one's unique index said no.
        raise LendingError(already) from None
    return bank


@transaction.atomic
def bank_settings_update(
    *, actor: Actor, bank: Bank, place: Place | None, bank_settings: BankSettings
) -> list[str]:
    """Change the bank's place and settings; returns the names of the fields that changed.

    Audited with those names (never the values); nothing is written when nothing changed.
    Refused with ``SettingsError`` like ``bank_create``.
    """
    bank = Bank.objects.select_for_update().select_related("organisation").get(pk=bank.pk)
    errors = _settings_errors(
        organisation=bank.organisation, place=place, bank_settings=bank_settings
    )
    if errors:
        raise SettingsError(errors)
    assert place is not None  # checked above; for the type checker
    values: dict[str, object] = {
        f.name: getattr(bank_settings, f.name) for f in fields(BankSettings)
    }
    values["donation_info"] = bank_settings.donation_info.strip()
    values["place_id"] = place.pk
    changed = [name for name, value in values.items() if getattr(bank, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(bank, name, values[name])
    bank.save(update_fields=changed)
    changed_names = sorted("place" if name == "place_id" else name for name in changed)
    audit_record(
        actor=actor,
        action="bank.settings_changed",
        target=bank,
        organisation_id=bank.organisation_id,
        changed_fields=changed_names,
    )
    return changed_names


def _branch_errors(
    *, bank: Bank, name: str, place: Place | None, branch_id: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the branch a name.")
    elif len(name) > BRANCH_NAME_MAX_LENGTH:
        errors["name"] = _("Shorten the name to at most %(max)s characters.") % {
            "max": BRANCH_NAME_MAX_LENGTH
        }
    elif Branch.objects.filter(bank=bank, name__iexact=name).exclude(pk=branch_id or 0).exists():
        errors["name"] = _("The bank already has a branch called %(name)s.") % {"name": name}
    if place is not None and place.owner_id != bank.organisation.pk:
        errors["place"] = _("Choose one of the organisation's own places.")
    return errors


def branch_add(*, actor: Actor, bank: Bank, name: str, place: Place | None = None) -> Branch:
    """A new branch of the bank, optionally at one of the organisation's places; audited.

    Refused with ``SettingsError`` for an empty or taken name (``branch_name_unique_per_bank``
    guards two admins at once) or a place of another organisation.
    """
    name = name.strip()
    errors = _branch_errors(bank=bank, name=name, place=place, branch_id=None)
    if errors:
        raise SettingsError(errors)
    try:
        with transaction.atomic():
            branch = Branch.objects.create(bank=bank, name=name, place=place)
            audit_record(
                actor=actor,
                action="branch.created",
                target=branch,
                organisation_id=bank.organisation_id,
            )
    except IntegrityError:
        raise SettingsError(
            {"name": _("The bank already has a branch called %(name)s.") % {"name": name}}
        ) from None
    return branch


def branch_update(
    *, actor: Actor, branch: Branch, name: str, place: Place | None = None
) -> list[str]:
    """Rename the branch or change its place; returns the changed field names (audited).

    Refused like ``branch_add``.
    """
    name = name.strip()
    bank = Bank.objects.select_related("organisation").get(pk=branch.bank_id)
    errors = _branch_errors(bank=bank, name=name, place=place, branch_id=branch.pk)
    if errors:
        raise SettingsError(errors)
    changed = []
    if branch.name != name:
        branch.name = name
        changed.append("name")
    if branch.place_id != (place.pk if place is not None else None):
        branch.place = place
        changed.append("place")
    if not changed:
        return []
    try:
        with transaction.atomic():
            branch.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="branch.changed",
                target=branch,
                organisation_id=bank.organisation_id,
                changed_fields=changed,
            )
    except IntegrityError:
        raise SettingsError(
            {"name": _("The bank already has a branch called %(name)s.") % {"name": name}}
        ) from None
    return changed


@transaction.atomic
def branch_remove(*, actor: Actor, branch: Branch) -> None:
    """Remove a branch; audited.

    Nothing refers to a branch (no loan, article or reservation records one; a test fails when
    a model starts to), so removing it loses nothing and is a plain delete.
    """
    audit_record(
        actor=actor,
        action="branch.removed",
        target=branch,
        organisation_id=Bank.objects.values_list("organisation_id", flat=True).get(
            pk=branch.bank_id
        ),
    )
    branch.delete()
