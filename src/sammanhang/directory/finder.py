"""How the finder answers fast at national scale: a page of results and a count.

The plain definition of a result list (``selectors.activity_queryset_for_finder``) asks the
database for every matching activity's next matching session and sorts them all. At 200,000
activities and millions of sessions that is a pass over the whole window for every request.
This module gives the same answer, in the same order, while touching only what the page needs:

- **Small candidate sets** (the activity filters, text included, leave at most
  ``SMALL_SET`` activities): one grouped query gives each candidate's next matching start,
  ordered by the database; the count is exact.
- **Large candidate sets**: sessions are read in start order from the ``starts_at`` index,
  batch by batch, and each activity is taken at its first session. A page of 20 needs a few
  dozen rows. The count stops at ``COUNT_CAP`` ("more than 200"), as search engines do,
  because counting every match is the one thing that cannot be done without reading them all.
- **Text search** ranks in tiers (title, then summary and terms, then description, then the
  rest), and by how many of the words the title has; each tier is its own run of the two
  plans above, best tier first, so a common word does not rank every activity that has it.
- **Sorted by name**: the database walks activities in title order and stops at the page.
- **Sorted by distance**: a search near a point is bounded by its box, so it is a small set.

Ties on the next start are broken by title and id in the database's own collation, exactly
as the plain definition orders them (tested against it in ``web/tests/test_finder_plan.py``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Literal, overload

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.db.models.lookups import Exact

from sammanhang.directory import search
from sammanhang.directory.models import Activity, Occurrence

SMALL_SET = 2000
SMALL_SESSIONS = 20000
COUNT_CAP = 200
FIRST_BATCH = 250
TIER_FIRST_BATCH = 1500
MAX_BATCH = 20000
# At most this many matches are read and sorted by name whole (see FinderResults._by_name).
NAME_SORTED_MATCHES = 20000


@dataclass
class _Run:
    """One rank group's activities in order, as far as they have been read."""

    # Narrows sessions to those of this group's text or tier.
    text_of: Callable[[QuerySet[Occurrence]], QuerySet[Occurrence]] = lambda rows: rows
    ids: list[int] = field(default_factory=list)
    starts: dict[int, datetime | str] = field(default_factory=dict)  # see _instant
    complete: bool = False
    rows_after: datetime | None = None
    batch: int = field(default_factory=lambda: FIRST_BATCH)  # read when the run starts

    def take(self, pk: int, start: datetime | str) -> None:
        if pk not in self.starts:
            self.starts[pk] = start
            self.ids.append(pk)


