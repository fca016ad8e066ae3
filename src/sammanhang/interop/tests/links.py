"""Reading service_at_location ids the way consumers do, for the link-key tests."""

from __future__ import annotations

from sammanhang.directory.models import Activity
from sammanhang.interop.hsds import serialize


def detail(client, key_id, status=200):
    response = client.get(f"/api/hsds/service_at_locations/{key_id}")
    assert response.status_code == status
    return response.json() if status == 200 else None


def published_ids() -> dict[str, tuple[int, int | None]]:
    """Every public link's id, computed the way the lists publish them."""
    found = {}
    for activity in Activity.objects.filter(status__in=serialize.PUBLIC_STATUSES):
        for place in serialize.service_at_locations_of(activity):
            key = str(serialize.service_at_location_id(activity, place))
            found[key] = (activity.pk, place.pk if place else None)
    return found
