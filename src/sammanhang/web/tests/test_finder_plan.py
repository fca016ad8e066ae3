"""The finder's fast plan (``directory.finder``) gives the plain definition's answer.

On the demo municipality, for searches of every kind, the fast plan's order and count must be
those of ``activity_queryset_for_finder``, the one-query definition. Each search runs three
ways: with the real thresholds (the demo is a small set, read whole), and with thresholds so
low that every search is read from the start index in small batches and ranked in tier runs,
and the count stops early, which is how a national-scale directory is read.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from sammanhang.directory import finder, geo
from sammanhang.directory import search as text_search
from sammanhang.directory.models import Place
from sammanhang.directory.selectors import (
    FinderCriteria,
    activity_list_for_finder,
    activity_queryset_for_finder,
)
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
# Tuesday evening: some sessions are on, many start within the hour (ties at 18:00).
NOW = datetime.combine(DEMO_TODAY, time(17, 30), tzinfo=ZoneInfo("Europe/Stockholm"))

SEARCHES: list[dict[str, object]] = [
    {},
    {"sort": "name"},
    {"open_now": True},
    {"weekdays": (6, 7)},
    {"starts_after": time(17)},
    {"starts_before": time(12), "weekdays": (1, 2, 3)},
    {"free": True, "drop_in": True},
    {"target_groups": ("npf",)},
    {"categories": ("idrott", "motesplats")},
    {"age": 70},
    {"date_from": date(2026, 12, 20), "date_to": date(2027, 1, 6)},
    {"text": "fika"},
    {"text": "promenad"},
    {"text": "fika autism"},
    {"text": "träffpunkt kväll"},
    {"text": "innebandy", "sort": "name"},
    # Sorted by name from the matches' ids (PostgreSQL, where it expects them few).
    {"text": "fika", "sort": "name"},
    {"text": "promenad", "sort": "name", "free": True},
    {"text": "fika", "starts_after": time(17)},
    {"text": "fika", "open_now": True},
    {"text": "träffpunkt kväll", "open_now": True},
    {"languages": ("ar", "en")},
    # A feature of the activity's place or its own.
    {"features": ("rullstol",)},
    {"features": ("rullstol", "lugn-miljo"), "target_groups": ("aldre",)},
    # Several filters naming sets: on PostgreSQL the walk looks sessions up in their ids first.
    {"target_groups": ("npf",), "categories": ("motesplats", "idrott"), "starts_after": time(16)},
    {"districts": ("centrum", "soder")},
    {"text": "fika", "districts": ("centrum", "tagaborg"), "starts_after": time(16)},
    {"municipality": "helsingborg", "sort": "name"},
    # A day or two with words: the sessions of those days read whole (narrow by time).
    {"text": "fika", "date_from": DEMO_TODAY, "date_to": DEMO_TODAY},
    {"text": "träffpunkt kväll", "date_from": date(2026, 11, 24), "date_to": date(2026, 11, 25)},
    {"text": "promenad", "date_from": date(2026, 11, 28), "date_to": date(2026, 11, 28)},
]


@pytest.fixture
def demo(db: None) -> None:
    demo_load(today=DEMO_TODAY)


def _both(criteria: FinderCriteria) -> tuple[list[str], list[str], finder.FinderResults]:
    plain = list(activity_queryset_for_finder(criteria).values_list("slug", flat=True))
    fast = [a.slug for a in activity_list_for_finder(criteria)]
    return plain, fast, activity_list_for_finder(criteria)


def _check_every_search(extra: dict[str, object] | None = None) -> list[str]:
    failures = []
    checked = 0
    for search in SEARCHES:
        criteria = FinderCriteria(now=NOW, **{**search, **(extra or {})})  # type: ignore[arg-type]
        plain, fast, counted = _both(criteria)
        checked += bool(plain)
        if fast != plain:
            failures.append(f"{search}: plain {plain[:8]}…, fast {fast[:8]}…")
        # Exact, or stopped at the cap with at least that many there.
        count = counted.count()
        if (counted.count_exact and count != len(plain)) or (
            not counted.count_exact and (count != finder.COUNT_CAP or len(plain) < count)
        ):
            failures.append(f"{search}: count {count} {counted.count_exact}, {len(plain)} there")
    # The searches must find something, or the comparison proves nothing.
    assert checked >= len(SEARCHES) - 2
    return failures


def test_small_sets_are_read_whole_in_the_plain_order(demo: None) -> None:
    assert _check_every_search() == []


@pytest.fixture
def national_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Thresholds as a national directory meets them: every candidate set is "large" and
    every batch holds two or three sessions, so ties at one instant straddle batches, tiers
    become separate runs, and the count stops at 7."""
    for name, value in [
        ("SMALL_SET", 0),
        ("SMALL_SESSIONS", 0),
        ("FIRST_BATCH", 2),
        ("TIER_FIRST_BATCH", 2),
        ("MAX_BATCH", 3),
        ("COUNT_CAP", 7),
    ]:
        monkeypatch.setattr(finder, name, value)


