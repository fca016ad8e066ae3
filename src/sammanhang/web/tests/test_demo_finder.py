"""Every finder filter, and every value of every choice filter, on the demo municipality.

The demo is loaded once for the module with the clock fixed (``SAMMANHANG_FIXED_NOW``), so
"today", "open now" and the default date window are the same on every run. Each case asks the
HTML finder over HTTP and checks two things: the results differ from the unfiltered search
(the demo has enough variety for the filter to matter), and every result satisfies the filter,
judged from the data with plain Python rather than with the finder's own selectors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django import forms
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sammanhang.directory.forms import FinderForm
from sammanhang.directory.models import (
    Activity,
    ActivityFeature,
    ActivityLanguage,
    FeatureValue,
    Occurrence,
    Place,
    PlaceFeature,
    Term,
)
from sammanhang.lending.models import Article, ArticleStatus, ArticleType, Bank
from sammanhang.web.demo.loader import demo_load

# A Tuesday evening in late November: evening groups are on, daytime ones have ended, and the
# Christmas closures fall inside the default 60-day window.
FIXED_NOW = "2026-11-24T17:30"
NOW = timezone.make_aware(datetime(2026, 11, 24, 17, 30))
TODAY = NOW.date()
WINDOW_DAYS = 60

# Fields without a filter case: sorting and paging reorder rather than filter; the distance
# fields (near, lat, lon, distance) are covered by the geo tests. Names that the form does not
# have (yet) are tolerated.
NOT_FILTERS = {"sort", "page", "near", "lat", "lon", "distance"}

RESULT_LINK = re.compile(r'<h3 class="result__title"><a href="/aktiviteter/([^/]+)/">')


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo municipality, loaded once at the fixed moment and rolled back afterwards."""
    with django_db_blocker.unblock(), override_settings(SAMMANHANG_FIXED_NOW=FIXED_NOW):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            demo_load()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def finder(demo, db, client, settings) -> Callable[[str], set[str]]:
    """Slugs of every result of a finder search (all pages), asserting a 200 page."""
    settings.SAMMANHANG_FIXED_NOW = FIXED_NOW

    def search(query: str) -> set[str]:
        found: set[str] = set()
        page = 1
        while True:
            separator = "&" if query else ""
            response = client.get(f"{reverse('directory:finder')}?{query}{separator}page={page}")
            assert response.status_code == 200, (query, response.content.decode()[:3000])
            html = response.content.decode()
            found |= set(RESULT_LINK.findall(html))
            if 'rel="next"' not in html:
                return found
            page += 1

    return search


# What "passes the filter" means, from the data. Occurrence-based filters look at the sessions
# that are not cancelled and fall in the window the search asks for.


def _sessions(slug: str, first: date | None = None, last: date | None = None) -> list[Occurrence]:
    first = first or TODAY
    last = last or first + timedelta(days=WINDOW_DAYS)
    return list(
        Occurrence.objects.filter(
            activity__slug=slug, cancelled=False, date__gte=first, date__lte=last
        ).filter(ends_at__gt=NOW)
    )


def _some_session(predicate: Callable[[Occurrence], bool], **window: date) -> Callable[[str], bool]:
    return lambda slug: any(predicate(s) for s in _sessions(slug, **window))


def _activity(slug: str) -> Activity:
    return Activity.objects.get(slug=slug)


def _has_feature(code: str) -> Callable[[str], bool]:
    def check(slug: str) -> bool:
        activity = _activity(slug)
        return (
            ActivityFeature.objects.filter(
                activity=activity, term__code=code, value=FeatureValue.YES
            ).exists()
            or PlaceFeature.objects.filter(
                place__in=activity.places.all(), term__code=code, value=FeatureValue.YES
            ).exists()
        )

    return check


def _open_to_age(age: int) -> Callable[[str], bool]:
    def check(slug: str) -> bool:
        activity = _activity(slug)
        return (activity.age_min is None or activity.age_min <= age) and (
            activity.age_max is None or age <= activity.age_max
        )

    return check


def _matches_word(word: str) -> Callable[[str], bool]:
    def check(slug: str) -> bool:
        a = _activity(slug)
        return word in f"{a.title} {a.summary} {a.description} {a.easy_read}".lower()

    return check


def _on_weekday(day: int) -> Callable[[Occurrence], bool]:
    return lambda session: session.date.isoweekday() == day


