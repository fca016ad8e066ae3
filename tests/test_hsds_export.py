"""``sammanhang export_hsds`` on the demo municipality: a tabular data package valid under
``frictionless validate``, JSON valid against the vendored schemas with additional properties
forbidden, the two forms saying the same, and the same data giving the same files.

Here rather than in ``interop/tests`` because the demo loader lives in the web app.
"""

from __future__ import annotations

import json
from datetime import date

import frictionless
import pytest
from django.core.management import call_command

from sammanhang.directory.models import Activity, Place
from sammanhang.interop.hsds import export, schemas, tabular
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
