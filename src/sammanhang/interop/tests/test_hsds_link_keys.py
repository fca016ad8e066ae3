"""GET /service_at_locations/{id} through the ``link_keys`` index: every public link is found
by the id the lists publish, a link is found however late it appears, a gone link is a 404,
and an unknown id costs a few queries, not a pass over every link."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sammanhang.directory import services
from sammanhang.directory.models import Activity
from sammanhang.interop.hsds import ids, link_keys, selectors, serialize
from sammanhang.interop.models import ServiceAtLocationKey, ServiceAtLocationKeyMark
from sammanhang.interop.tests.links import detail


@pytest.mark.django_db
def test_a_link_added_after_the_first_build_is_found(client, directory):
    activity = directory["activities"]["kvallsfika"]
    centrum = directory["places"]["centrum"]
    soder = directory["places"]["soder"]
    detail(client, ids.service_at_location_id(activity.uuid, soder.uuid))
    assert ServiceAtLocationKeyMark.objects.exists()
    new_place = ids.service_at_location_id(activity.uuid, centrum.uuid)
    online = ids.service_at_location_id(activity.uuid, ids.online_location_id(activity.uuid))
    detail(client, new_place, status=404)
    detail(client, online, status=404)

    services.activity_update(actor=None, activity=activity, places=[soder, centrum], online=True)

    assert detail(client, new_place)["location"]["name"] == "Centrumgården"
    assert detail(client, online)["location"]["location_type"] == "virtual"


@pytest.mark.django_db
def test_a_link_is_found_when_its_change_was_committed_after_the_last_refresh(client, directory):
    """An activity saved before a refresh but committed after it is not missed: the
    refresh looks back ``GRACE`` past its mark."""
    activity = directory["activities"]["kvallsfika"]
    centrum = directory["places"]["centrum"]
    link_keys.refresh()
    services.activity_update(actor=None, activity=activity, places=[centrum])
    Activity.objects.filter(pk=activity.pk).update(updated_at=timezone.now() - link_keys.GRACE / 2)

    detail(client, ids.service_at_location_id(activity.uuid, centrum.uuid))


@pytest.mark.django_db
def test_a_removed_link_or_an_unpublished_activity_is_a_404_and_loses_its_key(client, directory):
    activity = directory["activities"]["kvallsfika"]
    soder = directory["places"]["soder"]
    centrum = directory["places"]["centrum"]
    other = directory["activities"]["dagcafe"]
    moved = ids.service_at_location_id(activity.uuid, soder.uuid)
    hidden = ids.service_at_location_id(other.uuid, centrum.uuid)
    detail(client, moved)
    detail(client, hidden)

    services.activity_update(actor=None, activity=activity, places=[centrum])
    services.activity_set_status(actor=None, activity=other, status="draft")

    detail(client, moved, status=404)
    detail(client, hidden, status=404)
    assert not ServiceAtLocationKey.objects.filter(pk__in=[moved, hidden]).exists()
    services.activity_set_status(actor=None, activity=other, status="published")
    detail(client, hidden)


@pytest.mark.django_db
def test_a_refresh_drops_the_keys_of_changed_activities_whose_links_are_gone(directory):
    activity = directory["activities"]["kvallsfika"]
    soder = directory["places"]["soder"]
    centrum = directory["places"]["centrum"]
    link_keys.refresh()
    old = ids.service_at_location_id(activity.uuid, soder.uuid)
    assert ServiceAtLocationKey.objects.filter(pk=old).exists()

    services.activity_update(actor=None, activity=activity, places=[centrum])
    link_keys.refresh()

    assert not ServiceAtLocationKey.objects.filter(pk=old).exists()
    assert ServiceAtLocationKey.objects.filter(
        pk=ids.service_at_location_id(activity.uuid, centrum.uuid)
    ).exists()


@pytest.mark.django_db
def test_an_unknown_id_costs_a_few_queries_on_a_warm_table(
    directory, django_assert_max_num_queries
):
    link_keys.refresh()
    # Nothing changed since a while: the window holds no activity.
    ServiceAtLocationKeyMark.objects.update(refreshed_at=timezone.now() + timedelta(hours=2))
    for _ in range(3):
        with django_assert_max_num_queries(4):
            assert selectors.service_at_location_by_id(uuid.uuid4()) is None


@pytest.mark.django_db
def test_an_unknown_id_does_not_rescan_links_already_keyed(
    directory, django_assert_max_num_queries
):
    """Within the look-back window the activities just changed (the fixture's) were seen by
    the last refresh in their current state: passed over in the same query, nothing written."""
    link_keys.refresh()
    before = ServiceAtLocationKey.objects.count()
    with django_assert_max_num_queries(4):
        assert selectors.service_at_location_by_id(uuid.uuid4()) is None
    assert ServiceAtLocationKey.objects.count() == before


@pytest.mark.django_db
def test_the_command_builds_the_index_whole_and_drops_what_is_gone(directory):
    activity = directory["activities"]["kvallsfika"]
    soder = directory["places"]["soder"]
    link_keys.refresh()
    ServiceAtLocationKey.objects.create(id=uuid.uuid4(), activity=activity, place=None)
    out = io.StringIO()

    call_command("hsds_link_keys", stdout=out)

    published = {
        serialize.service_at_location_id(a, p)
        for a in Activity.objects.filter(status__in=serialize.PUBLIC_STATUSES)
        for p in serialize.service_at_locations_of(a)
    }
    assert set(ServiceAtLocationKey.objects.values_list("pk", flat=True)) == published
    assert ids.service_at_location_id(activity.uuid, soder.uuid) in published
    assert out.getvalue() == f"{len(published)} service_at_location ids\n"
