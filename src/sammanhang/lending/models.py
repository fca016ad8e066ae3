"""Fritidsbanken lending: banks, articles, borrowers, loans and holds.

The scarce things are guarded by the database, not by checks in Python: one open loan per
article (``loan_one_open_per_article``), one waiting hold per queue position
(``hold_position_unique_while_waiting``), and check constraints on statuses and dates.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Place, Term


class Bank(models.Model):
    """A Fritidsbank: an organisation with a place (whose opening hours set due dates)."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="lending_bank",
    )
    place = models.ForeignKey(
        Place, verbose_name=_("place"), on_delete=models.PROTECT, related_name="lending_banks"
    )
    loan_days = models.PositiveSmallIntegerField(_("loan days"), default=14)
    max_items = models.PositiveSmallIntegerField(_("most items per borrower"), default=5)
    reminder_days = models.PositiveSmallIntegerField(_("reminder days before due"), default=2)
    overdue_repeat_days = models.PositiveSmallIntegerField(
        _("days between reminders when overdue"), default=7
    )
    overdue_reminders_max = models.PositiveSmallIntegerField(
        _("most reminders when overdue"), default=3
    )
    borrower_retention_months = models.PositiveSmallIntegerField(
        _("months to keep a borrower after the last return"), default=12
    )
    # Shown on the bank's public page; empty means the page's general paragraph.
    donation_info = models.TextField(
        _("how to donate"),
        blank=True,
        help_text=_("What the bank takes and how to hand it in. Leave empty for the general text."),
    )

    class Meta:
        verbose_name = _("lending bank")
        verbose_name_plural = _("lending banks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(loan_days__gte=1), name="bank_loan_days_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_items__gte=1), name="bank_max_items_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(borrower_retention_months__gte=1),
                name="bank_retention_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(overdue_repeat_days__gte=1),
                name="bank_overdue_repeat_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.organisation.name


class Branch(models.Model):
    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="branches"
    )
    name = models.CharField(_("name"), max_length=200)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="branch_name_unique_per_bank")
        ]

    def __str__(self) -> str:
        return self.name


class ArticleType(models.Model):
    """A kind of article (\"Skridskor, hockey\") under a term of the equipment taxonomy."""

    category = models.ForeignKey(
        Term,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        limit_choices_to={"taxonomy": "sammanhang-utrustning"},
        related_name="lending_article_types",
    )
    name = models.CharField(_("name"), max_length=200)
    needs_guardian_consent = models.BooleanField(
        _("minors need a guardian's consent"), default=False
    )
    check_out_prompt = models.CharField(
        _("reminder shown at check-out"),
        max_length=300,
        blank=True,
        help_text=_("For example: adjust the binding to the boots."),
    )

    class Meta:
        verbose_name = _("article type")
        verbose_name_plural = _("article types")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"], name="article_type_name_unique_per_category"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    IN_REPAIR = "in_repair", _("In repair")
    RETIRED = "retired", _("Retired")
    MISSING = "missing", _("Missing")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    WORN = "worn", _("Worn")
    BROKEN = "broken", _("Broken")


