"""The directory: taxonomies, municipalities and districts, places, activities and schedules.

Schedules are the editable rules; ``Occurrence`` rows are materialised from them (see
``services.occurrences_rebuild``) so the finder filters on indexed dates and times.
"""

from __future__ import annotations

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sammanhang.accounts.models import Organisation


class Taxonomy(models.TextChoices):
    """The controlled vocabularies Sammanhang ships (``data/taxonomy/*.csv``)."""

    TARGET_GROUP = "sammanhang-malgrupp", _("Target group")
    CATEGORY = "sammanhang-kategori", _("Category")
    ACCESSIBILITY = "sammanhang-tillganglighet", _("Accessibility")
    EQUIPMENT = "sammanhang-utrustning", _("Equipment")


class AppliesTo(models.TextChoices):
    PLACE = "place", _("Place")
    ACTIVITY = "activity", _("Activity")
    BOTH = "both", _("Place and activity")


class Term(models.Model):
    """A term in one of the taxonomies. ``code`` is stable and is what URLs and the API use."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    taxonomy = models.CharField(_("taxonomy"), max_length=40, choices=Taxonomy.choices)
    code = models.SlugField(_("code"), max_length=60)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT
    )
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=AppliesTo.choices, blank=True
    )
    co2_kg_per_loan = models.DecimalField(
        _("estimated CO2 saved per loan (kg)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")
        ordering = ["taxonomy", "position", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "code"], name="term_code_unique_per_taxonomy"
            ),
            models.CheckConstraint(
                condition=models.Q(taxonomy__in=Taxonomy.values), name="term_taxonomy_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "sv").startswith("en") else self.name_sv


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, as Python's ``isoweekday()`` gives them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class Municipality(models.Model):
    code = models.CharField(_("municipality code"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChoicesVersion(models.Model):
    """One row whose ``token`` the database itself changes whenever a term, municipality or
    district is written (triggers, migration 0013, on every write path: forms, imports, bulk
    loads, raw SQL). Each process keeps the finder's choice lists and, with one read of this
    row, knows whether they still hold (``selectors.finder_choices``). The token is random
    rather than a counter, so a rolled-back change can never be mistaken for a later one."""

    token = models.BigIntegerField(_("token"), default=0)

    class Meta:
        verbose_name = _("choice lists version")
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="choices_one_row")]

    def __str__(self) -> str:
        return str(self.token)


class District(models.Model):
    """A district (stadsdel) as the municipality itself divides it."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="districts",
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="district_code_unique_per_municipality"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FeatureValue(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Place(models.Model):
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="places"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    how_to_get_there = models.TextField(_("how to get there"), blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(
                    latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180
                ),
                name="place_coordinates_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlaceFeature(models.Model):
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="features")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("value"), max_length=10, choices=FeatureValue.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["place", "term"], name="place_feature_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=FeatureValue.values), name="place_feature_value_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_id}: {self.term_id}={self.value}"


class OpeningHours(models.Model):
    """One weekday's opening interval, valid for a period (summer hours differ, for instance)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="opening_hours")
    # Published as the HSDS id of the place's opening-hours schedule for this row; stored so
    # it survives an export and import into another database (see docs/open-data.md).
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekday__gte=1, weekday__lte=7), name="opening_weekday_iso"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="opening_closes_after_opens",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="opening_valid_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class PlaceClosure(models.Model):
    """A day a place is closed although its opening hours say open (a holiday, say)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["place", "date"], name="place_closure_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.reason}"


