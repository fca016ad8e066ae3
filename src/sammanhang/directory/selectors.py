"""Reads for the public finder and detail pages.

Rules the finder keeps, in the HTML page and the API alike:
- Only published activities are found; cancelled occurrences never count as a match, but
  are shown on the result so people see that a session is off.
- Time filters apply to occurrences (local wall-clock times, Europe/Stockholm); an activity
  matches when at least one of its occurrences in the date window passes every time filter.
- Without a date window, the window is from now to ``DEFAULT_WINDOW_DAYS`` ahead.
- A list page runs a fixed number of queries whatever the page size (asserted in tests).
- A search near a point (``FinderCriteria.point``) counts only occurrences at places within
  ``distance_km`` of it: a bounding box in the database first, then the exact haversine
  distance in SQL (see ``directory.geo``). Online-only sessions have no distance, so they
  never match such a search. A place name, street address or district typed as ``near``
  is resolved against our own places (``point_for_near``), never an outside geocoder.
- "Equipment to borrow" (``FinderCriteria.equipment_to_borrow``) keeps the activities that
  need equipment some Fritidsbank has: at least one needed equipment term, or a kind under
  it, with an article that is available or on loan (not in repair, retired or missing). See
  ``_equipment_to_borrow`` for how this reads the lending app's rows without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import get_language

from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory import geo, search
from sammanhang.directory.finder import FinderResults, ShownDistrict, ShownPlace, ShownSession
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    District,
    ExceptionKind,
    FeatureValue,
    Frequency,
    Municipality,
    Occurrence,
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Schedule,
    ScheduleException,
    Taxonomy,
    Term,
)

DEFAULT_WINDOW_DAYS = 60
UPCOMING_PER_RESULT = 3
DEFAULT_DISTANCE_KM = 2
SESSION_AT_MOST = timedelta(hours=25)
SHORT_WINDOW_DAYS = 2


@dataclass(frozen=True)
class FinderCriteria:
    """What a finder search asks for; empty values mean "any"."""

    text: str = ""
    municipality: str = ""
    districts: tuple[str, ...] = ()
    weekdays: tuple[int, ...] = ()
    starts_after: time | None = None
    starts_before: time | None = None
    ends_after: time | None = None
    ends_before: time | None = None
    date_from: date | None = None
    date_to: date | None = None
    open_now: bool = False
    target_groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    features: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    age: int | None = None
    free: bool = False
    companion_free: bool = False
    drop_in: bool = False
    equipment_to_borrow: bool = False
    sort: str = "next"
    point: geo.Point | None = None
    distance_km: float | None = None
    now: datetime | None = field(default=None, compare=False)


def _window(criteria: FinderCriteria, now: datetime) -> tuple[datetime, date]:
    """The first instant and the last local date that occurrences may fall in."""
    start = now
    if criteria.date_from:
        start = max(now, timezone.make_aware(datetime.combine(criteria.date_from, time())))
    first_day = criteria.date_from or timezone.localdate(now)
    # A start date near the end of the calendar (9999-12-31) must not overflow.
    default_last = first_day + timedelta(days=min(DEFAULT_WINDOW_DAYS, (date.max - first_day).days))
    last = criteria.date_to or default_last
    return start, last


def _short_window(criteria: FinderCriteria) -> bool:
    """Whether the dates asked for are at most ``SHORT_WINDOW_DAYS`` days ("today", "tomorrow").

    Longer windows rarely leave few sessions at national scale (a week: 70,000 at 200,000
    activities), and counting them in vain cost SQLite 25 ms ("fika" this week: 46 -> 71).
    """
    if criteria.date_from is None or criteria.date_to is None:
        return False
    return (criteria.date_to - criteria.date_from).days < SHORT_WINDOW_DAYS


def _first_day_on(weekdays: tuple[int, ...], first: date, last: date) -> date | None:
    """The first date from ``first`` to ``last`` falling on one of ``weekdays`` (any if none)."""
    day = first
    for _ in range(7):
        if day > last:
            return None
        if not weekdays or day.isoweekday() in weekdays:
            return day
        if day == date.max:
            return None
        day += timedelta(days=1)
    return None


def matching_occurrences(
    criteria: FinderCriteria, *, include_cancelled: bool = False
) -> QuerySet[Occurrence]:
    """Occurrences that pass every time, place and date filter.

    Cancelled occurrences never make an activity match; ``include_cancelled`` is for showing
    them on a result.
    """
    now = criteria.now or clock.now()
    occurrences = Occurrence.objects.all()
    if not include_cancelled:
        occurrences = occurrences.filter(cancelled=False)
    # A session lies within one local day (a 25-hour one at most), so one that has not ended
    # by ``start`` began less than a day before it: the bound lets the start index serve.
    if criteria.open_now:
        occurrences = occurrences.filter(
            starts_at__lte=now, ends_at__gt=now, starts_at__gt=now - SESSION_AT_MOST
        )
    else:
        start, last = _window(criteria, now)
        occurrences = occurrences.filter(
            ends_at__gt=start, date__lte=last, starts_at__gt=start - SESSION_AT_MOST
        )
        if last < date.max and not (criteria.municipality or criteria.districts or criteria.point):
            # A session's date is the local day it starts (services.occurrences_rebuild), so
            # none on ``last`` starts after its midnight: the bound ends a read of the start
            # index at the window's end. Without it, a walk that found too few (a rare word
            # "today") read on through the year's sessions, and PostgreSQL counted today's
            # sessions from the date index, every past one included ("unga seniorer" today:
            # 12 s at 200,000 activities). A place's own index leads where a place is asked
            # for, and SQLite then took the bounded start index instead (near a point: 15 ms
            # became 2.4 s), so the bound is left out there.
            after_last = datetime.combine(
                last + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone()
            )
            occurrences = occurrences.filter(starts_at__lt=after_last)
        first_day = _first_day_on(criteria.weekdays, timezone.localdate(start), last)
        if first_day is not None and first_day > timezone.localdate(start):
            # Weekend asked on a Tuesday: nothing starts before Saturday's midnight, so the
            # start index is read from there instead of past three days of other sessions.
            midnight = timezone.make_aware(datetime.combine(first_day, time()))
            occurrences = occurrences.filter(starts_at__gte=midnight)
    if criteria.municipality:
        occurrences = occurrences.filter(district__municipality__slug=criteria.municipality)
    if criteria.districts:
        occurrences = occurrences.filter(district__code__in=criteria.districts)
    if criteria.weekdays:
        occurrences = occurrences.filter(weekday__in=criteria.weekdays)
    if criteria.starts_after:
        occurrences = occurrences.filter(local_start__gte=criteria.starts_after)
    if criteria.starts_before:
        occurrences = occurrences.filter(local_start__lte=criteria.starts_before)
    if criteria.ends_after:
        occurrences = occurrences.filter(local_end__gte=criteria.ends_after)
    if criteria.ends_before:
        occurrences = occurrences.filter(local_end__lte=criteria.ends_before)
    if criteria.point is not None:
        radius = criteria.distance_km or DEFAULT_DISTANCE_KM
        box = geo.bounding_box(criteria.point, radius)
        occurrences = (
            occurrences.filter(**geo.bounding_box_filter(box, prefix="place__"))
            .annotate(distance_km=geo.distance_expression(criteria.point, prefix="place__"))
            .filter(distance_km__lte=radius)
        )
    return occurrences


def _activity_conditions(criteria: FinderCriteria) -> list[Any]:
    """Every filter on the activity itself (not text or time)."""
    # Exists rather than joins: a join repeats an activity once per matching term.
    conditions: list[Any] = [Q(status=Activity.Status.PUBLISHED)]
    for code in criteria.target_groups:
        conditions.append(
            Exists(
                Activity.target_groups.through.objects.filter(
                    _in_terms("sammanhang-malgrupp", [code]), activity=OuterRef("pk")
                )
            )
        )
    if criteria.categories:
        conditions.append(
            Exists(
                Activity.categories.through.objects.filter(
                    _in_terms("sammanhang-kategori", criteria.categories), activity=OuterRef("pk")
                )
            )
        )
    for code in criteria.features:
        conditions.append(
            Exists(
                ActivityFeature.objects.filter(
                    _in_terms(Taxonomy.ACCESSIBILITY, [code]),
                    activity=OuterRef("pk"),
                    value=FeatureValue.YES,
                )
            )
            # Through the activity's few places, each probed for the feature. Joined from the
            # places' features, with the term by its code, testing an activity took twice as
            # long ("rullstol" at 200,000 activities: 430 -> 270 ms on PostgreSQL, 358 -> 175
            # on SQLite, with _known_many).
            | Exists(
                Activity.places.through.objects.filter(
                    Exists(_places_with(code).filter(place=OuterRef("place_id"))),
                    activity=OuterRef("pk"),
                )
            )
        )
    if criteria.languages:
        conditions.append(
            Exists(
                ActivityLanguage.objects.filter(
                    activity=OuterRef("pk"), code__in=criteria.languages
                )
            )
        )
    if criteria.age is not None:
        conditions.append(Q(age_min__isnull=True) | Q(age_min__lte=criteria.age))
        conditions.append(Q(age_max__isnull=True) | Q(age_max__gte=criteria.age))
    if criteria.free:
        conditions.append(Q(is_free=True))
    if criteria.companion_free:
        conditions.append(Q(companion_free="yes"))
    if criteria.drop_in:
        conditions.append(Q(drop_in=True))
    if criteria.equipment_to_borrow:
        conditions.append(_equipment_to_borrow())
    return conditions


# The lending app files its articles under terms of the equipment taxonomy
# (``lending.ArticleType.category``, related name ``lending_article_types``; ``Article.type``,
# whose reverse query name is ``article``). The directory may not import lending (the layers
# in pyproject), so the finder reaches those rows by these reverse names, which Django
# registers on ``Term`` when lending is installed. A query rather than a hook that lending
# fills in at start-up: the condition stays one SQL ``EXISTS`` inside every plan of the finder
# (tiers, the start-order walk, counts), and a renamed relation fails the finder's tests
# (``lending/tests/test_activity_equipment.py``) instead of going quietly missing.
ARTICLES_OF_TERM = "lending_article_types__article"
# An article on loan comes back within the loan days, so it still counts; one in repair, retired
# or missing does not.
LENDABLE_ARTICLE_STATUSES = ("available", "on_loan")


def equipment_terms_to_borrow() -> QuerySet[Term]:
    """Equipment terms with an article some Fritidsbank lends (available or on loan)."""
    return Term.objects.filter(
        taxonomy=Taxonomy.EQUIPMENT,
        **{f"{ARTICLES_OF_TERM}__status__in": LENDABLE_ARTICLE_STATUSES},
    )


def _equipment_to_borrow() -> Exists:
    """The activity needs a term that has lendable articles, or one whose kinds have (an
    activity needing "vintersport" is helped by the bank's skates).

    Two uncorrelated sets (the terms with articles and their parents), read once per query;
    each activity is then one probe of its few equipment rows."""
    lendable = equipment_terms_to_borrow()
    return Exists(
        Activity.equipment.through.objects.filter(activity=OuterRef("pk")).filter(
            Q(term_id__in=lendable.values("pk"))
            | Q(term_id__in=lendable.filter(parent__isnull=False).values("parent_id"))
        )
    )


class _AnyOfArray(Func):
    """``field = ANY(ARRAY(subquery))``, a condition: PostgreSQL runs the subquery once (an
    InitPlan) and tests each row against its few values; as ``IN (subquery)`` it joins to the
    subquery's table for every row tested instead."""

    arg_joiner = " = ANY(ARRAY("
    template = "%(expressions)s))"
    output_field = BooleanField()


def _in_terms(taxonomy: str, codes: Sequence[str]) -> Q:
    """The rows whose ``term_id`` is one of these codes' terms, found once per query, so that
    testing an activity is one probe of the (activity, term) index rather than a join to the
    terms for every session read (half the time of a category search at national scale)."""
    terms = Term.objects.filter(taxonomy=taxonomy, code__in=codes).values("pk")
    if connection.vendor == "postgresql":
        return Q(_AnyOfArray(F("term_id"), Subquery(terms)))
    # SQLite builds an uncorrelated IN list once by itself.
    return Q(term_id__in=terms)


def _places_with(feature: str) -> QuerySet[PlaceFeature]:
    """The places' rows saying yes to this accessibility feature, its term found once per
    query (see ``_in_terms``)."""
    return PlaceFeature.objects.filter(
        _in_terms(Taxonomy.ACCESSIBILITY, [feature]), value=FeatureValue.YES
    )


def _named_sets(criteria: FinderCriteria) -> list[QuerySet[Any]]:
    """Rows naming the activities of each target group asked for, of the categories and of
    the languages (``activity_id``): an activity passes those filters if it is in every set."""
    sets: list[QuerySet[Any]] = [
        Activity.target_groups.through.objects.filter(_in_terms(Taxonomy.TARGET_GROUP, [code]))
        for code in criteria.target_groups
    ]
    if criteria.categories:
        terms = _in_terms(Taxonomy.CATEGORY, criteria.categories)
        sets.append(Activity.categories.through.objects.filter(terms))
    if criteria.languages:
        sets.append(ActivityLanguage.objects.filter(code__in=criteria.languages))
    return sets


def _among(criteria: FinderCriteria) -> QuerySet[Any] | None:
    """On PostgreSQL, where several activity filters are asked for and some name sets of
    activities (``_named_sets``): the ids in all of those sets, which the walk in start order
    looks each session up in (a hash, built once) before testing its activity.

    Several filters together pass few activities, so the walk reads many sessions for a page,
    and tested one by one each cost a probe per filter: "unga", sport, in the evening went
    from 311 to 156 ms, with a wheelchair from 487 to 242, at 200,000 activities. One filter
    alone passes many, and building its set cost more than it saved (a sport: 134 -> 174 ms).
    On SQLite the set saved nothing (303 against 326 ms).
    """
    if connection.vendor != "postgresql" or len(_activity_conditions(criteria)) < 3:
        return None
    ids = [rows.order_by().values("activity_id") for rows in _named_sets(criteria)]
    if not ids:
        return None
    return ids[0].intersection(*ids[1:]) if len(ids) > 1 else ids[0]


def _known_many(criteria: FinderCriteria, limit: int) -> bool:
    """Whether the activity filters asked for, when they are only target groups, categories,
    languages and accessibility features, are known from their own tables to hold more than
    ``limit`` activities together, counting one past it. Reading the passing activities
    themselves to find out tests every activity in turn until ``limit`` pass: a tenth of
    200,000 for a common category, and for two filters whose activities are many together
    ("unga", sport, in the evening) 115 ms of a 283 ms search. With any other filter, nothing
    is known.

    A feature is counted by the activities held at a place that has it, a lower bound (an
    activity may say it has the feature itself): "many" is then still true, and otherwise the
    activities are read as before.
    """
    sets = _named_sets(criteria)
    sets.extend(
        Activity.places.through.objects.filter(place_id__in=_places_with(code).values("place_id"))
        for code in criteria.features
    )
    # Published, and the filters above: any filter added later counts as another.
    if not sets or len(_activity_conditions(criteria)) != 1 + len(sets):
        return False
    ids = [rows.order_by().values("activity_id") for rows in sets]
    # Drafts count too, which only matters near the limit, where either plan gives the same
    # results. An activity has one row for one term or language (unique together), so one
    # code alone needs no DISTINCT, which cost about 3 ms for "unga" on PostgreSQL. A feature
    # needs it: an activity has a row for each of its places.
    if len(ids) > 1:
        together = ids[0].intersection(*ids[1:])
    elif len(criteria.target_groups + criteria.categories + criteria.languages) == 1:
        together = sets[0].order_by().values("pk")
    else:
        together = ids[0].distinct()
    return together[: limit + 1].count() > limit


def _activities_passing(criteria: FinderCriteria) -> QuerySet[Activity]:
    """Published activities passing every filter on the activity itself (not text or time)."""
    return Activity.objects.filter(*_activity_conditions(criteria))


def _decorated(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    """What a result shows of the activity itself: its organisation, in the same query. The
    rules still running and the next few sessions are read for the whole page at once by
    ``attach``. Categories and target groups are not shown in a result; the API adds them.
    """
    return activities.select_related("organisation")


def _attach_rules(page: list[Activity]) -> None:
    """Each activity's recurring rules still running (``rules``), in one query for the page:
    what ``Prefetch(to_attr="rules")`` gives, without its machinery on every search."""
    rules: dict[int, list[Schedule]] = {}
    for rule in _running_rules().filter(activity_id__in=[activity.pk for activity in page]):
        rules.setdefault(rule.activity_id, []).append(rule)
    for activity in page:
        activity.rules = rules.get(activity.pk, [])  # type: ignore[attr-defined]


def _running_rules() -> QuerySet[Schedule]:
    # The recurring rules still running, so a result can say "tisdagar 17:00–19:00" before
    # its next dates; one-off dates are already among those.
    return (
        Schedule.objects.exclude(freq=Frequency.ONCE)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=clock.today()))
        .order_by("valid_from", "opens_at", "pk")
    )


