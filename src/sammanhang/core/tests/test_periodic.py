from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from sammanhang.core import periodic
from sammanhang.core.models import PeriodicJobState
from sammanhang.core.services import periodic_run_due


@pytest.fixture
def counting_job(monkeypatch):
    runs: list[object] = []

    def run(now):
        runs.append(now)
        return f"run {len(runs)}"

    job = periodic.PeriodicJob("test_counting", timedelta(hours=1), run)
    monkeypatch.setattr(periodic, "_jobs", {job.name: job})
    return runs


def test_due_job_runs_once_until_due_again(db, counting_job):
    now = timezone.now()
    assert periodic_run_due(now=now) == {"test_counting": "run 1"}
    assert periodic_run_due(now=now + timedelta(minutes=59)) == {}
    assert periodic_run_due(now=now + timedelta(minutes=61)) == {"test_counting": "run 2"}
    state = PeriodicJobState.objects.get(name="test_counting")
    assert state.last_succeeded is True
    assert state.last_message == "run 2"


def test_failing_job_is_recorded_and_others_still_run(db, monkeypatch):
    def broken(now):
        raise ValueError("nope")

    jobs = {
        "a_broken": periodic.PeriodicJob("a_broken", timedelta(hours=1), broken),
        "b_fine": periodic.PeriodicJob("b_fine", timedelta(hours=1), lambda now: "ok"),
    }
    monkeypatch.setattr(periodic, "_jobs", jobs)
    reports = periodic_run_due()
    assert reports == {"a_broken": "failed: ValueError", "b_fine": "ok"}
    assert PeriodicJobState.objects.get(name="a_broken").last_succeeded is False


@pytest.mark.django_db(transaction=True)
def test_overlapping_runners_run_a_job_only_once(counting_job):
    now = timezone.now()
    periodic_run_due(now=now - timedelta(hours=2))  # create the state row
    counting_job.clear()
    barrier = threading.Barrier(4)

    def runner():
        try:
            barrier.wait()
            periodic_run_due(now=now)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=runner) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counting_job) == 1


def test_platform_jobs_are_registered_and_command_runs_them(db, capsys):
    assert "purge_personal_data" in {job.name for job in periodic.registered_jobs()}
    call_command("runperiodic")
    assert "purge_personal_data:" in capsys.readouterr().out
    call_command("runperiodic")
    assert "No job was due." in capsys.readouterr().out
    call_command("runperiodic", "--job", "purge_personal_data")
    assert "purge_personal_data:" in capsys.readouterr().out


def test_unknown_job_name_is_refused(db, capsys):
    with pytest.raises(SystemExit):
        call_command("runperiodic", "--job", "no_such_job")
    assert "Unknown job 'no_such_job'" in capsys.readouterr().err