class CompanionFree(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")


class Activity(models.Model):
    """A recurring series or a one-off event, offered by an organisation."""

    Status = ActivityStatus

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=400)
    summary_en = models.CharField(_("summary in English"), max_length=400, blank=True)
    description = models.TextField(_("description"), blank=True)
    easy_read = models.TextField(_("easy-read summary"), blank=True)
    places = models.ManyToManyField(
        Place, verbose_name=_("places"), blank=True, related_name="activities"
    )
    online = models.BooleanField(_("online"), default=False)
    categories = models.ManyToManyField(
        Term, verbose_name=_("categories"), blank=True, related_name="+"
    )
    target_groups = models.ManyToManyField(
        Term, verbose_name=_("target groups"), blank=True, related_name="+"
    )
    # What a participant needs to bring (skates, a helmet): terms of the equipment taxonomy,
    # which Fritidsbanken's articles are filed under too, so the finder can tell which
    # activities someone can join with borrowed equipment (``selectors``, "to borrow").
    equipment = models.ManyToManyField(
        Term,
        verbose_name=_("equipment needed"),
        blank=True,
        limit_choices_to={"taxonomy": "sammanhang-utrustning"},
        related_name="+",
    )
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    is_free = models.BooleanField(_("free"), default=True)
    price = models.CharField(_("price"), max_length=200, blank=True)
    companion_free = models.CharField(
        _("companion goes free"),
        max_length=10,
        choices=CompanionFree.choices,
        default=CompanionFree.UNKNOWN,
    )
    companion_terms = models.CharField(_("terms for companions"), max_length=300, blank=True)
    drop_in = models.BooleanField(_("drop-in"), default=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    contact_role = models.CharField(_("contact (role)"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title"]
        indexes = [
            models.Index(fields=["status", "organisation"], name="activity_status_org_idx"),
            # The finder sorted by name walks this and stops at the page (see finder.py).
            models.Index(fields=["title", "id"], name="activity_title_idx"),
            # Incremental sync (modified_after) and the HSDS link keys' refresh ask for the
            # activities changed since a moment; without it both scan the table.
            models.Index(fields=["updated_at"], name="activity_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActivityStatus.values), name="activity_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(companion_free__in=CompanionFree.values),
                name="activity_companion_free_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_max__gte=models.F("age_min")),
                name="activity_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(is_free=True) | ~models.Q(price=""),
                name="activity_paid_has_price",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="activity_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityLanguage(models.Model):
    """A language the activity is held in (ISO 639-1), one row each so the finder can filter."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language code"), max_length=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "code"], name="activity_language_once"),
        ]
        indexes = [models.Index(fields=["code"], name="activity_language_code_idx")]

    def __str__(self) -> str:
        return self.code


class ActivityFeature(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="features")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("value"), max_length=10, choices=FeatureValue.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "term"], name="activity_feature_once"),
            models.CheckConstraint(
                condition=models.Q(value__in=FeatureValue.values),
                name="activity_feature_value_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.term_id}={self.value}"


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly on a weekday")
    ONCE = "ONCE", _("Once")


class Schedule(models.Model):
    """When an activity takes place, in the shape of an HSDS schedule.

    ``byday`` uses iCalendar day codes: ``TU,TH`` weekly, ``1SA`` (first Saturday) or
    ``-1TU`` (last Tuesday) monthly. Times are local wall-clock times in the site's time zone.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="schedules")
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT
    )
    # The schedule's HSDS id and iCalendar UID: stored, not derived from the row's key, so a
    # consumer's copy and a subscribed calendar keep it across an export and import.
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    freq = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices)
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    byday = models.CharField(_("days"), max_length=40, blank=True)
    opens_at = models.TimeField(_("starts at"))
    closes_at = models.TimeField(_("ends at"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(freq__in=Frequency.values), name="schedule_freq_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="schedule_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(interval__gte=1), name="schedule_interval_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="schedule_valid_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(freq="ONCE") | ~models.Q(byday=""),
                name="schedule_recurring_has_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.freq} {self.byday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ExceptionKind(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled")
    EXTRA = "extra", _("Extra date")


class ScheduleException(models.Model):
    """A cancelled date or an extra date, with the reason shown to the public."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="exceptions")
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices)
    date = models.DateField(_("date"))
    opens_at = models.TimeField(_("starts at"), null=True, blank=True)
    closes_at = models.TimeField(_("ends at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "kind", "date"], name="schedule_exception_once_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ExceptionKind.values),
                name="schedule_exception_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True, closes_at__isnull=True)
                | models.Q(closes_at__gt=models.F("opens_at")),
                name="schedule_exception_times_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.date}"


class Occurrence(models.Model):
    """One materialised session of an activity; rebuilt from its schedules on every change.

    ``starts_at``/``ends_at`` are absolute instants (correct across daylight-saving changes);
    ``date``, ``weekday``, ``local_start`` and ``local_end`` are the local wall-clock values the
    finder filters on.
    """

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="occurrences")
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.SET_NULL)
    date = models.DateField(_("date"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    local_start = models.TimeField(_("starts at"))
    local_end = models.TimeField(_("ends at"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["starts_at"]
        indexes = [
            # The end beside the start: "not ended yet" is checked in the index, so the
            # finder's read from a day back (see selectors.SESSION_AT_MOST) skips ended
            # sessions without fetching them. The activity, date and cancelled beside them
            # make the finder's walk in start order an index-only read: a search whose
            # activities are few among many (a word, a target group) tests thousands of
            # sessions to fill a page, and fetching each one's row was most of its time
            # (benchmarks/README.md, session 9). The weekday and the local times too, for
            # the time filters ("starts after 20:00", "Sundays"): a filter that keeps few
            # sessions read a table row for every session passed over (1.4 s to find that
            # nothing starts after 20:00 at 200,000 activities on SQLite).
            models.Index(
                fields=[
                    "starts_at",
                    "ends_at",
                    "activity",
                    "date",
                    "cancelled",
                    "weekday",
                    "local_start",
                    "local_end",
                ],
                name="occurrence_start_time_idx",
            ),
            models.Index(fields=["date", "local_start"], name="occurrence_date_time_idx"),
            models.Index(fields=["activity", "starts_at"], name="occurrence_activity_idx"),
            models.Index(fields=["district", "starts_at"], name="occurrence_district_idx"),
            models.Index(fields=["place", "starts_at"], name="occurrence_place_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "starts_at"], name="occurrence_once_per_schedule_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="occurrence_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.date} {self.local_start:%H:%M}"


class PlacePhoto(models.Model):
    """A picture of a place, published with a text alternative that says what it shows."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("picture"), upload_to="platser/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt_text = models.CharField(_("text alternative"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo of a place")
        verbose_name_plural = _("photos of places")
        ordering = ["position", "pk"]
        constraints = [
            # A picture without a text alternative shuts out people who use screen readers.
            models.CheckConstraint(condition=~models.Q(alt_text=""), name="place_photo_alt_set"),
        ]

    def __str__(self) -> str:
        return self.alt_text


class ActivitySearch(models.Model):
    """The text the finder searches, one row per activity (see ``directory.search``).

    The plain columns feed PostgreSQL's ``document``; the ``*_stems`` columns, Swedish stems
    made in Python, feed SQLite's FTS5 table through triggers. Written only by
    ``search.search_index_update``.
    """

    activity = models.OneToOneField(
        Activity, primary_key=True, on_delete=models.CASCADE, related_name="search"
    )
    title = models.TextField(blank=True)
    topic = models.TextField(blank=True)
    body = models.TextField(blank=True)
    context = models.TextField(blank=True)
    title_stems = models.TextField(blank=True)
    topic_stems = models.TextField(blank=True)
    body_stems = models.TextField(blank=True)
    context_stems = models.TextField(blank=True)
    # PostgreSQL only (GIN index made in the migration); stays empty on SQLite.
    document = SearchVectorField(null=True)

    def __str__(self) -> str:
        return self.title


class ActivitySearchTiers(models.Model):
    """The two best search tiers' text of each activity as stored ``tsvector`` values, in a
    narrow table of their own: PostgreSQL only, empty on SQLite (see ``directory.search``).

    A common word in titles ("fika": 6,000 of 200,000 activities) is found in the tier's GIN
    index, and then each match's row is read to check it is visible: from ``ActivitySearch``,
    whose rows are wide (every text, its stems and the whole document), that is a page read
    per match; here about a fifth of the pages, and the vector is stored, not recomputed.
    Written only by ``search.search_index_update``, in the same transaction.
    """

    activity = models.OneToOneField(
        Activity, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # search.TIERS: the title (tier 4); the title and the topic (tier 3). GIN indexes made in
    # migration 0014 (PostgreSQL only).
    title = SearchVectorField(null=True)
    topic = SearchVectorField(null=True)

    def __str__(self) -> str:
        return str(self.activity_id)


class SearchWord(models.Model):
    """A word that occurs in the index: what a misspelt search word is corrected towards."""

    word = models.CharField(max_length=100, unique=True)
    # The word backwards, indexed, so that "compounds ending with fika" is a range read of
    # an index on SQLite (``word LIKE '%fika'`` reads every word; PostgreSQL has a trigram
    # index for that). Written with the word by ``search.search_index_update``.
    reversed_word = models.CharField(max_length=100, db_index=True, default="")

    def __str__(self) -> str:
        return self.word