def activity_list_for_finder(
    criteria: FinderCriteria,
    *,
    query: search.ParsedQuery | None = None,
    decorate: Callable[[QuerySet[Activity]], QuerySet[Activity]] | None = None,
) -> FinderResults:
    """Published activities matching the criteria, in the finder's order, read lazily.

    Slices give activities with ``next_start`` (and ``distance_km`` near a point) and what a
    result shows prefetched, including ``upcoming``: the next few matching sessions, cancelled
    ones too. ``count()`` is exact up to ``finder.COUNT_CAP`` (see ``count_exact``). Same
    answer, same order as ``activity_queryset_for_finder``, read the fast way (``finder``).
    """
    if criteria.text and query is None:
        query = search.parse_query(criteria.text)

    def decorated(activities: QuerySet[Activity]) -> QuerySet[Activity]:
        activities = _decorated(activities)
        return decorate(activities) if decorate is not None else activities

    def attach(page: list[Activity]) -> None:
        _attach_rules(page)
        shown = upcoming_sessions(criteria, [activity.pk for activity in page])
        for activity in page:
            activity.upcoming = shown.get(activity.pk, [])  # type: ignore[attr-defined]

    occurrences = matching_occurrences(criteria)
    return FinderResults(
        activities=_activities_passing(criteria),
        occurrences=occurrences,
        query=query if criteria.text else None,
        sort=criteria.sort,
        near=criteria.point is not None,
        decorate=decorated,
        attach=attach,
        # A place may leave few sessions, and so may the moment ("open now": those running,
        # a few thousand across the country) or a day or two with words: then they are read
        # whole. Open now without words reads its page from the start index at once (28 ms;
        # the running sessions whole took 65 ms or more); with words, ranking them through
        # each tier's set took 400 ms ("yoga"), reading them whole 25. A rare word today
        # found too few in each rank group's walk, then asked whether each lower group was
        # few ("simning" today: 645 ms, "unga seniorer" today: 12 s on PostgreSQL).
        narrow=(
            "place"
            if criteria.districts or criteria.municipality or criteria.point
            else "time"
            if criteria.text and (criteria.open_now or _short_window(criteria))
            else ""
        ),
        known_many=lambda limit: _known_many(criteria, limit),
        activity_filters=len(_activity_conditions(criteria)) > 1,
        among=_among(criteria),
    )


