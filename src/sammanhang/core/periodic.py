"""The registry of scheduled jobs that ``sammanhang runperiodic`` runs from one cron line.

An app declares its jobs in its own ``periodic.py`` with :func:`register`. Core declares the
jobs that belong to the platform as a whole (purging personal data, expired sessions).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

JobFunction = Callable[[datetime], str]


@dataclass(frozen=True)
class PeriodicJob:
    """A job run at most once per ``every``; ``run(now)`` returns a short report line."""

    name: str
    every: timedelta
    run: JobFunction


_jobs: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> PeriodicJob:
    if job.name in _jobs and _jobs[job.name] != job:
        raise ValueError(f"periodic job {job.name!r} is registered twice")
    _jobs[job.name] = job
    return job


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def _purge_personal_data(now: datetime) -> str:
    from sammanhang.core.services import personal_data_purge

    counts = personal_data_purge(now=now)
    return ", ".join(f"{key}: {count}" for key, count in counts.items()) or "nothing registered"


register(PeriodicJob("purge_personal_data", timedelta(hours=24), _purge_personal_data))


def _purge_tombstones(now: datetime) -> str:
    from sammanhang.core.services import tombstones_purge

    return f"{tombstones_purge(now=now)} tombstones older than the retention period deleted"


register(PeriodicJob("purge_tombstones", timedelta(hours=24), _purge_tombstones))
