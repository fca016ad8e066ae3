"""The HSDS tabular form: the specification's CSV and JSON examples agree through our
conversion (where the examples themselves agree), tables survive a round trip through JSON,
what we write passes ``frictionless validate``, and bad files are named by file, row, column."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import frictionless
import pytest

from sammanhang.interop.hsds import schemas, tabular

EXAMPLES = tabular.STANDARD_DIR / "examples"
CSV_EXAMPLE = EXAMPLES / "csv"


def _example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def _by_id(data: tabular.Tables) -> dict[str, dict[str, dict]]:
    """Tables as {table: {id: row without empty cells}}, to compare regardless of order."""
    return {
        name: {str(r["id"]): {k: v for k, v in r.items() if v not in (None, "")} for r in rows}
        for name, rows in data.items()
    }


def _differences(left: tabular.Tables, right: tabular.Tables) -> set[tuple[str, str, str]]:
    found = set()
    a, b = _by_id(left), _by_id(right)
    for name in tabular.tables():
        for record_id in set(a.get(name, {})) | set(b.get(name, {})):
            x, y = a.get(name, {}).get(record_id), b.get(name, {}).get(record_id)
            if x is None or y is None:
                found.add((name, record_id, "(row)"))
                continue
            found |= {(name, record_id, k) for k in set(x) | set(y) if x.get(k) != y.get(k)}
    return found


# Where the specification's CSV example says something its JSON example does not: ids in the
# CSV that name no record (or another one than the JSON nests it in), a column the JSON leaves
# out, and a table that has no place in HSDS JSON. Everything else must be equal.
SPEC_EXAMPLES_DISAGREE = {
    ("organization", "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "tax_id"),
    ("attribute", "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "link_id"),
    ("location", "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "organization_id"),
    ("contact", "1e7efce3-639b-4880-940c-b95cd30cdb50", "organization_id"),
    ("contact", "1e7efce3-639b-4880-940c-b95cd30cdb50", "service_at_location_id"),
    ("taxonomy_term", "3f7b145d-84af-42d7-8fae-eaca714b02b2", "taxonomy_id"),
    ("metadata", "6cd71e9f-1013-49d9-8370-26b8f59d3e5a", "resource_id"),
    ("meta_table_description", "c11af60b-a394-4e53-9943-324dda2d17a1", "(row)"),
}


def test_the_json_example_flattened_is_the_csv_example_where_the_two_agree():
    from_json = tabular.json_to_tables(service=[_example("service_full.json")])
    from_csv = tabular.read_package(CSV_EXAMPLE).tables

    assert _differences(from_json, from_csv) == SPEC_EXAMPLES_DISAGREE
    assert sum(len(rows) for rows in from_csv.values()) == 21  # one row in every table


def test_the_csv_example_nested_is_the_json_example_where_the_two_agree():
    records = tabular.nest_tables(tabular.read_package(CSV_EXAMPLE).tables)
    service = records["service"][0]
    expected = _example("service_full.json")

    # The same records in the same places, apart from those the CSV links elsewhere.
    def ids(value, path=""):
        if isinstance(value, dict):
            yield from ([(path, value["id"])] if "id" in value else [])
            for key, item in value.items():
                yield from ids(item, f"{path}.{key}")
        elif isinstance(value, list):
            for item in value:
                yield from ids(item, f"{path}[]")

    missing = set(ids(expected)) - set(ids(service))
    assert {path for path, _ in missing} == {
        ".attributes[]",  # the CSV's link_id names no record
        ".attributes[].taxonomy_term",
        ".attributes[].taxonomy_term.taxonomy_detail",  # the CSV's taxonomy_id names none
        ".metadata[]",  # resource_id names no record
        ".organization.contacts[]",  # the CSV gives the contact another organization
        ".organization.contacts[].phones[]",
        ".organization.contacts[].phones[].languages[]",
        ".organization.locations[]",  # and the location another organization
        ".organization.locations[].languages[]",
        ".organization.locations[].addresses[]",
        ".organization.locations[].contacts[]",
        ".organization.locations[].contacts[].phones[]",
        ".organization.locations[].contacts[].phones[].languages[]",
        ".organization.locations[].accessibility[]",
        ".organization.locations[].phones[]",
        ".organization.locations[].phones[].languages[]",
        ".organization.locations[].schedules[]",
        ".service_at_locations[].contacts[]",  # and another service at location
        ".service_at_locations[].contacts[].phones[]",
        ".service_at_locations[].contacts[].phones[].languages[]",
    }
    assert set(ids(service)) - set(ids(expected)) == set()
    assert service["schedules"][0]["opens_at"] == expected["schedules"][0]["opens_at"]
    assert service["minimum_age"] == expected["minimum_age"] == 12
    assert service["cost_options"][0]["amount"] == expected["cost_options"][0]["amount"]


@pytest.mark.parametrize(
    ("kind", "path"),
    [
        ("service", "/services/{id}"),
        ("organization", "/organizations/{id}"),
        ("taxonomy", "/taxonomies/{id}"),
        ("taxonomy_term", "/taxonomy_terms/{id}"),
    ],
)
def test_records_read_from_tables_are_valid_hsds_json(kind, path):
    records = tabular.nest_tables(tabular.read_package(CSV_EXAMPLE).tables)[kind]
    assert records
    checker = schemas.response_validator(path)
    for record in records:
        assert list(schemas.problems(record, checker)) == []


def test_tables_to_json_lists_services_then_organizations_then_taxonomies():
    records = tabular.tables_to_json(CSV_EXAMPLE / "datapackage.json")
    assert [r["id"] for r in records] == [
        "ac148810-d857-441c-9679-408f346de14b",
        "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
        "5c4d79d7-cc55-470e-9f1f-8cad074e4892",
        "3f7b145d-84af-42d7-8fae-eaca714b02b2",
    ]
    assert records == tabular.tables_to_json(CSV_EXAMPLE)  # the folder reads the same


def test_tables_json_tables_round_trip(tmp_path):
    """Written, read, nested and flattened again: the same tables, cell for cell."""
    first = tabular.json_to_tables(service=[_example("service_full.json")])
    tabular.write_package(tmp_path, first)
    package = tabular.read_package(tmp_path)
    again = tabular.json_to_tables(**tabular.nest_tables(package.tables))
    assert _differences(first, package.tables) == set()
    assert _differences(first, again) == set()
    assert again == tabular.json_to_tables(**tabular.nest_tables(again))


def test_the_csv_example_round_trip_keeps_every_row_json_can_hold():
    tables = tabular.read_package(CSV_EXAMPLE).tables
    again = tabular.json_to_tables(**tabular.nest_tables(tables))
    # Rows no record reaches (their owners' ids name nothing) and the table JSON lacks.
    assert _differences(tables, again) == {
        ("attribute", "ae58cc39-8b70-4ab1-8aea-786882e5ac8e", "(row)"),
        ("metadata", "6cd71e9f-1013-49d9-8370-26b8f59d3e5a", "(row)"),
        ("meta_table_description", "c11af60b-a394-4e53-9943-324dda2d17a1", "(row)"),
    }


def test_a_written_package_is_valid_for_frictionless(tmp_path):
    tabular.write_package(tmp_path, tabular.json_to_tables(service=[_example("service_full.json")]))
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    with (tmp_path / "schedules.csv").open(encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert (row["opens_at"], row["service_id"]) == (
        "10:00:00",
        "ac148810-d857-441c-9679-408f346de14b",
    )


def test_json_records_that_disagree_are_refused():
    service = _example("service_full.json")
    other = json.loads(json.dumps(service))
    other["name"] = "Another name"
    with pytest.raises(ValueError, match="name is both"):
        tabular.json_to_tables(service=[service, other])


@pytest.fixture
def package(tmp_path):
    """A copy of the specification's CSV example to spoil."""
    target = tmp_path / "package"
    shutil.copytree(CSV_EXAMPLE, target)
    return target


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _messages(source) -> list[str]:
    with pytest.raises(tabular.TabularError) as refused:
        tabular.read_package(source)
    return [str(p) for p in refused.value.problems]