def upcoming_sessions(criteria: FinderCriteria, ids: list[int]) -> dict[int, list[ShownSession]]:
    """The next few sessions matching ``criteria`` of each of a page's activities, cancelled
    ones too (a result shows what is off), in one query.

    Plain values rather than model instances through a sliced prefetch: for a page of 20
    results that was a third of the time Django spent beside the database.
    """
    if not ids:
        return {}
    rows = (
        matching_occurrences(criteria, include_cancelled=True)
        .filter(activity_id__in=ids)
        .annotate(
            position=Window(
                RowNumber(),
                partition_by=F("activity_id"),
                order_by=[F("starts_at").asc(), F("pk").asc()],
            )
        )
        .filter(position__lte=UPCOMING_PER_RESULT)
        .order_by("activity_id", "starts_at", "pk")
        .values_list(
            "activity_id",
            "starts_at",
            "ends_at",
            "date",
            "local_start",
            "local_end",
            "cancelled",
            "note",
            "place_id",
            "place__slug",
            "place__name",
            "place__latitude",
            "place__longitude",
            "district__code",
            "district__name",
        )
    )
    shown: dict[int, list[ShownSession]] = {}
    for row in rows:
        place, slug, name, lat, lon, code, district = row[8:]
        shown.setdefault(row[0], []).append(
            ShownSession(
                *row[1:8],
                place=ShownPlace(place, slug, name, lat, lon) if place is not None else None,
                district=ShownDistrict(code, district) if code is not None else None,
            )
        )
    return shown