def _in_municipality(slug: str) -> Callable[[Occurrence], bool]:
    return lambda session: (
        session.district is not None and session.district.municipality.slug == slug
    )


def _in_district(code: str) -> Callable[[Occurrence], bool]:
    return lambda session: session.district is not None and session.district.code == code


def _has_term(relation: str, code: str) -> Callable[[str], bool]:
    return lambda slug: getattr(_activity(slug), relation).filter(code=code).exists()


def _speaks(code: str) -> Callable[[str], bool]:
    return lambda slug: ActivityLanguage.objects.filter(activity__slug=slug, code=code).exists()


def _offered(field: forms.Field) -> list[str]:
    """The values a choice field offers, without the empty "any" choice."""
    choices: Any = getattr(field, "choices", ())
    return [str(value) for value, _label in choices if value]


SUNDAY = TODAY + timedelta(days=7 - TODAY.isoweekday())
ONE_DAY = date(2026, 12, 5)  # a Saturday
WINDOW = (date(2026, 12, 21), date(2026, 12, 27))  # Christmas week

# field -> {query value: check}. A field whose values come from the database (districts,
# terms, languages) is generated from the form's own choices in ``_choice_cases``.
CASES: dict[str, dict[str, Callable[[str], bool]]] = {
    "q": {"innebandy": _matches_word("innebandy")},
    "weekday": {str(day): _some_session(_on_weekday(day)) for day in range(1, 8)},
    "time_of_day": {
        "daytime": _some_session(lambda s: s.local_start < time(16)),
        "evening": _some_session(lambda s: s.local_start >= time(16)),
        "weekend": _some_session(lambda s: s.date.isoweekday() in (6, 7)),
    },
    "when": {
        "today": _some_session(lambda s: s.date == TODAY),
        "tomorrow": _some_session(lambda s: s.date == TODAY + timedelta(days=1)),
        "this_week": _some_session(lambda s: TODAY <= s.date <= SUNDAY),
    },
    "date_from": {
        ONE_DAY.isoformat(): _some_session(lambda s: True, first=ONE_DAY),
    },
    "date_to": {
        ONE_DAY.isoformat(): _some_session(lambda s: s.date <= ONE_DAY),
    },
    "starts_after": {"18:00": _some_session(lambda s: s.local_start >= time(18))},
    "starts_before": {"10:00": _some_session(lambda s: s.local_start <= time(10))},
    "ends_after": {"20:00": _some_session(lambda s: s.local_end >= time(20))},
    "ends_before": {"13:00": _some_session(lambda s: s.local_end <= time(13))},
    "open_now": {"on": lambda slug: any(s.starts_at <= NOW < s.ends_at for s in _sessions(slug))},
    "free": {"on": lambda slug: _activity(slug).is_free},
    "companion_free": {"on": lambda slug: _activity(slug).companion_free == "yes"},
    "drop_in": {"on": lambda slug: _activity(slug).drop_in},
    "age": {str(age): _open_to_age(age) for age in (8, 16, 30, 70)},
}


def _choice_cases(field: str) -> dict[str, Callable[[str], bool]]:
    choices = _offered(FinderForm().fields[field])
    assert choices, field
    if field == "municipality":
        return {slug: _some_session(_in_municipality(slug)) for slug in choices}
    if field == "district":
        return {code: _some_session(_in_district(code)) for code in choices}
    if field == "target_group":
        return {code: _has_term("target_groups", code) for code in choices}
    if field == "category":
        return {code: _has_term("categories", code) for code in choices}
    if field == "feature":
        return {code: _has_feature(code) for code in choices}
    if field == "language":
        return {code: _speaks(code) for code in choices}
    raise AssertionError(f"no case for the choice field {field}")


CHOICE_FIELDS = ("municipality", "district", "target_group", "category", "feature", "language")
# Filters with a test of their own below, because they need more than the directory's data.
OWN_TESTS = {"equipment_to_borrow"}


def test_every_finder_field_has_a_case():
    fields = set(FinderForm.base_fields) - NOT_FILTERS
    assert fields - set(CASES) - set(CHOICE_FIELDS) - OWN_TESTS == set()
    # Static choice fields list every value the form offers.
    for name in ("weekday", "time_of_day", "when"):
        assert set(_offered(FinderForm.base_fields[name])) == set(CASES[name]), name


