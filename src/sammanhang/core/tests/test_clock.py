"""The clock seam: real time by default, one fixed moment when SAMMANHANG_FIXED_NOW is set."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from sammanhang.core import clock


def test_without_a_fixed_moment_the_clock_runs_in_stockholm_time(settings):
    settings.SAMMANHANG_FIXED_NOW = ""
    moment = clock.now()
    assert abs(moment - timezone.now()) < timedelta(seconds=5)
    assert str(moment.tzinfo) == "Europe/Stockholm"
    assert clock.today() == timezone.localdate()


def test_a_fixed_local_moment_is_read_in_stockholm_time(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-11-24T17:30"
    assert clock.now() == datetime(2026, 11, 24, 16, 30, tzinfo=UTC)
    assert clock.now().hour == 17
    assert clock.today() == date(2026, 11, 24)


def test_a_fixed_moment_with_an_offset_keeps_its_instant(settings):
    # 23:30 UTC on 31 December is already New Year's Day in Stockholm.
    settings.SAMMANHANG_FIXED_NOW = "2026-12-31T23:30:00+00:00"
    assert clock.now() == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert clock.today() == date(2027, 1, 1)


def test_a_fixed_moment_in_summer_time_is_two_hours_ahead_of_utc(settings):
    settings.SAMMANHANG_FIXED_NOW = "2027-06-15T09:00"
    assert clock.now() == datetime(2027, 6, 15, 7, 0, tzinfo=UTC)


def test_an_unreadable_fixed_moment_names_the_setting(settings):
    settings.SAMMANHANG_FIXED_NOW = "i morgon"
    with pytest.raises(ImproperlyConfigured, match="SAMMANHANG_FIXED_NOW must be an ISO"):
        clock.now()