def activity_queryset_for_finder(
    criteria: FinderCriteria, *, query: search.ParsedQuery | None = None
) -> QuerySet[Activity]:
    """The finder's results as one plain query: the definition ``activity_list_for_finder``
    answers fast. Every matching activity's next start is computed and sorted, so this is
    for checking the fast plan against (tests), not for pages at national scale.
    """
    occurrences = matching_occurrences(criteria)
    activities = _activities_passing(criteria).filter(
        Exists(occurrences.filter(activity=OuterRef("pk")))
    )
    ranked_by_text = False
    if criteria.text:
        query = query if query is not None else search.parse_query(criteria.text)
        if query:
            activities = search.filter_and_rank(activities, query)
            ranked_by_text = True
    first_match = (
        occurrences.filter(activity=OuterRef("pk")).order_by("starts_at").values("starts_at")[:1]
    )
    activities = activities.annotate(next_start=Subquery(first_match))
    if criteria.point is not None:
        nearest = (
            occurrences.filter(activity=OuterRef("pk"))
            .annotate(km=geo.distance_expression(criteria.point, prefix="place__"))
            .order_by("km")
            .values("km")[:1]
        )
        activities = activities.annotate(distance_km=Subquery(nearest))
    if criteria.sort == "name":
        order = ["title", "pk"]
    elif criteria.sort == "distance" and criteria.point is not None:
        order = ["distance_km", "next_start", "title", "pk"]
    elif ranked_by_text:
        # Better matches first; among equally good ones, the one that happens sooner.
        order = ["-search_tier", "-title_hits", "next_start", "title", "pk"]
    else:
        order = ["next_start", "title", "pk"]
    return activities.order_by(*order)