def _failures(finder, field: str, cases: dict[str, Callable[[str], bool]]) -> list[str]:
    everything = finder("")
    problems = []
    for value, holds in cases.items():
        found = finder(f"{field}={value}")
        if not found:
            problems.append(f"{field}={value}: no results")
        elif found == everything:
            problems.append(f"{field}={value}: same results as without the filter")
        wrong = sorted(slug for slug in found if not holds(slug))
        if wrong:
            problems.append(f"{field}={value}: results that do not match: {wrong}")
        if not found <= everything and field not in ("date_from", "date_to"):
            problems.append(f"{field}={value}: results the unfiltered search lacks")
    return problems


def test_the_demo_is_large_enough_to_page(finder):
    everything = finder("")
    published = set(Activity.objects.filter(status="published").values_list("slug", flat=True))
    assert len(everything) >= 40
    assert everything <= published


@pytest.mark.parametrize("field", sorted(CASES))
def test_filter_changes_results_and_every_result_passes(finder, field):
    assert _failures(finder, field, CASES[field]) == []


@pytest.mark.parametrize("field", CHOICE_FIELDS)
def test_every_choice_changes_results_and_every_result_passes(finder, field):
    assert _failures(finder, field, _choice_cases(field)) == []


def test_date_window_changes_results(finder):
    first, last = WINDOW
    found = finder(f"date_from={first}&date_to={last}")
    assert found
    assert found != finder("")
    wrong = [s for s in found if not _sessions(s, first=first, last=last)]
    assert wrong == []


def test_holiday_closures_cancel_sessions_and_show_the_reason(finder, client):
    """Sessions at a place closed on Christmas Eve are off: never a match, shown with why."""
    eve = date(2026, 12, 24)
    cancelled = Occurrence.objects.filter(date=eve, cancelled=True).exclude(note="")
    assert cancelled.count() >= 10
    only_cancelled = {o.activity.slug for o in cancelled} - {
        o.activity.slug for o in Occurrence.objects.filter(date=eve, cancelled=False)
    }
    found = finder(f"date_from={eve}&date_to={eve}")
    assert found
    assert only_cancelled
    assert found & only_cancelled == set()
    response = client.get(
        reverse("directory:finder"),
        {"q": "Mötesplats Drottninghög", "date_from": "2026-12-23", "date_to": "2026-12-27"},
    )
    html = response.content.decode()
    assert re.search(
        r'<li class="cancelled"><strong>Inställt:</strong> <s>[^<]+</s> – Julafton', html
    )


def test_the_mobile_meeting_place_visits_several_districts(demo, db):
    districts = (
        Occurrence.objects.filter(activity__slug__contains="motesplatsbuss", district__isnull=False)
        .values_list("district__code", flat=True)
        .distinct()
    )
    assert len(set(districts)) >= 3


def _needs_equipment_to_borrow(slug: str) -> bool:
    needed = _activity(slug).equipment.all()
    return Article.objects.filter(
        Q(type__category__in=needed) | Q(type__category__parent__in=needed),
        status__in=(ArticleStatus.AVAILABLE, ArticleStatus.ON_LOAN),
    ).exists()


def test_equipment_to_borrow_keeps_activities_whose_equipment_a_bank_lends(
    finder, make_organisation
):
    """The demo's activities that need equipment, with a bank (made here, in this test's
    transaction) lending balls and a retired pair of skis: the football evening is kept, the
    skiing day and the nature walk are not (whatever else a demo bank lends, the check below
    judges each result from the data)."""
    organisation = make_organisation("Fritidsbanken i testet")
    bank = Bank.objects.create(organisation=organisation, place=Place.objects.order_by("slug")[0])
    for code, term, status in [
        ("T1", "bollar", ArticleStatus.AVAILABLE),
        ("T2", "skidor-langd", ArticleStatus.RETIRED),
    ]:
        kind = ArticleType.objects.create(
            category=Term.objects.get(taxonomy="sammanhang-utrustning", code=term),
            name=f"Testartikel {term}",
        )
        Article.objects.create(bank=bank, type=kind, code=code, status=status)
    assert _failures(finder, "equipment_to_borrow", {"on": _needs_equipment_to_borrow}) == []
    assert "kvallsfotboll-planteringen" in finder("equipment_to_borrow=on")
