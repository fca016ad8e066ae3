"""Donated things turned away at the desk: the count, its corrections, statistics, the page."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from django.db import IntegrityError, connection
from django.utils import timezone

from sammanhang.lending import services, stats
from sammanhang.lending.models import Article, DonationSortedOut
from sammanhang.lending.tests.test_views import _member, _url

DAY = date(2026, 12, 2)


@pytest.mark.django_db
def test_counts_add_up_per_day_and_can_be_taken_back(bank):
    assert services.donation_sorted_out_add(bank=bank, items=3, day=DAY) == 3
    assert services.donation_sorted_out_add(bank=bank, items=2, day=DAY) == 5
    assert services.donation_sorted_out_add(bank=bank, items=-4, day=DAY) == 1
    assert services.donation_sorted_out_add(bank=bank, items=7, day=date(2026, 12, 3)) == 7
    assert DonationSortedOut.objects.get(bank=bank, day=DAY).items == 1


@pytest.mark.django_db
@pytest.mark.parametrize("items", [0, 501, -501])
def test_zero_and_slips_of_the_keyboard_are_refused(bank, items):
    with pytest.raises(services.LendingError, match="Skriv ett tal från 1 till 500."):
        services.donation_sorted_out_add(bank=bank, items=items, day=DAY)
    assert not DonationSortedOut.objects.exists()


@pytest.mark.django_db
def test_taking_back_more_than_the_day_has_is_refused_and_changes_nothing(bank):
    with pytest.raises(services.LendingError, match="Dagens antal är lägre än så"):
        services.donation_sorted_out_add(bank=bank, items=-1, day=DAY)
    services.donation_sorted_out_add(bank=bank, items=2, day=DAY)
    with pytest.raises(services.LendingError, match="Dagens antal är lägre än så"):
        services.donation_sorted_out_add(bank=bank, items=-3, day=DAY)
    assert DonationSortedOut.objects.get(bank=bank, day=DAY).items == 2


@pytest.mark.django_db
def test_the_database_refuses_a_negative_count_and_a_second_row_for_a_day(bank):
    DonationSortedOut.objects.create(bank=bank, day=DAY, items=1)
    with pytest.raises(IntegrityError):
        DonationSortedOut.objects.create(bank=bank, day=DAY, items=1)


@pytest.mark.django_db
def test_the_database_refuses_a_negative_count(bank):
    with pytest.raises(IntegrityError):
        DonationSortedOut.objects.create(bank=bank, day=DAY, items=-1)


@pytest.mark.django_db(transaction=True)
def test_two_desks_counting_at_once_both_count(bank):
    threads_n = 6
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            services.donation_sorted_out_add(bank=bank, items=2, day=DAY)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DonationSortedOut.objects.get(bank=bank, day=DAY).items == 2 * threads_n


@pytest.mark.django_db
def test_statistics_count_received_registered_and_scrapped(settings, bank, make_article):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T12:00"
    make_article("A1")
    make_article("A2")
    retired = make_article("A3")
    services.article_status_set(actor=None, article=retired, status="retired")
    services.donation_sorted_out_add(bank=bank, items=4, day=DAY)
    services.donation_sorted_out_add(bank=bank, items=9, day=date(2026, 11, 1))  # outside
    # Registered "today" by the real clock (created_at is auto_now_add); only the day matters.
    Article.objects.filter(bank=bank).update(
        created_at=timezone.make_aware(datetime(2026, 12, 1, 12))
    )
    summary = stats.stats_summary(bank=bank, start=date(2026, 11, 29), end=DAY, today=DAY)
    assert (summary.registered, summary.sorted_out, summary.retired) == (3, 4, 1)
    assert summary.received == 7
    assert summary.scrapped == 5
    # Nationally too (no bank: every bank).
    national = stats.stats_summary(bank=None, start=date(2026, 11, 29), end=DAY, today=DAY)
    assert national.sorted_out == 4


@pytest.mark.django_db
def test_the_desk_counts_on_the_donation_page(client, settings, bank):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T12:00"
    client.force_login(_member(bank, "desk", "editor"))
    page = _url("donation_register", bank)
    assert "0 skänkta saker har sorterats bort i dag." in client.get(page).content.decode()
    response = client.post(_url("donation_sorted_out", bank), {"sorted-items": "3"})
    assert response.status_code == 302
    assert response["Location"] == page
    content = client.get(page).content.decode()
    assert "Räknat. Bortsorterade saker i dag: 3." in content
    assert "3 skänkta saker har sorterats bort i dag." in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv hur många saker som sorterades bort."),
        ("tre", "Skriv ett heltal, till exempel 3."),
        ("0", "Skriv ett tal från 1 till 500."),
        ("900", "Skriv ett tal från 1 till 500."),
        ("-2", "Dagens antal är lägre än så."),
    ],
)
def test_a_wrong_number_is_refused_on_the_field_and_kept(client, bank, typed, message):
    client.force_login(_member(bank, "desk", "editor"))
    response = client.post(_url("donation_sorted_out", bank), {"sorted-items": typed})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content
    if typed:
        assert f'value="{typed}"' in content
    assert not DonationSortedOut.objects.filter(items__gt=0).exists()


@pytest.mark.django_db
def test_viewers_may_not_count(client, bank):
    client.force_login(_member(bank, "reader", "viewer"))
    assert client.post(_url("donation_sorted_out", bank), {"sorted-items": "1"}).status_code == 403
    assert not DonationSortedOut.objects.exists()