@dataclass(frozen=True)
class NearMatch:
    """What a typed ``near`` resolved to: the point to measure from and what it was."""

    point: geo.Point
    label: str


def point_for_near(text: str) -> NearMatch | None:
    """The point a typed place name, street address or district name stands for, or None.

    Looked up in our own data only (no outside geocoding): a place with coordinates by its
    name, then by its street address, then a district by name (measured from the middle of
    its places), then a place whose street address starts with the text. The database
    compares case-insensitively; SQLite only folds ASCII letters, so the common spellings
    (as typed, lower case, capitalised) are all tried for words with å, ä and ö.
    """
    text = " ".join(text.split())
    if not text:
        return None
    spellings = {text, text.lower(), text.capitalize(), text.title(), text.upper()}
    located = Place.objects.filter(latitude__isnull=False, longitude__isnull=False)

    def any_spelling(lookup: str) -> Q:
        found = Q()
        for spelling in spellings:
            found |= Q(**{lookup: spelling})
        return found

    def place_by(lookup: str) -> NearMatch | None:
        place = located.filter(any_spelling(lookup)).order_by("name", "pk").first()
        if place is None or place.latitude is None or place.longitude is None:
            return None
        return NearMatch(geo.Point(place.latitude, place.longitude), place.name)

    def district_middle() -> NearMatch | None:
        district = (
            District.objects.filter(any_spelling("name__iexact"))
            .annotate(
                lat=Avg("place__latitude"),
                lon=Avg("place__longitude"),
                located=Count("place__latitude"),
            )
            .filter(located__gt=0)
            .order_by("name", "pk")
            .first()
        )
        if district is None:
            return None
        return NearMatch(geo.Point(district.lat, district.lon), district.name)

    # Exact names first; a street name without its number ("Södergatan") last, so that a
    # district called "Söder" is not taken for the start of "Södergatan 12".
    return (
        place_by("name__iexact")
        or place_by("street_address__iexact")
        or district_middle()
        or place_by("street_address__istartswith")
    )


