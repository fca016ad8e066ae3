"""Writing everything public as HSDS 3.0 files: JSON and the tabular data package.

``export_write(directory)`` writes

- ``services.json``: every public service in full (published ``active``, cancelled and ended
  ``inactive``; never drafts), with its organization and locations nested, as the
  ``/services/{id}`` endpoint gives one;
- ``organizations.json``: every organization in full, with its places as ``locations`` (so a
  place no activity is held at is exported too);
- ``taxonomies.json`` and ``taxonomy_terms.json``: the taxonomies that describe services and
  locations (target groups, categories, accessibility) and all their terms. The equipment
  taxonomy is for lending, which HSDS does not carry; leaving it out also keeps term codes
  unique, as the tabular form requires (``friluftsliv`` is a category and an equipment kind);
- ``datapackage.json`` and one CSV per HSDS table (``interop.hsds.tabular``): the same
  records in the tabular form, valid under ``frictionless validate``.

The content depends only on the data (ordered by name and id, no timestamps of its own), so
two exports of the same data are byte for byte the same. Texts are in the site's language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import translation

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import (
    OpeningHours,
    Place,
    PlaceClosure,
    PlaceFeature,
    Taxonomy,
    Term,
)
from sammanhang.interop.hsds import serialize, tabular
from sammanhang.interop.hsds.selectors import public_activities, with_service_relations

# The file of each kind of record, and the API path whose response schema checks one record.
JSON_FILES = {
    "service": ("services.json", "/services/{id}"),
    "organization": ("organizations.json", "/organizations/{id}"),
    "taxonomy": ("taxonomies.json", "/taxonomies/{id}"),
    "taxonomy_term": ("taxonomy_terms.json", "/taxonomy_terms/{id}"),
}


EXPORTED_TAXONOMIES = (Taxonomy.TARGET_GROUP, Taxonomy.CATEGORY, Taxonomy.ACCESSIBILITY)


@dataclass(frozen=True)
class ExportSummary:
    """How many records of each kind were written, and the files."""

    counts: dict[str, int]
    files: list[Path]


def export_records(*, base_url: str = "") -> dict[str, list[dict[str, Any]]]:
    """Everything public as HSDS JSON records, by kind (``service``, ``organization``,
    ``taxonomy``, ``taxonomy_term``). ``base_url`` makes the pages' addresses absolute
    (without it they are left out)."""
    terms = serialize.derived_terms()
    activities = with_service_relations(public_activities().order_by("title", "pk"), full=True)
    # What ``serialize.location`` reads, as the HSDS selectors prefetch it for services.
    places = (
        Place.objects.select_related("owner", "municipality", "district")
        .prefetch_related(
            Prefetch("features", queryset=PlaceFeature.objects.select_related("term__parent")),
            Prefetch(
                "opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens_at")
            ),
            Prefetch("closures", queryset=PlaceClosure.objects.order_by("date")),
        )
        .order_by("name", "pk")
    )
    organisations = (
        Organisation.objects.select_related("parent")
        .prefetch_related(Prefetch("places", queryset=places))
        .order_by("name", "pk")
    )
    organizations = []
    for organisation in organisations:
        record = serialize.organization(organisation, base_url=base_url)
        owned: list[Place] = list(organisation.places.all())
        if owned:
            record["locations"] = [serialize.location(p, base_url=base_url) for p in owned]
        organizations.append(record)
    return {
        "service": [serialize.service(a, base_url=base_url, terms=terms) for a in activities],
        "organization": organizations,
        "taxonomy": [serialize.taxonomy(value) for value in EXPORTED_TAXONOMIES],
        "taxonomy_term": [
            serialize.taxonomy_term(term)
            for term in Term.objects.filter(taxonomy__in=EXPORTED_TAXONOMIES)
            .select_related("parent")
            .order_by("taxonomy", "position", "code", "pk")
        ],
    }


def _descriptor() -> dict[str, Any]:
    """The vendored HSDS data package, named as ours; the license is the publisher's to set."""
    descriptor = tabular.package_descriptor()
    for key in ("license", "homepage"):
        descriptor.pop(key, None)
    descriptor |= {
        "name": "sammanhang-hsds",
        "title": f"{settings.SAMMANHANG_OPERATOR_NAME}: Sammanhang (HSDS 3.0)",
    }
    return descriptor


def export_write(directory: Path, *, base_url: str = "") -> ExportSummary:
    """Write the JSON files and the tabular data package to ``directory`` (made if missing;
    files of the same names are replaced). Raises ``ValueError`` if the records disagree
    with one another (a bug: one id serialised two ways)."""
    with translation.override(settings.LANGUAGE_CODE):
        records = export_records(base_url=base_url)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for kind, (name, _path) in JSON_FILES.items():
        text = json.dumps(records[kind], ensure_ascii=False, indent=2, sort_keys=False)
        (directory / name).write_text(text + "\n", encoding="utf-8")
        files.append(directory / name)
    tabular.write_package(directory, tabular.json_to_tables(**records), descriptor=_descriptor())
    files.append(directory / "datapackage.json")
    files.extend(directory / table.path for table in tabular.tables().values())
    return ExportSummary(counts={kind: len(items) for kind, items in records.items()}, files=files)
