"""``sammanhang export_hsds`` on the demo municipality: a tabular data package valid under
``frictionless validate``, JSON valid against the vendored schemas with additional properties
forbidden, the two forms saying the same, and the same data giving the same files.

Here rather than in ``interop/tests`` because the demo loader lives in the web app.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import frictionless
import pytest
from django.core.management import call_command

from sammanhang.accounts.models import Organisation
from sammanhang.directory.models import Activity, Place, PlaceClosure, ScheduleException
from sammanhang.interop.hsds import export, schemas, tabular
from sammanhang.lending.models import Article, Bank, Borrower, Hold, Loan
from sammanhang.web.demo.loader import demo_load

DEMO_TODAY = date(2026, 11, 23)
BASE_URL = "https://sammanhang.example"


@pytest.fixture
def demo(db, settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-11-23T09:00:00+01:00"
    demo_load(today=DEMO_TODAY)


def _export(directory, *args):
    call_command("export_hsds", str(directory), *args)
    return directory


def _files(directory) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_export_is_a_valid_data_package_and_valid_hsds_json(demo, tmp_path, capsys):
    out = _export(tmp_path / "hsds", "--base-url", BASE_URL)

    report = frictionless.validate(out / "datapackage.json")
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "note"])[:20]
    counts = {}
    for kind, (name, path) in export.JSON_FILES.items():
        records = json.loads((out / name).read_text(encoding="utf-8"))
        checker = schemas.response_validator(path)
        for record in records:
            problems = [f"{p.path}: {p.message}" for p in schemas.problems(record, checker)]
            assert problems == [], (name, record["id"])
        counts[kind] = len(records)
    public = Activity.objects.exclude(status="draft").count()
    assert counts["service"] == public > 0
    assert counts["taxonomy"] == 3  # not the equipment for lending
    assert f"{out}: 26 files (service: {public}, " in capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["datapackage.json", *(n for n, _ in export.JSON_FILES.values())]
        + [table.path for table in tabular.tables().values()]
    )


def test_the_csv_tables_say_what_the_json_says(demo, tmp_path):
    out = _export(tmp_path)
    from_json = tabular.json_to_tables(
        **{
            kind: json.loads((out / name).read_text(encoding="utf-8"))
            for kind, (name, _path) in export.JSON_FILES.items()
        }
    )
    from_csv = tabular.read_package(out).tables
    assert {name: len(rows) for name, rows in from_csv.items()} == {
        name: len(rows) for name, rows in from_json.items()
    }
    by_id = {
        name: {row["id"]: {k: v for k, v in row.items() if v is not None} for row in rows}
        for name, rows in from_json.items()
    }
    for name, rows in from_csv.items():
        for row in rows:
            expected = by_id[name][row["id"]]
            # CSV has no JSON types: times gain seconds, numbers read back as numbers.
            if "opens_at" in expected:
                expected = expected | {
                    k: expected[k] + ":00" for k in ("opens_at", "closes_at") if k in expected
                }
            assert row == expected, (name, row["id"])
    # Every place, even one where no activity is held, is a location.
    assert len(from_csv["location"]) >= Place.objects.count()
    services = {s["id"]: s for s in tabular.tables_to_json(out) if "status" in s}
    assert set(services) == {
        str(u) for u in Activity.objects.exclude(status="draft").values_list("uuid", flat=True)
    }


def test_the_same_data_gives_the_same_files(demo, tmp_path):
    first = _files(_export(tmp_path / "one"))
    second = _files(_export(tmp_path / "two"))
    assert first == second


def _empty_directory():
    """Everything the export writes gone; municipalities, districts and taxonomies stay.

    The demo's Fritidsbank goes first: it is not part of HSDS, and its bank, branch and
    articles hold on to places and an organisation (protected foreign keys)."""
    Hold.objects.all().delete()
    Loan.objects.all().delete()
    Borrower.objects.all().delete()
    Article.objects.all().delete()
    Bank.objects.all().delete()
    Activity.objects.all().delete()
    Place.objects.all().delete()
    Organisation.objects.update(parent=None)
    Organisation.objects.all().delete()


@pytest.mark.parametrize("form", ["tabular", "json"])
def test_an_export_imported_into_an_empty_directory_exports_the_same(demo, tmp_path, form):
    """What HSDS can say comes back. Not compared: cancelled and extra dates and closed days
    (HSDS schedules cannot hold them; the export says them in words, the import cannot read
    words back), so the demo loses them first; when each service last changed (the import
    changed them); and the order of schedules (the rows' order of creation). Schedule ids
    are compared: they are stored and an import keeps them."""
    ScheduleException.objects.all().delete()
    PlaceClosure.objects.all().delete()
    first = _export(tmp_path / "first")
    source = first
    if form == "json":
        source = tmp_path / "json"
        source.mkdir()
        # Every JSON file of the export, the taxonomies too (read and skipped: ours are
        # fixed); without the data package, which a folder would be read as instead.
        for path in first.glob("*.json"):
            if path.name != "datapackage.json":
                (source / path.name).write_bytes(path.read_bytes())
        assert {p.name for p in source.iterdir()} >= {"taxonomies.json", "taxonomy_terms.json"}
    _empty_directory()
    call_command("import_hsds", str(source), "--source", "export")
    again = _export(tmp_path / "again")
    assert Activity.objects.exclude(status="draft").count() > 0
    # The taxonomies did not come back as organisations.
    organizations = json.loads((first / "organizations.json").read_text(encoding="utf-8"))
    assert Organisation.objects.count() == len(organizations)
    assert _comparable(again) == _comparable(first)


def _comparable(directory) -> dict[str, object]:
    def clean(value, *, schedule=False):
        if isinstance(value, dict):
            return {
                k: clean(v, schedule=k == "schedules")
                for k, v in value.items()
                if k != "last_modified"
            }
        if isinstance(value, list):
            items = [clean(v, schedule=schedule) for v in value]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True)) if schedule else items
        return value

    found: dict[str, object] = {}
    for path in sorted(directory.iterdir()):
        if path.suffix == ".json":
            found[path.name] = clean(json.loads(path.read_text(encoding="utf-8")))
        else:
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            found[path.name] = clean({"schedules": rows} if path.name == "schedules.csv" else rows)
    return found