def activity_list_for_print(criteria: FinderCriteria) -> FinderResults:
    """The finder's results with what the printed list adds: schedules and places."""
    return activity_list_for_finder(
        criteria,
        decorate=lambda activities: activities.prefetch_related(
            Prefetch(
                "schedules",
                queryset=Schedule.objects.select_related("place").order_by("valid_from", "pk"),
            ),
            Prefetch("places", queryset=Place.objects.select_related("district").order_by("name")),
        ),
    )


@dataclass(frozen=True, slots=True)
class ListedPlace:
    name: str
    street_address: str
    postal_code: str
    city: str
    district: str | None


@dataclass(frozen=True)
class ListedFacts:
    """What a downloaded list shows of an activity beyond its own fields and the finder's
    (``activity_facts_for_lists``); term names in the active language."""

    places: list[ListedPlace] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def activity_facts_for_lists(ids: Sequence[int]) -> dict[int, ListedFacts]:
    """Places (with district), target groups, categories and languages of these activities,
    in four queries of plain values: as prefetched model instances, a list of 5,000
    activities spent most of its time building them."""
    english = (get_language() or "sv").startswith("en")
    facts: dict[int, ListedFacts] = {pk: ListedFacts() for pk in ids}
    places = (
        Activity.places.through.objects.filter(activity_id__in=ids)
        .order_by("place__name", "place_id")
        .values_list(
            "activity_id",
            "place__name",
            "place__street_address",
            "place__postal_code",
            "place__city",
            "place__district__name",
        )
    )
    for activity_id, *place in places:
        facts[activity_id].places.append(ListedPlace(*place))
    for through, names in (
        (Activity.target_groups.through, "target_groups"),
        (Activity.categories.through, "categories"),
    ):
        rows = (
            through.objects.filter(activity_id__in=ids)
            .order_by("term__position", "term__code")
            .values_list("activity_id", "term__name_sv", "term__name_en")
        )
        for activity_id, name_sv, name_en in rows:
            getattr(facts[activity_id], names).append(name_en if english else name_sv)
    languages = (
        ActivityLanguage.objects.filter(activity_id__in=ids)
        .order_by("code")
        .values_list("activity_id", "code")
    )
    for activity_id, code in languages:
        facts[activity_id].languages.append(code)
    return facts


@dataclass(frozen=True)
class FinderChoices:
    """The finder's choice lists as the database held them at ``token`` (see ``ChoicesVersion``):
    municipalities with districts, every district by name (with its municipality's slug), and
    the terms of the three taxonomies the finder filters on, in both languages."""

    token: int
    municipalities: list[tuple[str, str]]
    districts: list[tuple[str, str, str]]  # (municipality slug, code, name), by name and code
    terms: dict[bool, dict[str, list[tuple[str, str]]]]  # english -> taxonomy -> (code, name)

    def terms_here(self) -> dict[str, list[tuple[str, str]]]:
        """(code, name in the active language) of each taxonomy's terms, in order."""
        return self.terms[(get_language() or "sv").startswith("en")]


class _ChoicesCache:
    """The last ``FinderChoices`` this process read. Three queries and a few hundred rows on
    every finder page were a quarter of its time beside the database, for lists that change
    when a term or district is added; the token read first says whether they still hold."""

    held: FinderChoices | None = None


def finder_choices() -> FinderChoices:
    """The finder's choice lists, read again only when the database says they changed."""
    with connection.cursor() as cursor:
        # The token before the lists: lists newer than their token are read again next time;
        # the other order could keep old lists under a new token.
        cursor.execute("SELECT token FROM directory_choicesversion WHERE id = 1")
        row = cursor.fetchone()
    held = _ChoicesCache.held
    if row is not None and held is not None and held.token == row[0]:
        return held
    fresh = _finder_choices_read(row[0] if row is not None else None)
    # No row (a database emptied by a test's flush): nothing says when they change, so each
    # page reads its own.
    _ChoicesCache.held = fresh if row is not None else None
    return fresh


