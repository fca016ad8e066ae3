"""The demo municipality through the HSDS API: every service_at_location that the lists
publish is found by its id (``interop.hsds.link_keys``), including an online activity's.
Here because the demo loader is in the web layer, which interop's tests may not import."""

from __future__ import annotations

from datetime import date

import pytest

from sammanhang.directory import services
from sammanhang.directory.models import Activity
from sammanhang.interop.hsds import serialize
from sammanhang.interop.models import ServiceAtLocationKey
from sammanhang.interop.tests.links import detail, published_ids
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)


@pytest.mark.django_db
def test_every_public_link_of_the_demo_is_found_by_its_published_id(client):
    demo_load(today=DEMO_TODAY)
    online = Activity.objects.filter(status="published").earliest("pk")
    services.activity_update(actor=None, activity=online, online=True)
    published = published_ids()
    assert len(published) > 20
    assert any(place is None for _, place in published.values())

    for key_id, (activity_pk, place_pk) in published.items():
        body = detail(client, key_id)
        assert body["id"] == key_id
        assert body["service_id"] == str(Activity.objects.get(pk=activity_pk).uuid)
        if place_pk is None:
            assert body["location"]["location_type"] == "virtual"
    drafts = Activity.objects.exclude(status__in=serialize.PUBLIC_STATUSES)
    assert drafts.exists()
    assert not ServiceAtLocationKey.objects.filter(activity__in=drafts).exists()
    assert ServiceAtLocationKey.objects.count() == len(published)
