"""``sammanhang hsds_link_keys``: build the index behind ``/api/hsds/service_at_locations/{id}``
whole (``interop.hsds.link_keys.rebuild``), so the first request after a deploy does not, and
after a transaction that stayed open longer than ``link_keys.GRACE``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sammanhang.interop.hsds import link_keys
from sammanhang.interop.models import ServiceAtLocationKey


class Command(BaseCommand):
    help = (
        "Build the index of service_at_location ids whole (it is otherwise built by the first "
        "request for one and kept up to date from the activities' changes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        link_keys.rebuild()
        self.stdout.write(f"{ServiceAtLocationKey.objects.count()} service_at_location ids")
