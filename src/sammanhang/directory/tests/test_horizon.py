"""The rolling horizon: the daily ``occurrences_extend`` job keeps materialised sessions a
year ahead, so a schedule nobody edits never runs out of sessions in the finder."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.db.models import Max
from django.utils import timezone

from sammanhang.core import periodic
from sammanhang.core.services import periodic_run_due
from sammanhang.directory import services
from sammanhang.directory.models import Occurrence, Schedule


def last_date(activity):
    return Occurrence.objects.filter(activity=activity).aggregate(last=Max("date"))["last"]


def test_job_is_registered_daily():
    jobs = {job.name: job for job in periodic.registered_jobs()}
    assert jobs["occurrences_extend"].every == timedelta(hours=24)


def test_extend_moves_the_horizon_forward_as_the_days_go_by(directory):
    walk = directory["activities"]["helgpromenad"]  # Saturdays, no end date
    today = timezone.localdate()
    horizon = services.materialise_until(today)
    assert horizon - last_date(walk) < timedelta(days=7)
    later = today + timedelta(days=40)
    # Nobody edits anything for 40 days: without the job the sessions stop at the old horizon.
    assert last_date(walk) <= horizon
    rebuilt = services.occurrences_extend(today=later)
    assert rebuilt == 4  # the three published activities and the draft all have live schedules
    new_last = last_date(walk)
    assert new_last > horizon
    assert services.materialise_until(later) - new_last < timedelta(days=7)
    assert new_last.isoweekday() == 6
    # Nothing is doubled: one session per schedule and start.
    starts = Occurrence.objects.filter(activity=walk).values_list("starts_at", flat=True)
    assert len(starts) == len(set(starts))


def test_extend_leaves_ended_schedules_alone(directory):
    cafe = directory["activities"]["dagcafe"]
    today = timezone.localdate()
    Schedule.objects.filter(activity=cafe).update(valid_to=today - timedelta(days=1))
    services.occurrences_rebuild(activity=cafe, today=today)
    before = Occurrence.objects.filter(activity=cafe).count()
    rebuilt = services.occurrences_extend(today=today + timedelta(days=10))
    assert rebuilt == 3
    assert Occurrence.objects.filter(activity=cafe).count() == before


def test_extend_keeps_cancellations(directory):
    walk = directory["activities"]["helgpromenad"]
    schedule = walk.schedules.get()
    today = timezone.localdate()
    saturday = today + timedelta(days=(6 - today.isoweekday()) % 7 or 7)
    services.schedule_exception_add(
        actor=None, schedule=schedule, kind="cancelled", day=saturday, reason="Sjukdom"
    )
    services.occurrences_extend(today=today + timedelta(days=1))
    session = Occurrence.objects.get(activity=walk, date=saturday)
    assert session.cancelled is True
    assert session.note == "Sjukdom"
    assert session.local_start == time(11)


def test_runperiodic_runs_the_job(directory, capsys):
    walk = directory["activities"]["helgpromenad"]
    now = timezone.now() + timedelta(days=30)
    reports = periodic_run_due(now=now, only=["occurrences_extend"])
    assert reports == {"occurrences_extend": "4 activities extended to the horizon"}
    assert last_date(walk) > services.materialise_until(timezone.localdate())
    call_command("runperiodic", "--job", "occurrences_extend")
    assert "occurrences_extend: 4 activities extended" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_rebuilds_of_one_activity_at_the_same_time_do_not_collide(directory):
    walk = directory["activities"]["helgpromenad"]
    expected = Occurrence.objects.filter(activity=walk).count()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def rebuild():
        try:
            barrier.wait()
            services.occurrences_rebuild(activity=walk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=rebuild) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Occurrence.objects.filter(activity=walk).count() == expected
