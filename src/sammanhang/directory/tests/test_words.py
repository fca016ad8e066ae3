"""Dates and rules in words: kept per day, rule and language, and still what they should say
when the day or the language changes."""

from __future__ import annotations

from datetime import date, time

from django.utils import translation

from sammanhang.directory.finder import ShownSession
from sammanhang.directory.models import Schedule
from sammanhang.directory.templatetags.directory import occurrence_when, schedule_words


def _session(day: date) -> ShownSession:
    return ShownSession(
        starts_at=None,  # type: ignore[arg-type]
        ends_at=None,  # type: ignore[arg-type]
        date=day,
        local_start=time(17),
        local_end=time(19),
        cancelled=False,
        note="",
        place=None,
        district=None,
    )


def test_the_same_day_is_today_then_tomorrow_then_neither_as_the_clock_moves(settings):
    session = _session(date(2026, 11, 25))
    settings.SAMMANHANG_FIXED_NOW = "2026-11-25T12:00"
    assert occurrence_when(session) == "i dag, onsdag 25 november, 17:00–19:00"
    settings.SAMMANHANG_FIXED_NOW = "2026-11-24T12:00"
    assert occurrence_when(session) == "i morgon, onsdag 25 november, 17:00–19:00"
    settings.SAMMANHANG_FIXED_NOW = "2026-11-20T12:00"
    assert occurrence_when(session) == "onsdag 25 november, 17:00–19:00"
    with translation.override("en"):
        assert occurrence_when(session) == "Wednesday 25 November, 17:00–19:00"


def test_a_page_may_give_today_and_then_the_clock_is_not_read(settings):
    session = _session(date(2026, 11, 25))
    settings.SAMMANHANG_FIXED_NOW = "2026-11-20T12:00"
    assert (
        occurrence_when(session, date(2026, 11, 24)) == "i morgon, onsdag 25 november, 17:00–19:00"
    )
    assert occurrence_when(session, date(2026, 11, 25)) == "i dag, onsdag 25 november, 17:00–19:00"


def test_the_finder_results_say_today_and_tomorrow_by_the_clock(settings):
    """The result list reads the clock once for all its sessions (``clock_today``)."""
    from django.template import engines

    settings.SAMMANHANG_FIXED_NOW = "2026-11-24T12:00"

    class Result:
        slug, title, summary, rules, online, price = "a", "Fika", "", [], False, ""
        is_free, companion_free, drop_in = True, "no", True
        organisation = type("Organisation", (), {"name": "Förening"})()
        upcoming = [_session(date(2026, 11, 24)), _session(date(2026, 11, 25))]

    html = (
        engines["jinja2"]
        .get_template("directory/finder_results.html")
        .render({"activities": [Result()]})
    )
    assert "i dag, tisdag 24 november, 17:00–19:00" in html
    assert "i morgon, onsdag 25 november, 17:00–19:00" in html


def test_a_rule_is_worded_in_the_language_asked_for_each_time():
    rule = Schedule(
        freq="WEEKLY",
        interval=2,
        byday="TU,TH",
        opens_at=time(17),
        closes_at=time(19),
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    swedish = schedule_words(rule)
    with translation.override("en"):
        english = schedule_words(rule)
    assert swedish != english
    assert schedule_words(rule) == swedish
    assert swedish.startswith("tisdagar och torsdagar")
    assert "17:00–19:00" in english
    rule.interval = 1
    assert schedule_words(rule) != swedish
