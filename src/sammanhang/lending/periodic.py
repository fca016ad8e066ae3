"""Lending's scheduled jobs (run by ``sammanhang runperiodic``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from sammanhang.core.periodic import PeriodicJob, register


def _holds_expire(now: datetime) -> str:
    from sammanhang.lending.services import hold_expire

    count = hold_expire(today=timezone.localdate(now))
    return f"{count} reservations not picked up expired"


# Hourly, so an expired offer passes to the next in line the same morning.
register(PeriodicJob("lending_holds_expire", timedelta(hours=1), _holds_expire))


def _reminders(now: datetime) -> str:
    from sammanhang.lending.reminders import reminders_send

    return f"{reminders_send(now=now)} reminder messages sent"


# Hourly: the first run inside the day window sends; the records keep later runs quiet.
register(PeriodicJob("lending_reminders", timedelta(hours=1), _reminders))


def _hold_notices(now: datetime) -> str:
    from sammanhang.lending.reminders import hold_offers_notify

    return f"{hold_offers_notify(now=now)} reservation messages sent"


# Hourly: an offer made in the evening or at night is told by the first run after 09:00.
register(PeriodicJob("lending_hold_notices", timedelta(hours=1), _hold_notices))