class FinderResults:
    """The finder's results, read lazily: ``count()`` and slices, as ``Paginator`` and the API
    expect of a queryset. A slice returns activities with ``next_start`` (and ``distance_km``
    near a point), prefetched by ``decorate`` and completed by ``attach`` (which sets what a
    page shows beside each activity, read for the whole page at once), so a page costs the
    same whatever its size.

    ``activities`` are the published activities passing every activity-level filter (not the
    text); ``occurrences`` the sessions passing every time and place filter.
    """

    def __init__(
        self,
        *,
        activities: QuerySet[Activity],
        occurrences: QuerySet[Occurrence],
        query: search.ParsedQuery | None,
        sort: str,
        near: bool,
        decorate: Callable[[QuerySet[Activity]], QuerySet[Activity]],
        attach: Callable[[list[Activity]], None] | None = None,
        narrow: Literal["", "place", "time"] = "",
        known_many: Callable[[int], bool] | None = None,
        activity_filters: bool = True,
        among: QuerySet[Any] | None = None,
    ) -> None:
        self._query = query or None
        self._activities = activities
        self._matching = search.filter_matching(activities, query) if query else activities
        self._occurrences = occurrences
        # Sessions of activities passing the filters: tested per session (one probe by
        # primary key) as the start index is read. As a join, SQLite's planner would read
        # every matching activity's sessions first and sort them all.
        self._passing = occurrences.filter(Exists(activities.filter(pk=OuterRef("activity_id"))))
        # The walk in start order tests each session's activity. With ``among`` (ids of a
        # superset of the passing activities), each session is first looked up in that set,
        # built once, and only those in it are tested (see ``selectors._among``).
        self._walked = self._passing
        if among is not None:
            self._walked = search.keep_where(occurrences, Q(activity_id__in=among)).filter(
                Exists(activities.filter(pk=OuterRef("activity_id")))
            )
        self._sort = sort
        self._near = near
        self._narrow = narrow
        self._few: bool | None = None
        self._sessions = 0  # how many sessions pass, where they are few (see _few_sessions)
        self._decorate = decorate
        self._attach = attach
        self._known_many = known_many
        # Whether anything beyond "published" narrows the activities (a target group, free…).
        self._activity_filters = activity_filters
        self._runs: list[_Run] | None = None
        self._groups: Iterator[Callable[[], _Run]] = iter(())
        self._next: Callable[[], _Run] | None = None
        self._abc_dense: bool | None = None  # see _tier_run
        self._distances: list[tuple[int, datetime, float]] | None = None
        self._count: int | None = None
        self.count_exact = True

    # --- what Paginator, the printed list and the API ask of a queryset ----------------------

    def count(self) -> int:
        if self._count is None:
            self._count, self.count_exact = self._counted()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, key: int) -> Activity: ...
    @overload
    def __getitem__(self, key: slice) -> list[Activity]: ...
    def __getitem__(self, key: int | slice) -> Activity | list[Activity]:
        if isinstance(key, int):
            return self[key : key + 1][0]
        start = key.start or 0
        if self._sort == "name":
            by_name = self._by_name().values_list("pk", flat=True)
            ids = list(by_name[start : key.stop])
        else:
            ids = self._ordered_ids(math.inf if key.stop is None else key.stop)[start : key.stop]
        return self._fetch(ids)

    def __iter__(self) -> Iterator[Activity]:
        return iter(self[:])

    # --- order ------------------------------------------------------------------------------

    def _by_name(self) -> QuerySet[Activity]:
        """The results by name: title, then id.

        With words that match few activities (PostgreSQL's estimate, then read: at most
        ``NAME_SORTED_MATCHES``), their ids are read first and those with a session sorted.
        As one query, PostgreSQL walked its title index, testing activities from "A" on until
        a page of them matched ("simning" by name: 2.6 s, "innebandy" 1.2 s at 200,000
        activities), or sorted every activity. A word in most activities fills a page soon
        by the walk, and SQLite walks either way well enough.
        """
        if (
            connection.vendor == "postgresql"
            and self._query is not None
            and not search.estimated_to_match_more_than(self._query, NAME_SORTED_MATCHES)
        ):
            ids = _ids_if_few(self._matching, NAME_SORTED_MATCHES)
            if ids is not None:
                # By the ids (one array parameter), sorted by the title as an expression: by
                # the column, the planner still walked its index, testing each activity
                # against the ids. The same text and collation, so the same order.
                found = Activity.objects.filter(_AnyOf(F("pk"), Value(ids))).filter(
                    Exists(self._occurrences.filter(activity=OuterRef("pk")))
                )
                return found.order_by(Concat(F("title"), Value("")), "pk")
        return self._present().order_by("title", "pk")

    def _present(self) -> QuerySet[Activity]:
        """The matching activities that have a matching session."""
        if self._narrow == "place" and connection.vendor == "sqlite":
            # A place's sessions are few: their activities as a set, read from the place's
            # own index first. Tested activity by activity, SQLite walked every title in order
            # to find a municipality's few (by name: 233 -> 44 ms, with "fika" 1,075 -> 221,
            # a district 974 -> 24 at 200,000 activities). PostgreSQL plans the test well
            # (40 ms) and the set less so (55 ms).
            return self._matching.filter(pk__in=self._occurrences.values("activity_id"))
        return self._matching.filter(Exists(self._occurrences.filter(activity=OuterRef("pk"))))

    def _ordered_ids(self, need: float) -> list[int]:
        if self._near and self._sort == "distance":
            return [pk for pk, _first, _km in self._by_distance()]
        ids: list[int] = []
        for run in self._each_run():
            while len(ids) + len(run.ids) < need and not run.complete:
                self._read(run, need - len(ids))
            ids.extend(run.ids)
            if len(ids) >= need:
                break
        return ids

    def _each_run(self, stop: Callable[[], bool] | None = None) -> Iterator[_Run]:
        """The runs in rank order, each made only when the page or the count reaches it.

        ``stop``, asked before making a run, ends the iteration with that run still to make
        (``_next``): the count stops there, and the page may go on later.
        """
        if self._runs is None:
            self._runs = []
            self._groups = iter(self._plan())
        yield from self._runs
        while True:
            if self._next is None:
                self._next = next(self._groups, None)
                if self._next is None:
                    return
            if stop is not None and stop():
                return
            run = self._next()
            self._next = None
            self._runs.append(run)
            yield run

    def _plan(self) -> Iterator[Callable[[], _Run]]:
        ranked = self._query is not None and self._sort == "next"
        few: list[int] | None = None
        if ranked and not self._few_sessions():
            assert self._query is not None
            # Published matches are fewer than all matches: unless those are known (SQLite) or
            # estimated (PostgreSQL, with a margin) to be many, read the published ones (up to
            # one past the limit). Read in vain, that cost 31–37 ms for a word in many
            # summaries; a wrong estimate only sends the few matches through the tiers.
            many = search.known_to_match_more_than(
                self._query, SMALL_SET
            ) or search.estimated_to_match_more_than(self._query, 2 * SMALL_SET)
            if not many:
                few = _ids_if_few(self._matching, SMALL_SET)
            # Else the tiers, best first; a page rarely needs more than the first.
        if not ranked or self._few_sessions() or few is not None:
            yield lambda: self._small_or_stream(
                self._matching, self._text_of_matching, ranked=ranked, ids=few
            )
            return
        # A common word: each rank group is its own run, best first, read as it is needed.
        assert self._query is not None
        words = len(self._query.alternatives)
        if words == 1:
            for tier in (4, 3, 2, 1):
                yield functools.partial(self._tier_run, tier, 0)
            return
        # The title tier is "every word in the title", so its title hits are all the words,
        # and a lower tier's are fewer: the other groups are empty, and asking for them cost
        # a query each that built every word's title set (165 ms for "unga seniorer").
        yield functools.partial(self._tier_run, 4, words)
        for tier in (3, 2, 1):
            for hits in range(words - 1, -1, -1):
                yield functools.partial(self._tier_run, tier, hits)

    def _tier_run(self, tier: int, hits: int) -> _Run:
        """The run of one rank group: the activities whose best tier is ``tier`` (and, for
        several words, with ``hits`` of them in the title).

        A lower tier holding most activities (PostgreSQL's estimate, ``search.tier_is_dense``)
        is read from the stored document and, where sessions are read in order, tested session
        by session; building its set would read most of the table.
        """
        query = self._query
        assert query is not None
        stored = False
        if tier <= 2:
            if self._abc_dense is None:
                self._abc_dense = search.tier_is_dense(query, 2)
            stored = self._abc_dense
        if tier == 2:
            dense = stored
        else:
            # The topic tier of several words is walked as one set (search.group_condition).
            dense = (tier == 1 or (tier == 3 and len(query.alternatives) == 1)) and (
                search.tier_is_dense(query, tier)
            )
        group = search.filter_tier(self._activities, query, tier, stored=stored)
        words = len(query.alternatives)
        if words > 1:
            group = group.alias(hits=search.title_hits(query)).filter(hits=hits)
        text_of = functools.partial(
            _in_tier, query=query, tier=tier, hits=hits, dense=dense, stored=stored
        )
        return self._small_or_stream(group, text_of, tier=tier, hits=hits)

    def _text_of_matching(self, sessions: QuerySet[Occurrence]) -> QuerySet[Occurrence]:
        """Sessions of activities matching the words: tested per session where a place leaves
        few sessions, from the set of matches (built once) where sessions are read in order."""
        if self._query is None:
            return sessions
        if self._few_sessions():
            # Read by time from the start index, a session may test its activity in the set
            # of matches; read by place, PostgreSQL's planner would then leave the place
            # index for the date's and read the whole window (a municipality's "padel":
            # 62 ms tested one by one, 367 ms so).
            count = self._sessions if self._narrow == "time" else None
            return search.filter_sessions_matching(sessions, self._query, count)
        return search.filter_matching(sessions, self._query, field="activity_id", hashed=True)

    def _few_sessions(self) -> bool:
        """Whether a district, a point or "open now" leaves few sessions: even when the words
        and filters leave many activities, the sessions are then the small set to read whole
        ("yoga", open now: 400 ms through each rank group's set, at 200,000 activities)."""
        if self._few is None:
            self._sessions = _count_to(self._occurrences, SMALL_SESSIONS) if self._narrow else 0
            self._few = bool(self._narrow) and self._sessions <= SMALL_SESSIONS
        return self._few

    def _small_or_stream(
        self,
        group: QuerySet[Activity],
        text_of: Callable[[QuerySet[Occurrence]], QuerySet[Occurrence]],
        *,
        ranked: bool = False,
        ids: list[int] | None = None,
        tier: int | None = None,
        hits: int = 0,
    ) -> _Run:
        if self._few_sessions():
            # From the sessions, each testing its activity (the place index leads).
            return self._small(text_of(self._passing), ranked=ranked)
        known_many = False
        if ids is None and not ranked:
            ids, known_many = self._group_ids_if_few(group, tier, hits)
        if ids is not None:
            # From the few activities, each with its sessions (the activity index leads). By
            # their ids as read: asking for the group again would match the words again. As a
            # subquery, so PostgreSQL's planner expects as many activities as there are ids
            # (a plain list of 1,000 ids made it hash all 200,000 for their titles).
            few = Activity.objects.filter(pk__in=ids).values("pk")
            return self._small(self._occurrences.filter(activity__in=few), ranked=ranked)
        assert not ranked, "a ranked set is read whole: from few sessions or by its ids"
        if known_many and tier is not None and connection.vendor == "sqlite":
            # A text tier known to be many (SQLite's FTS5) builds its set again for every
            # batch (50 ms for a word in 200,000 descriptions), so the first batch is made
            # large enough to pass the first instant, which a broad search reads whole (1,300
            # sessions start at 16:00 at 200,000 activities), and to fill the count in one
            # read: 107 ms rather than 139 (p95 114, not 211); 15 ms more at 20,000.
            return _Run(text_of, batch=TIER_FIRST_BATCH)
        return _Run(text_of)

    def _group_ids_if_few(
        self, group: QuerySet[Activity], tier: int | None, hits: int
    ) -> tuple[list[int] | None, bool]:
        """The group's ids if it holds at most ``SMALL_SET`` activities; else None, and
        whether it is known to hold more (see ``_known_many_in``).

        A title or topic rank group on PostgreSQL is read from the tiers' own table first
        (``search.tier_ids``); the activities passing the filters are then those of its ids.
        """
        if tier is not None and self._query is not None:
            candidates = search.tier_ids(self._query, SMALL_SET, tier, hits)
            if candidates is not None and len(candidates) <= SMALL_SET:
                passing = self._activities.filter(pk__in=candidates)
                return list(passing.values_list("pk", flat=True)), False
            if candidates is not None and not self._activity_filters:
                return None, True
        if self._known_many_in(group, tier):
            return None, True
        return _ids_if_few(group, SMALL_SET), False

    def _known_many_in(self, group: QuerySet[Activity], tier: int | None = None) -> bool:
        """Whether the group is known to hold more than ``SMALL_SET`` activities without
        reading them: the whole set from the activity filter's own index (``known_many``);
        a lower tier of one word, with no activity filter besides the text, from SQLite's
        FTS5 (``search.known_to_match_more_than``; titles and topics are read)."""
        if tier is not None:
            assert self._query is not None
            return (
                not self._activity_filters
                and len(self._query.alternatives) == 1
                and tier <= 2
                and search.known_to_match_more_than(self._query, SMALL_SET, tier=tier)
            )
        return (
            group is self._matching
            and self._query is None
            and self._known_many is not None
            and self._known_many(SMALL_SET)
        )

    def _small(self, sessions: QuerySet[Occurrence], *, ranked: bool = False) -> _Run:
        """A small set, read whole: each activity at its next session, in one query (and,
        ranked, one more for the text ranks of those activities only)."""
        # Each activity's title by its key, as the walk reads it: joined, PostgreSQL hashed
        # every activity's title to order the 2,400 running now ("fika", open now: 75 ms,
        # now 45, at 200,000 activities).
        title = Activity.objects.filter(pk=OuterRef("activity_id")).values("title")[:1]
        rows = list(
            sessions.values("activity_id")
            .annotate(first=Min("starts_at"), activity_title=Subquery(title))
            .order_by("first", "activity_title", "activity_id")
            .values_list("activity_id", "first")
        )
        if ranked and self._query is not None:
            ranks = search.ranks([pk for pk, _first in rows], self._query)
            # Stable: within a rank the database's order (next start, title) stays.
            rows.sort(key=lambda row: (-ranks[row[0]][0], -ranks[row[0]][1]))
        run = _Run(complete=True)
        for pk, first in rows:
            run.take(pk, first)
        return run

    def _read(self, run: _Run, wanted: float) -> None:
        """Read the next batch of sessions in start order; each new activity joins the run.

        A batch ends before its last start time, so that activities starting at the same
        moment are always read together and ordered by title in the database.
        """
        title = Activity.objects.filter(pk=OuterRef("activity_id")).values("title")[:1]
        rows_qs = (
            run.text_of(self._walked)
            .annotate(activity_title=Subquery(title))
            .order_by("starts_at", "activity_title", "activity_id")
        )
        if run.rows_after is not None:
            rows_qs = rows_qs.filter(starts_at__gt=run.rows_after)
        start: Any = F("starts_at")
        if connection.vendor == "sqlite":
            # SQLite keeps instants as ISO text, which sorts as the instants do, and Django
            # would parse every row's; a batch only compares them, so only those kept are
            # parsed (``_instant``).
            start = Cast("starts_at", output_field=CharField())
        rows_qs = rows_qs.annotate(start_key=start)
        rows = list(rows_qs.values_list("activity_id", "start_key")[: run.batch])
        if len(rows) < run.batch:
            run.complete = True
        elif rows[0][1] < rows[-1][1]:
            rows = [r for r in rows if r[1] < rows[-1][1]]
            run.rows_after = _instant(rows[-1][1])
        else:
            # One instant filled the whole batch (many groups start at 18:00): read it whole.
            instant = _instant(rows[-1][1])
            rows = list(rows_qs.filter(starts_at=instant).values_list("activity_id", "start_key"))
            run.rows_after = instant
        before = len(run.ids)
        for pk, start in rows:
            run.take(pk, start)
        # Size the next batch by how many new activities a row brought this time, so a
        # selective search reads enough in one go and a broad one reads no more than needed.
        wanted -= len(run.ids) - before
        per_row = max((len(run.ids) - before) / max(len(rows), 1), 0.01)
        run.batch = int(min(max(wanted / per_row * 1.2, FIRST_BATCH), MAX_BATCH))

    def _by_distance(self) -> list[tuple[int, datetime, float]]:
        if self._distances is not None:
            return self._distances
        rows = (
            self._text_of_matching(self._passing)
            .values("activity_id")
            .annotate(first=Min("starts_at"), km=Min("distance_km"))
            .order_by("km", "first", "activity__title", "activity_id")
            .values_list("activity_id", "first", "km")
        )
        self._distances = list(rows)
        return self._distances

    # --- count ------------------------------------------------------------------------------

    def _counted(self) -> tuple[int, bool]:
        if self._near and self._sort == "distance":
            return len(self._by_distance()), True
        total = 0

        def past_cap() -> bool:
            return total > COUNT_CAP

        # Past the cap, the next rank group's set is not built: for a common word that is
        # nearly every activity, and "more than 200" needs no more.
        for run in self._each_run(stop=past_cap):
            while not run.complete and total + len(run.ids) < COUNT_CAP:
                self._read(run, COUNT_CAP - total - len(run.ids))
            total += len(run.ids)
            if not run.complete:
                # At least this many; reading on would mean reading every match.
                return COUNT_CAP, False
        if self._next is not None:
            return COUNT_CAP, False
        return total, True

    # --- the page ---------------------------------------------------------------------------

    def _fetch(self, ids: list[int]) -> list[Activity]:
        """The activities of a page, in order, with their next start (and distance)."""
        if not ids:
            return []
        found: dict[int, Any] = {}
        for run in self._runs or []:
            found.update(
                (pk, {"first": _instant(run.starts[pk])}) for pk in ids if pk in run.starts
            )
        for pk, first, km in self._distances or []:
            found[pk] = {"first": first, "km": km}
        if any(pk not in found or (self._near and "km" not in found[pk]) for pk in ids):
            # Sorted by name (no run read) or near a point (distances): one query for the page.
            firsts = self._occurrences.filter(activity_id__in=ids).values("activity_id")
            firsts = firsts.annotate(first=Min("starts_at"))
            if self._near:
                firsts = firsts.annotate(km=Min("distance_km"))
            found.update((row["activity_id"], row) for row in firsts)
        activities = {a.pk: a for a in self._decorate(Activity.objects.filter(pk__in=ids))}
        page = []
        for pk in ids:
            activity = activities[pk]
            row = found.get(pk, {})
            activity.next_start = row.get("first")  # type: ignore[attr-defined]
            if self._near:
                activity.distance_km = row.get("km")  # type: ignore[attr-defined]
            page.append(activity)
        if self._attach is not None:
            self._attach(page)
        return page