def _finder_choices_read(token: int | None) -> FinderChoices:
    municipalities = list(
        Municipality.objects.filter(Exists(District.objects.filter(municipality=OuterRef("pk"))))
        .order_by("name")
        .values_list("slug", "name")
    )
    districts = list(
        District.objects.order_by("name", "code").values_list("municipality__slug", "code", "name")
    )
    taxonomies = (Taxonomy.TARGET_GROUP, Taxonomy.CATEGORY, Taxonomy.ACCESSIBILITY)
    terms: dict[bool, dict[str, list[tuple[str, str]]]] = {
        english: {taxonomy: [] for taxonomy in taxonomies} for english in (False, True)
    }
    rows = (
        Term.objects.filter(
            Q(taxonomy__in=(Taxonomy.TARGET_GROUP, Taxonomy.CATEGORY))
            | Q(taxonomy=Taxonomy.ACCESSIBILITY, applies_to__in=("activity", "both", "place"))
        )
        .order_by("taxonomy", "position", "code")
        .values_list("taxonomy", "code", "name_sv", "name_en")
    )
    for taxonomy, code, name_sv, name_en in rows:
        terms[False][taxonomy].append((code, name_sv))
        terms[True][taxonomy].append((code, name_en))
    return FinderChoices(token or 0, municipalities, districts, terms)


def districts_for_finder(
    *,
    municipality: str | None = None,
    codes: list[str] | None = None,
    choices: FinderChoices | None = None,
) -> list[tuple[str, str]]:
    """(code, name) of the districts to choose among, each pair once, by name.

    All of them; or the chosen municipality's; or, with no municipality chosen, those with
    ``codes`` (a shared link that names districts only). Codes repeat between municipalities
    ("d1" in each), so a chosen municipality's districts are its own only: reading the codes
    of every other municipality as well would list hundreds to show one.
    """
    districts = (choices or finder_choices()).districts
    if municipality:
        pairs = [(code, name) for slug, code, name in districts if slug == municipality]
    elif codes is not None:
        asked = set(codes)
        pairs = [(code, name) for _slug, code, name in districts if code in asked]
    else:
        pairs = [(code, name) for _slug, code, name in districts]
    return list(dict.fromkeys(pairs))


def languages_for_finder() -> list[str]:
    """The language codes some activity is held in, in order.

    A skip scan on the code index: each step asks for the next code after the last, so the
    cost follows the number of languages (a few dozen), not of activities (hundreds of
    thousands), where ``SELECT DISTINCT`` would read them all.
    """
    table = ActivityLanguage._meta.db_table
    sql = (
        f"WITH RECURSIVE codes(code) AS ("  # noqa: S608 (table name from the model, no input)
        f" SELECT MIN(code) FROM {table}"
        f" UNION ALL SELECT (SELECT MIN(code) FROM {table} WHERE code > codes.code)"
        f" FROM codes WHERE codes.code IS NOT NULL"
        f") SELECT code FROM codes WHERE code IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [code for (code,) in cursor.fetchall()]


def terms_for_finder(taxonomy: str, *, applies_to: tuple[str, ...] = ()) -> QuerySet[Term]:
    terms = Term.objects.filter(taxonomy=taxonomy)
    if applies_to:
        terms = terms.filter(applies_to__in=applies_to)
    return terms.order_by("position")


def activity_public_detail(slug: str) -> Activity | None:
    """A published, cancelled or ended activity for its public page; drafts are not public."""
    return (
        Activity.objects.exclude(status=Activity.Status.DRAFT)
        .select_related("organisation")
        .prefetch_related(
            Prefetch("categories", queryset=Term.objects.order_by("position")),
            Prefetch("target_groups", queryset=Term.objects.order_by("position")),
            Prefetch("equipment", queryset=Term.objects.order_by("position", "code")),
            Prefetch(
                "features",
                queryset=ActivityFeature.objects.filter(value=FeatureValue.YES)
                .select_related("term")
                .order_by("term__position"),
            ),
            Prefetch("languages", queryset=ActivityLanguage.objects.order_by("code")),
            Prefetch("places", queryset=Place.objects.select_related("district").order_by("name")),
        )
        .filter(slug=slug)
        .first()
    )


def occurrences_upcoming(
    *, activity: Activity | None = None, place: Place | None = None, limit: int = 10
) -> list[Occurrence]:
    """The next sessions from now, cancelled ones included so people see what is off."""
    occurrences = Occurrence.objects.filter(ends_at__gt=clock.now())
    if activity is not None:
        occurrences = occurrences.filter(activity=activity)
    if place is not None:
        occurrences = occurrences.filter(place=place, activity__status=Activity.Status.PUBLISHED)
    return list(
        occurrences.select_related("place", "district", "activity").order_by("starts_at")[:limit]
    )


def schedules_for_public(activity: Activity) -> list[Schedule]:
    """An activity's schedules with their coming cancelled dates (``exceptions``), for
    machine-readable descriptions of its page (schema.org, calendars)."""
    cancelled = ScheduleException.objects.filter(
        kind=ExceptionKind.CANCELLED, date__gte=clock.today()
    ).order_by("date")
    return list(
        Schedule.objects.filter(activity=activity)
        .prefetch_related(Prefetch("exceptions", queryset=cancelled))
        .order_by("valid_from", "opens_at", "pk")
    )


def place_public_detail(slug: str) -> Place | None:
    return (
        Place.objects.select_related("district", "municipality", "owner")
        .prefetch_related(
            Prefetch(
                "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")
            ),
            Prefetch(
                "features",
                queryset=PlaceFeature.objects.select_related("term").order_by("term__position"),
            ),
            "photos",
        )
        .filter(slug=slug)
        .first()
    )


