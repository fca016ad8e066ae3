"""The directory's scheduled jobs (run by ``sammanhang runperiodic``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from sammanhang.core.periodic import PeriodicJob, register


def _occurrences_extend(now: datetime) -> str:
    from sammanhang.directory.services import occurrences_extend

    count = occurrences_extend(today=timezone.localdate(now))
    return f"{count} activities extended to the horizon"


register(PeriodicJob("occurrences_extend", timedelta(hours=24), _occurrences_extend))
