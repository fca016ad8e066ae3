"""Two desks pressing "+1 visitor" at once both count (real threads, both databases).

A read-then-write counter loses presses: both desks read 0 and both write 1. The service
increments in the database (``F("count") + 1``), and the day's row is made once
(``visitor_count_one_per_bank_day``): a desk whose insert loses increments the other's row.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection

from sammanhang.lending import services
from sammanhang.lending.models import VisitorCount

THREADS = 6
DAY = date(2026, 12, 2)


def _at_once(function):
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            function(barrier)
        except BaseException as exc:  # reported below, so a thread's failure fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_a_read_then_write_counter_loses_presses(bank):
    # What the service must not do: every desk reads the count before any of them writes.
    VisitorCount.objects.create(bank=bank, day=DAY, count=0)

    def naive(barrier):
        seen = VisitorCount.objects.get(bank=bank, day=DAY).count
        barrier.wait()
        VisitorCount.objects.filter(bank=bank, day=DAY).update(count=seen + 1)

    _at_once(naive)
    assert VisitorCount.objects.get(bank=bank, day=DAY).count == 1


@pytest.mark.django_db(transaction=True)
def test_desks_counting_at_once_count_every_press(bank):
    # No row for the day yet: the desks race to make it as well as to increment it.
    _at_once(lambda _barrier: services.visitor_count_add(bank=bank, day=DAY))
    assert VisitorCount.objects.get(bank=bank, day=DAY).count == THREADS

    _at_once(lambda _barrier: services.visitor_count_add(bank=bank, day=DAY))
    assert VisitorCount.objects.get(bank=bank, day=DAY).count == 2 * THREADS


@pytest.mark.django_db(transaction=True)
def test_undo_at_once_stops_at_zero(bank):
    services.visitor_count_add(bank=bank, day=DAY)
    services.visitor_count_add(bank=bank, day=DAY)
    _at_once(lambda _barrier: services.visitor_count_undo(bank=bank, day=DAY))
    assert VisitorCount.objects.get(bank=bank, day=DAY).count == 0


@pytest.mark.django_db
def test_the_database_refuses_a_negative_count(bank):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        VisitorCount.objects.create(bank=bank, day=DAY, count=-1)