def test_large_sets_read_in_batches_from_the_start_index_give_the_same_order(
    demo: None, national_scale: None
) -> None:
    assert _check_every_search() == []


def test_a_page_from_the_middle_is_the_plain_orders_slice(demo: None, national_scale: None) -> None:
    for search in ({}, {"text": "fika"}, {"sort": "name"}):
        criteria = FinderCriteria(now=NOW, **search)  # type: ignore[arg-type]
        plain = list(activity_queryset_for_finder(criteria).values_list("slug", flat=True))
        assert len(plain) > 12, search
        page = [a.slug for a in activity_list_for_finder(criteria)[5:10]]
        assert page == plain[5:10], search


def test_a_count_that_stops_says_so(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(finder, "SMALL_SET", 0)
    monkeypatch.setattr(finder, "COUNT_CAP", 5)
    everything = activity_list_for_finder(FinderCriteria(now=NOW))
    assert everything.count() == 5
    assert everything.count_exact is False
    few = activity_list_for_finder(FinderCriteria(now=NOW, text="innebandy"))
    assert 0 < few.count() < 5
    assert few.count_exact is True


def test_a_count_past_the_cap_builds_no_lower_tier(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the tiers read so far hold more than the cap, the count says "more than" without
    building the next tier's set: for a common word that set is nearly every activity (at
    20,000 activities "fika" spent 120 ms of 190 on a set the page never used)."""
    criteria = FinderCriteria(now=NOW, text="fika")
    plain = list(activity_queryset_for_finder(criteria).values_list("slug", flat=True))
    # Tiers, each small enough to read whole; the first two hold more than the cap.
    monkeypatch.setattr(finder, "SMALL_SET", 12)
    monkeypatch.setattr(finder, "COUNT_CAP", 3)
    results = activity_list_for_finder(criteria)
    assert len(plain) > 12, "the demo must match more than the small-set limit"
    assert results.count() == 3
    assert results.count_exact is False
    built = results._runs or []
    assert len(built) == 2
    assert all(run.complete for run in built)
    assert [a.slug for a in results[:10]] == plain[:10]
    # One run read whole (all the matches are few) is counted exactly, past the cap or not.
    monkeypatch.setattr(finder, "SMALL_SET", 2000)
    whole = activity_list_for_finder(criteria)
    assert (whole.count(), whole.count_exact) == (len(plain), True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="only PostgreSQL probes tiers")
def test_dense_lower_tiers_tested_per_session_give_the_same_order(
    demo: None, national_scale: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lower tier taken as dense (each session's activity tested by its own vectors)
    and none (the tier's set built once): both give the plain order and count."""
    probed = []
    original = text_search.tier_probe_condition

    def counting(*args: Any, **kwargs: Any) -> Any:
        probed.append(args[1])
        return original(*args, **kwargs)

    monkeypatch.setattr(text_search, "tier_probe_condition", counting)
    with connection.cursor() as cursor:  # the estimate needs statistics (autovacuum's, live)
        cursor.execute("ANALYZE directory_activitysearch")
        cursor.execute("ANALYZE directory_activitysearchtiers")
    for share in (0.0, 1.0):
        monkeypatch.setattr(text_search, "DENSE_SHARE", share)
        probed.clear()
        assert _check_every_search() == [], share
        assert bool(probed) is (share == 0.0), share


def test_results_carry_their_next_start_and_distance(demo: None) -> None:
    place = Place.objects.exclude(latitude=None).order_by("pk").first()
    assert place is not None
    assert place.latitude is not None
    assert place.longitude is not None
    point = geo.Point(place.latitude, place.longitude)
    for sort in ("distance", "next", "name"):
        criteria = FinderCriteria(now=NOW, point=point, distance_km=5, sort=sort)
        plain = list(activity_queryset_for_finder(criteria))
        fast = list(activity_list_for_finder(criteria))
        assert [a.slug for a in fast] == [a.slug for a in plain], sort
        assert plain, "the demo has activities near its own places"
        for mine, theirs in zip(fast, plain, strict=True):
            assert mine.next_start == theirs.next_start  # type: ignore[attr-defined]
            assert mine.distance_km == pytest.approx(theirs.distance_km)  # type: ignore[attr-defined]


def test_the_page_and_the_api_say_when_counting_stopped(
    client, demo: None, monkeypatch: pytest.MonkeyPatch, settings
) -> None:
    settings.SAMMANHANG_FIXED_NOW = NOW.isoformat()
    monkeypatch.setattr(finder, "SMALL_SET", 0)
    monkeypatch.setattr(finder, "COUNT_CAP", 3)
    page = client.get("/aktiviteter/").content.decode()
    assert "Fler än 3 aktiviteter hittades" in page
    assert "Välj ett område, en tid eller något annat filter för en kortare lista." in page
    body = client.get("/api/v1/activities").json()
    assert body["count"] == 3
    assert body["count_exact"] is False
    narrow = client.get("/api/v1/activities?q=innebandy").json()
    assert narrow["count_exact"] is True
    assert narrow["count"] == len(narrow["results"])