def test_bad_cells_are_named_by_file_row_and_column(package):
    services = package / "services.csv"
    first = services.read_text(encoding="utf-8").splitlines()[1]
    copy = first.replace(
        "ac148810-d857-441c-9679-408f346de14b", "a5bc7b2c-0000-4000-8000-000000000001", 1
    )
    copy = copy.replace(",12,100,", ",tolv,100,").replace("2005-01-01", "1 januari 2005")
    _append(services, copy + "\n" + first + "\n")
    _append(package / "schedules.csv", "b5bc7b2c-0000-4000-8000-000000000002" + ",x" * 17 + "\n")

    assert _messages(package) == [
        f"{services}, rad 3, kolumn minimum_age: tolv är inte ett tal.",
        f"{services}, rad 3, kolumn assured_date: 1 januari 2005 är inte ett datum (ÅÅÅÅ-MM-DD).",
        f"{services}, rad 4, kolumn id: "
        "id:t ac148810-d857-441c-9679-408f346de14b används redan på rad 2.",
        f"{package / 'schedules.csv'}, rad 3: Raden har 18 värden men rubriken 23 kolumner.",
    ]


def test_unknown_columns_and_missing_files_are_refused(package):
    (package / "phones.csv").unlink()
    languages = package / "languages.csv"
    lines = languages.read_text(encoding="utf-8").splitlines()
    languages.write_text(lines[0] + ",dialect\n" + lines[1] + ",skånska\n", encoding="utf-8")
    assert _messages(package / "datapackage.json") == [
        f"{package / 'phones.csv'}: Filen finns inte.",
        f"{languages}, rad 1, kolumn dialect: Tabellen language har ingen sådan kolumn.",
    ]


def test_a_folder_without_a_descriptor_is_refused(tmp_path):
    assert _messages(tmp_path) == [f"{tmp_path / 'datapackage.json'}: Filen finns inte."]
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    assert _messages(tmp_path) == [
        f"{tmp_path / 'datapackage.json'}: Det här är ingen beskrivning av ett datapaket "
        "(JSON med resources)."
    ]