def place_is_open(place: Place, *, now: datetime | None = None) -> bool:
    """Whether the place's opening hours say open at ``now`` (closure days say closed)."""
    moment = timezone.localtime(now or clock.now())
    today = moment.date()
    if PlaceClosure.objects.filter(place=place, date=today).exists():
        return False
    hours = OpeningHours.objects.filter(
        place=place,
        weekday=today.isoweekday(),
        opens_at__lte=moment.time(),
        closes_at__gt=moment.time(),
    ).filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
    return hours.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).exists()


def place_closures_upcoming(place: Place, *, limit: int = 10) -> list[PlaceClosure]:
    return list(
        PlaceClosure.objects.filter(place=place, date__gte=clock.today()).order_by("date")[:limit]
    )


@dataclass(frozen=True)
class OpeningDay:
    """One day of a place's opening hours: its intervals, or none (with the closure's reason
    when a closed day overrides the weekly hours)."""

    day: date
    hours: tuple[tuple[time, time], ...]
    closed_reason: str = ""

    @property
    def is_open(self) -> bool:
        return bool(self.hours)


def opening_days(
    hours: Sequence[OpeningHours],
    closures: Sequence[PlaceClosure],
    *,
    start: date,
    days: int,
) -> list[OpeningDay]:
    """The ``days`` days from ``start`` with their opening intervals, from rows already read
    (so a list of places can prefetch them): weekly hours within their valid period, unless a
    closed day says otherwise."""
    closed = {closure.date: closure.reason for closure in closures}
    result = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day in closed:
            result.append(OpeningDay(day=day, hours=(), closed_reason=closed[day]))
            continue
        intervals = sorted(
            (row.opens_at, row.closes_at)
            for row in hours
            if row.weekday == day.isoweekday()
            and (row.valid_from is None or row.valid_from <= day)
            and (row.valid_to is None or row.valid_to >= day)
        )
        result.append(OpeningDay(day=day, hours=tuple(intervals)))
    return result


def place_opening_days(place: Place, *, days: int = 7) -> list[OpeningDay]:
    """The place's opening hours day by day from today (two queries)."""
    today = clock.today()
    last = today + timedelta(days=days - 1)
    return opening_days(
        list(OpeningHours.objects.filter(place=place)),
        list(PlaceClosure.objects.filter(place=place, date__gte=today, date__lte=last)),
        start=today,
        days=days,
    )


def next_opening(days: Sequence[OpeningDay], *, now: datetime) -> tuple[date, time, time] | None:
    """The first opening interval in ``days`` that has not closed at ``now`` (it may be open
    already), as (day, opens, closes); ``None`` when there is none."""
    moment = timezone.localtime(now)
    for opening_day in days:
        for opens_at, closes_at in opening_day.hours:
            if opening_day.day > moment.date() or (
                opening_day.day == moment.date() and closes_at > moment.time()
            ):
                return opening_day.day, opens_at, closes_at
    return None


def organisation_public_activities(organisation_id: int) -> QuerySet[Activity]:
    return Activity.objects.filter(
        organisation_id=organisation_id, status=Activity.Status.PUBLISHED
    ).order_by("title")


def directory_last_modified() -> datetime | None:
    """When anything public in the directory last changed: the latest ``updated_at`` of a
    non-draft activity, a place or an organisation (for catalogues' ``modified``)."""
    moments = [
        Activity.objects.exclude(status=Activity.Status.DRAFT).aggregate(m=Max("updated_at"))["m"],
        Place.objects.aggregate(m=Max("updated_at"))["m"],
        Organisation.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    return max((moment for moment in moments if moment is not None), default=None)