class Article(models.Model):
    Status = ArticleStatus

    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="articles"
    )
    type = models.ForeignKey(ArticleType, verbose_name=_("article type"), on_delete=models.PROTECT)
    size = models.CharField(_("size"), max_length=40, blank=True)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    # The ID number on the label; what the desk scans.
    code = models.CharField(_("ID number"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.AVAILABLE
    )
    # Anonymous unless the donor asks to be named.
    donor = models.CharField(_("donor"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    # When ``status`` last changed (set by every service that changes it); statistics count
    # articles retired in a period by it. Empty: unchanged since registration.
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="article_code_unique_per_bank"),
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(condition__in=Condition.values),
                name="article_condition_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["bank", "type", "size", "status"]),
            # Statistics: articles registered, and retired, in a period (per bank or all).
            models.Index(fields=["bank", "created_at"], name="article_bank_created"),
            models.Index(fields=["created_at"], name="article_created"),
            models.Index(
                fields=["status_changed_at"],
                condition=models.Q(status="retired"),
                name="article_retired_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.type}"


class ArticlePhoto(models.Model):
    """A picture of one article, taken at the desk, with a text alternative that says what it
    shows. Photos are of things, never of people (see docs/lending.md, Photos)."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("picture"), upload_to="artiklar/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(_("text alternative"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo of an article")
        verbose_name_plural = _("photos of articles")
        ordering = ["position", "pk"]
        constraints = [
            # A picture without a text alternative shuts out people who use screen readers.
            models.CheckConstraint(condition=~models.Q(alt_text=""), name="article_photo_alt_set"),
        ]

    def __str__(self) -> str:
        return self.alt_text


class Borrower(models.Model):
    """Only a name and a mobile number: Fritidsbanken asks for nothing else, ever."""

    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="borrowers"
    )
    name = models.CharField(_("name"), max_length=200)
    # E.164, normalised by the service, so the same phone is one borrower.
    mobile = models.CharField(_("mobile number"), max_length=16)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"))

    class Meta:
        verbose_name = _("borrower")
        verbose_name_plural = _("borrowers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "mobile"], name="borrower_mobile_unique_per_bank"
            ),
            models.CheckConstraint(
                # The service normalises to E.164; the database keeps the shape checkable
                # without REGEXP, which SQLite lacks outside Django's connections.
                condition=models.Q(mobile__startswith="+") & ~models.Q(mobile__contains=" "),
                name="borrower_mobile_e164",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Loan(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="loans"
    )
    # Null once the borrower is purged; ``borrower_pseudonym`` keeps unique-borrower counts.
    borrower = models.ForeignKey(
        Borrower,
        verbose_name=_("borrower"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="loans",
    )
    borrower_pseudonym = models.CharField(_("borrower pseudonym"), max_length=64)
    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.PROTECT, related_name="loans"
    )
    out_at = models.DateTimeField(_("lent at"))
    # The local date of ``out_at``, stored so the database can compare it with ``due_on``
    # without time-zone arithmetic, and so statistics per day need no conversion.
    out_on = models.DateField(_("lent on"))
    due_on = models.DateField(_("due on"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    renewed_count = models.PositiveSmallIntegerField(_("times renewed"), default=0)
    condition_on_return = models.CharField(
        _("condition on return"), max_length=10, choices=Condition.choices, blank=True
    )
    # Groups the loans of one desk visit (statistics count visits; undo stays in a visit).
    visit_id = models.UUIDField(_("visit"))
    override_reason = models.CharField(
        _("reason for exceeding the limit"), max_length=300, blank=True
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("limit exceeded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-out_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["article"],
                condition=models.Q(returned_at__isnull=True),
                name="loan_one_open_per_article",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("out_on")),
                name="loan_due_not_before_out",
            ),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True)
                | models.Q(returned_at__gte=models.F("out_at")),
                name="loan_returned_not_before_out",
            ),
            models.CheckConstraint(
                condition=models.Q(condition_on_return="")
                | models.Q(condition_on_return__in=Condition.values),
                name="loan_condition_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["borrower", "returned_at"]),
            models.Index(fields=["bank", "out_at"]),
            # Statistics count loans lent in a period by their local date, for one bank or
            # for all (national); without these each figure read the whole history.
            models.Index(fields=["bank", "out_on"], name="loan_bank_out_on"),
            models.Index(fields=["out_on"], name="loan_out_on"),
            # The reminder run reads a bank's open loans due soon or overdue. Partial, so it
            # holds what is out now, not the whole history (a million loans in the benchmark).
            models.Index(
                fields=["bank", "due_on"],
                condition=models.Q(returned_at__isnull=True),
                name="loan_open_by_bank_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article} ({self.out_at:%Y-%m-%d})"


class HoldStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Offered")
    FULFILLED = "fulfilled", _("Fulfilled")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class Hold(models.Model):
    """A borrower waiting for an article type in a size (\"skates, 38\"), in queue order."""

    Status = HoldStatus

    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="holds"
    )
    type = models.ForeignKey(ArticleType, verbose_name=_("article type"), on_delete=models.PROTECT)
    size = models.CharField(_("size"), max_length=40, blank=True)
    borrower = models.ForeignKey(
        Borrower, verbose_name=_("borrower"), on_delete=models.CASCADE, related_name="holds"
    )
    position = models.PositiveIntegerField(_("queue position"))
    created_at = models.DateTimeField(_("placed at"))
    offered_article = models.ForeignKey(
        Article,
        verbose_name=_("article offered"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    offered_until = models.DateField(_("offered until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # When the borrower was told by SMS that the offered article waits for them; empty while
    # not yet told (an offer made at night is told in the morning). Claimed by a conditional
    # UPDATE, so two runs cannot both send.
    notified_at = models.DateTimeField(_("borrower told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["bank", "type", "size", "position"],
                condition=models.Q(status="waiting"),
                name="hold_position_unique_while_waiting",
            ),
            models.UniqueConstraint(
                fields=["bank", "type", "size", "borrower"],
                condition=models.Q(status__in=["waiting", "offered"]),
                name="hold_one_active_per_borrower",
            ),
            # One offered hold per article: an article returned once is promised once.
            models.UniqueConstraint(
                fields=["offered_article"],
                condition=models.Q(status="offered"),
                name="hold_one_offer_per_article",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=HoldStatus.values), name="hold_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="offered")
                | models.Q(offered_article__isnull=False, offered_until__isnull=False),
                name="hold_offer_has_article_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.size} #{self.position}"


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Reminder(models.Model):
    """That a reminder about a loan was sent: no text, name or number, only the fact.

    ``sequence`` is the loan's renewal count for "due soon" (one reminder per due date) and
    1, 2, 3 … for "overdue". The unique constraint is what makes a second message impossible
    when two runs overlap: the run that records second fails and sends nothing.
    """

    Kind = ReminderKind

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    sent_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "kind", "sequence"], name="reminder_once_per_loan_kind_sequence"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.sequence} ({self.sent_at:%Y-%m-%d})"


class VisitorCount(models.Model):
    """How many visitors came to a bank on a day: the desk's anonymous "+1" counter.

    Only a number per bank and day — nothing about who came. The unique constraint makes the
    row for a day one row, so two desks counting at once add to the same number
    (``services.visitor_count_add`` increments it in the database with an ``F()`` update).
    """

    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="visitor_counts"
    )
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("visitors"), default=0)

    class Meta:
        verbose_name = _("visitor count")
        verbose_name_plural = _("visitor counts")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "day"], name="visitor_count_one_per_bank_day"),
            models.CheckConstraint(
                condition=models.Q(count__gte=0), name="visitor_count_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class DonationSortedOut(models.Model):
    """How many donated things a bank turned away on a day: broken, incomplete or unsafe.

    Statistics count donations *received* (registered articles plus these), *registered* and
    *scrapped* (these plus articles retired later). Only a number per bank and day; like
    ``VisitorCount`` the day's row is one row and the desk adds to it with an ``F()`` update.
    """

    bank = models.ForeignKey(
        Bank, verbose_name=_("bank"), on_delete=models.CASCADE, related_name="donations_sorted_out"
    )
    day = models.DateField(_("day"))
    items = models.PositiveIntegerField(_("things sorted out"), default=0)

    class Meta:
        verbose_name = _("donated things sorted out")
        verbose_name_plural = _("donated things sorted out")
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "day"], name="sorted_out_one_per_bank_day"),
            models.CheckConstraint(
                condition=models.Q(items__gte=0), name="sorted_out_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.items}"
