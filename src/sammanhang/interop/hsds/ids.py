"""HSDS ids for the records that have no UUID of their own in our database.

Activities, organisations, places and taxonomy terms carry a UUID and are published under it.
The rest get a name-based UUID (version 5) derived from their owner's UUID, so the same record
has the same id in the API, in every export and after a re-import, without storing it.
"""

from __future__ import annotations

import uuid

# Fixed forever: changing it would change every derived id a consumer has stored.
NAMESPACE = uuid.UUID("6c0f5d0e-5b36-4e55-9a53-2f3d7c1b8a11")


def taxonomy_id(taxonomy: str) -> uuid.UUID:
    """A taxonomy, by its ``Taxonomy`` value (``sammanhang-malgrupp``), which is its HSDS name."""
    return uuid.uuid5(NAMESPACE, f"taxonomy:{taxonomy}")


def service_at_location_id(service: uuid.UUID, location: uuid.UUID) -> uuid.UUID:
    """An activity held at a place."""
    return uuid.uuid5(service, f"service_at_location:{location}")


def online_location_id(service: uuid.UUID) -> uuid.UUID:
    """The virtual location of an activity held online."""
    return uuid.uuid5(service, "location:online")


def part_id(owner: uuid.UUID, kind: str, key: object) -> uuid.UUID:
    """A part of a record: ``part_id(activity.uuid, "cost_option", "main")``, ``"attribute"``
    (key: the term's code), ``"language"`` (key: the code), ``"address"``…

    Schedules and opening hours have stored UUIDs (``Schedule.uuid``, ``OpeningHours.uuid``);
    they were published as ``part_id(owner, "schedule", pk)`` before, and migration
    ``directory/0010_schedule_uuid`` filled them with exactly that id."""
    return uuid.uuid5(owner, f"{kind}:{key}")
