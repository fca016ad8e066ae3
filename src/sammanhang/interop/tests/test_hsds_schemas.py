"""The vendored schemas resolve offline and catch what a consumer would trip on."""

from __future__ import annotations

import copy
import json

import pytest

from sammanhang.interop.hsds import schemas

EXAMPLES = schemas.SCHEMA_DIR.parent / "examples"


def _example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("example", "path"),
    [
        ("service_full.json", "/services/{id}"),
        ("service_list.json", "/services"),
        ("organization_full.json", "/organizations/{id}"),
        ("organization_list.json", "/organizations"),
        ("service_at_location_list.json", "/service_at_locations"),
        ("taxonomy.json", "/taxonomies/{id}"),
        ("taxonomy_list.json", "/taxonomies"),
        ("taxonomy_term.json", "/taxonomy_terms/{id}"),
        ("taxonomy_term_list.json", "/taxonomy_terms"),
    ],
)
def test_the_specifications_examples_are_valid_responses(example: str, path: str) -> None:
    checker = schemas.response_validator(path)

    assert list(schemas.problems(_example(example), checker)) == []


def test_strict_refuses_a_field_the_specification_does_not_name() -> None:
    service = _example("service_full.json")
    service["organisation_id"] = service["id"]
    service["phones"][0]["extension_number"] = "12"

    found = list(schemas.problems(service, schemas.response_validator("/services/{id}")))

    assert [problem.path for problem in found] == ["$", "$.phones[0]"]
    assert "'organisation_id' was unexpected" in found[0].message
    lenient = schemas.response_validator("/services/{id}", strict=False)
    assert list(schemas.problems(service, lenient)) == []


def test_wrong_types_and_formats_are_named_with_their_path() -> None:
    service = copy.deepcopy(_example("service_full.json"))
    service["id"] = "not-a-uuid"
    service["minimum_age"] = "sju"

    found = {p.path: p.message for p in schemas.problems(service, schemas.validator("service"))}

    assert "is not a 'uuid'" in found["$.id"]
    assert "is not of type 'number'" in found["$.minimum_age"]


def test_a_page_without_its_counts_is_refused() -> None:
    page = _example("service_list.json")
    del page["total_items"]

    found = list(schemas.problems(page, schemas.response_validator("/services")))

    assert [p.message for p in found] == ["'total_items' is a required property"]


def test_derived_ids_are_stable_and_distinct() -> None:
    import uuid

    from sammanhang.interop.hsds import ids

    service = uuid.UUID("ac148810-d857-441c-9679-408f346de14b")
    place = uuid.UUID("d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")

    assert ids.service_at_location_id(service, place) == ids.service_at_location_id(service, place)
    assert str(ids.taxonomy_id("target_group")) == str(
        uuid.uuid5(ids.NAMESPACE, "taxonomy:target_group")
    )
    derived = {
        ids.service_at_location_id(service, place),
        ids.online_location_id(service),
        ids.part_id(service, "schedule", 1),
        ids.part_id(service, "schedule", 2),
        ids.part_id(place, "schedule", 1),
        ids.taxonomy_id("category"),
    }
    assert len(derived) == 6