@dataclass(frozen=True, slots=True)
class ShownPlace:
    pk: int
    slug: str
    name: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class ShownDistrict:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class ShownSession:
    """A session as a result shows it (``upcoming``): what the result list, the map and the
    API's record read of an ``Occurrence``, read as plain values for a page at once."""

    starts_at: datetime
    ends_at: datetime
    date: date
    local_start: time
    local_end: time
    cancelled: bool
    note: str
    place: ShownPlace | None
    district: ShownDistrict | None


def _instant(value: datetime | str) -> datetime:
    """An instant as read: a datetime, or SQLite's ISO text in UTC (see ``_read``)."""
    if isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class _AnyOf(Func):
    """``field = ANY(%s)`` with one array parameter (PostgreSQL)."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _ids_if_few(rows: QuerySet[Any], limit: int) -> list[int] | None:
    """The rows' ids if there are at most ``limit``, reading no further than one past it."""
    ids = list(rows.order_by().values_list("pk", flat=True)[: limit + 1])
    return ids if len(ids) <= limit else None


def _count_to(rows: QuerySet[Any], limit: int) -> int:
    """How many there are, counting no further than one past ``limit``."""
    return rows.order_by().values("pk")[: limit + 1].count()


def _in_tier(
    sessions: QuerySet[Occurrence],
    *,
    query: search.ParsedQuery,
    tier: int,
    hits: int,
    dense: bool,
    stored: bool,
) -> QuerySet[Occurrence]:
    group = search.group_condition(query, tier, hits, field="activity_id")
    if group is not None:  # the title or topic rank group as one set (PostgreSQL)
        return search.keep_where(sessions, group)
    if dense:
        condition = search.tier_probe_condition(query, tier, field="activity_id")
    else:
        condition = search.tier_condition(query, tier, field="activity_id", stored=stored)
    if len(query.alternatives) > 1:
        condition &= Q(Exact(search.title_hits(query, field="activity_id"), hits))
    # One test per session for the whole rank group (see search.keep_where).
    return search.keep_where(sessions, condition)
