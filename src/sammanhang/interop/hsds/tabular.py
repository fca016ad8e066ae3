"""HSDS 3.0 in its tabular form (a data package of CSV files) and back to HSDS JSON.

The tables, their files, columns and types are the vendored ``datapackage.json``'s; which record
nests in which comes from the vendored JSON schemas (``service.schedules`` is an array of
``schedule``, ``service_at_location.location`` one ``location``…). So nothing here names a
table or a column that the specification does not, and a new version of the standard is a
new vendored folder.

JSON → tables (``json_to_tables``): every record becomes one row of its table, once per id.
A record nested in another gets the foreign key that names its owner: ``service_id``,
``location_id``… (a ``phone`` under a service and again under a location is one row with both),
``link_id`` and ``link_entity`` for an ``attribute``, ``resource_id`` and ``resource_type``
for ``metadata``. A nested single record (``service.organization``,
``service_at_location.location``, ``attribute.taxonomy_term``,
``taxonomy_term.taxonomy_detail``) sets the owner's ``…_id`` column.

Tables → JSON (``tables_to_json``): every service in full (organization, services at
locations with their locations, schedules, attributes with their taxonomy terms…), every
organization in full, and the taxonomies and taxonomy terms; a row is nested under each record
its foreign keys name. Foreign-key columns stay in the nested objects (HSDS allows them), so
nothing in the tables is lost. Rows that no service, organization or taxonomy reaches (a
location of no organization and at no service; ``meta_table_description``) have no place in
HSDS JSON and are left out.

Reading refuses, with the file, the row (its line in the CSV, the header being line 1) and
the column: a missing or unreadable file, a column the table does not have, a value of the
wrong type, an id given twice in one file. Every problem is collected before ``TabularError``
is raised.
"""

from __future__ import annotations

import copy
import csv
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

STANDARD_DIR = Path(__file__).resolve().parent.parent / "standards" / "hsds-3.0"
DATAPACKAGE = STANDARD_DIR / "datapackage.json"
SCHEMA_DIR = STANDARD_DIR / "schema"

# The tables whose records stand on their own in HSDS JSON (the rest nest in them).
TOP_LEVEL = ("service", "organization", "taxonomy", "taxonomy_term")

Row = dict[str, Any]
Tables = dict[str, list[Row]]


@dataclass(frozen=True)
class Table:
    """One resource of the data package: ``name`` (the schema's), its CSV ``path``, columns."""

    name: str
    path: str
    fields: tuple[str, ...]
    types: Mapping[str, str]


@dataclass(frozen=True)
class Nested:
    """``parent.prop`` holds ``child`` records: a list (``many``) or a single object."""

    prop: str
    child: str
    many: bool


@dataclass(frozen=True)
class TabularProblem:
    """What is wrong, and where: the file, the row (line in the CSV) and the column."""

    file: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += ", " + _("row %(row)d") % {"row": self.row}
        if self.column:
            where += ", " + _("column %(column)s") % {"column": self.column}
        return f"{where}: {self.message}"


class TabularError(Exception):
    """The package cannot be read; ``problems`` says every place and why."""

    def __init__(self, problems: list[TabularProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RowOrigin:
    """Where a record read from the tables came from."""

    file: str
    row: int


@dataclass
class Package:
    """The rows of a package by table, and where each row was read (for error messages)."""

    tables: Tables
    origins: dict[tuple[str, str], RowOrigin] = field(default_factory=dict)

    def origin(self, table: str, record_id: str) -> RowOrigin | None:
        return self.origins.get((table, record_id))


@functools.cache
def _datapackage() -> dict[str, Any]:
    descriptor: dict[str, Any] = json.loads(DATAPACKAGE.read_text(encoding="utf-8"))
    return descriptor


def package_descriptor() -> dict[str, Any]:
    """A copy of the vendored ``datapackage.json`` that the caller may change."""
    return copy.deepcopy(_datapackage())


@functools.cache
def tables() -> dict[str, Table]:
    """Every table of HSDS 3.0, in the data package's order."""
    result = {}
    for resource in _datapackage()["resources"]:
        columns = resource["schema"]["fields"]
        result[resource["name"]] = Table(
            name=resource["name"],
            path=resource["path"],
            fields=tuple(c["name"] for c in columns),
            types={c["name"]: c["type"] for c in columns},
        )
    return result


@functools.cache
def nesting() -> dict[str, tuple[Nested, ...]]:
    """For each table, the records its JSON form nests, read from the vendored schemas."""
    result: dict[str, tuple[Nested, ...]] = {}
    for name in tables():
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))
        found = []
        for prop, spec in schema["properties"].items():
            ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
            if ref:
                child = ref.removesuffix(".json")
                found.append(Nested(prop=prop, child=child, many=spec.get("type") == "array"))
        result[name] = tuple(found)
    return result


def _owner_columns(child: str, parent: str) -> tuple[str, str | None]:
    """The column of ``child`` that names its ``parent`` record, and the one naming its table."""
    if child == "attribute":
        return "link_id", "link_entity"
    if child == "metadata":
        return "resource_id", "resource_type"
    column = f"{parent}_id"
    if column not in tables()[child].fields:
        raise ValueError(f"HSDS has no column for a {child} nested in a {parent}")
    return column, None


def _single_column(parent: str, nested: Nested) -> str:
    """The column of ``parent`` naming its single nested record (``location_id``…)."""
    column = "taxonomy_id" if nested.prop == "taxonomy_detail" else f"{nested.prop}_id"
    if column not in tables()[parent].fields:
        raise ValueError(f"HSDS has no column for {parent}.{nested.prop}")
    return column


# --- JSON to tables ---------------------------------------------------------------------------


class _Flattener:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Row]] = {name: {} for name in tables()}

    def record(self, table: str, value: Mapping[str, Any], owner: tuple[str, str] | None) -> str:
        record_id = str(value["id"])
        row = self.rows[table].setdefault(record_id, {})
        for column in tables()[table].fields:
            if column in value and not isinstance(value[column], dict | list):
                self._set(table, row, column, value[column])
        if owner is not None:
            parent, parent_id = owner
            column, entity = _owner_columns(table, parent)
            self._set(table, row, column, parent_id)
            if entity is not None and not row.get(entity):
                row[entity] = parent
        for nested in nesting()[table]:
            content = value.get(nested.prop)
            if nested.many and isinstance(content, list):
                for item in content:
                    self.record(nested.child, item, (table, record_id))
            elif not nested.many and isinstance(content, dict):
                child_id = self.record(nested.child, content, None)
                self._set(table, row, _single_column(table, nested), child_id)
        return record_id

    @staticmethod
    def _set(table: str, row: Row, column: str, value: Any) -> None:
        old = row.get(column)
        if old is not None and value is not None and old != value:
            raise ValueError(
                f"{table} {row.get('id', '')}: {column} is both {old!r} and {value!r}; "
                "one record cannot have two values (or two owners of one kind)"
            )
        if value is not None:
            row[column] = value


def json_to_tables(
    *,
    service: Iterable[Mapping[str, Any]] = (),
    organization: Iterable[Mapping[str, Any]] = (),
    taxonomy: Iterable[Mapping[str, Any]] = (),
    taxonomy_term: Iterable[Mapping[str, Any]] = (),
) -> Tables:
    """The tabular form of HSDS JSON records: for each table (even empty), its rows with every
    column (``None`` where the record has no value), in the order records were first met.

    Raises ``ValueError`` when the records disagree (one id with two values for a column, or a
    record nested under two owners of one kind), which the tabular form cannot hold.
    """
    flattener = _Flattener()
    for table, records in (
        ("organization", organization),
        ("service", service),
        ("taxonomy", taxonomy),
        ("taxonomy_term", taxonomy_term),
    ):
        for value in records:
            flattener.record(table, value, None)
    return {
        name: [{c: row.get(c) for c in tables()[name].fields} for row in rows.values()]
        for name, rows in flattener.rows.items()
    }


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if kind == "time" and isinstance(value, str) and re.fullmatch(r"\d\d:\d\d", value):
        return value + ":00"  # the Table Schema's time is HH:MM:SS
    return str(value)


def write_package(
    directory: Path, data: Tables, *, descriptor: dict[str, Any] | None = None
) -> None:
    """Write one CSV per table (header and rows, UTF-8) and ``datapackage.json`` to ``directory``.

    ``descriptor`` is the vendored data package unless given (to add a title, sources…).
    Every table is written, empty ones with only their header, so the package always has
    every resource its descriptor names.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name, table in tables().items():
        with (directory / table.path).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(table.fields)
            for row in data.get(name, []):
                writer.writerow(_cell(row.get(c), table.types[c]) for c in table.fields)
    text = json.dumps(descriptor or package_descriptor(), ensure_ascii=False, indent=2)
    (directory / "datapackage.json").write_text(text + "\n", encoding="utf-8")


# --- tables to JSON ---------------------------------------------------------------------------


def _parse(text: str, kind: str) -> Any:
    """A CSV cell as its JSON value; raises ``ValueError`` with the message for the user."""
    if kind == "number":
        try:
            number = float(text)
        except ValueError:
            raise ValueError(_("%(value)s is not a number.") % {"value": text}) from None
        return int(number) if re.fullmatch(r"-?\d+", text.strip()) else number
    if kind == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": text}) from None
    elif kind == "time":
        if not re.fullmatch(r"\d\d:\d\d(:\d\d)?([+-]\d\d:\d\d|Z)?", text):
            raise ValueError(_("%(value)s is not a time (HH:MM:SS).") % {"value": text})
    elif kind == "datetime":
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                _("%(value)s is not a date and time (ISO 8601).") % {"value": text}
            ) from None
    return text


def read_package(source: Path | str) -> Package:
    """The rows of a tabular data package: ``source`` is its folder or its ``datapackage.json``.

    The resources are the descriptor's (by name; a table the descriptor leaves out is empty).
    Raises ``TabularError`` listing every problem with its file, row and column.
    """
    source = Path(source)
    descriptor_path = source / "datapackage.json" if source.is_dir() else source
    problems: list[TabularProblem] = []
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
        resources = descriptor["resources"]
        paths = {r["name"]: r["path"] for r in resources if isinstance(r, dict)}
    except FileNotFoundError:
        raise TabularError(
            [TabularProblem(str(descriptor_path), None, "", _("The file does not exist."))]
        ) from None
    except (ValueError, KeyError, TypeError):
        raise TabularError(
            [
                TabularProblem(
                    str(descriptor_path),
                    None,
                    "",
                    _("This is not a data package descriptor (JSON with resources)."),
                )
            ]
        ) from None
    package = Package(tables={name: [] for name in tables()})
    for name, path in paths.items():
        table = tables().get(name)
        if table is None or not isinstance(path, str):
            continue  # a resource HSDS does not define: not ours to read
        file = descriptor_path.parent / path
        problems.extend(_read_table(table, file, package))
    if problems:
        raise TabularError(problems)
    return package


def _read_table(table: Table, file: Path, package: Package) -> Iterator[TabularProblem]:
    name = str(file)
    try:
        handle = file.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        yield TabularProblem(name, None, "", _("The file does not exist."))
        return
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                yield TabularProblem(name, 1, "", _("The file is empty: the header is missing."))
                return
            for column in header:
                if column not in table.types:
                    yield TabularProblem(
                        name,
                        1,
                        column,
                        _("The table %(table)s has no such column.") % {"table": table.name},
                    )
            if "id" not in header:
                yield TabularProblem(name, 1, "id", _("The id column is missing."))
                return
            seen: dict[str, int] = {}
            for cells in reader:
                line = reader.line_num
                if not any(cells):
                    continue
                if len(cells) != len(header):
                    yield TabularProblem(
                        name,
                        line,
                        "",
                        _("The row has %(cells)d values but the header %(columns)d columns.")
                        % {"cells": len(cells), "columns": len(header)},
                    )
                    continue
                row: Row = {}
                for column, text in zip(header, cells, strict=True):
                    if text == "" or column not in table.types:
                        continue
                    try:
                        row[column] = _parse(text, table.types[column])
                    except ValueError as error:
                        yield TabularProblem(name, line, column, str(error))
                record_id = row.get("id")
                if not record_id:
                    yield TabularProblem(name, line, "id", _("The row has no id."))
                    continue
                if record_id in seen:
                    yield TabularProblem(
                        name,
                        line,
                        "id",
                        _("The id %(id)s is already used on row %(row)d.")
                        % {"id": record_id, "row": seen[record_id]},
                    )
                    continue
                seen[record_id] = line
                package.tables[table.name].append(row)
                package.origins[(table.name, str(record_id))] = RowOrigin(name, line)
        except (csv.Error, UnicodeDecodeError) as error:
            yield TabularProblem(
                name,
                reader.line_num or None,
                "",
                _("The file cannot be read as UTF-8 CSV: %(error)s") % {"error": error},
            )


class _Nester:
    def __init__(self, data: Tables) -> None:
        self.by_id = {name: {str(r["id"]): r for r in rows} for name, rows in data.items()}
        # children[child table][(parent table, parent id)] → rows nested there, in file order.
        self.children: dict[tuple[str, str, str], list[Row]] = {}
        for parent, nests in nesting().items():
            for nested in nests:
                if not nested.many:
                    continue
                # By id alone: ids are UUIDs, and the specification's own examples put a
                # metadata row of resource_type "location" under a service.
                column, _entity = _owner_columns(nested.child, parent)
                for row in data.get(nested.child, []):
                    owner = row.get(column)
                    if owner is None:
                        continue
                    key = (nested.child, parent, str(owner))
                    self.children.setdefault(key, []).append(row)

    def build(self, table: str, row: Row, path: tuple[str, ...] = ()) -> dict[str, Any]:
        record: dict[str, Any] = dict(row)
        if table in path:
            return record  # HSDS nests no record inside one of its own kind; never loop
        path = (*path, table)
        for nested in nesting()[table]:
            if nested.many:
                rows = self.children.get((nested.child, table, str(row["id"])), [])
                if rows:
                    record[nested.prop] = [self.build(nested.child, r, path) for r in rows]
            else:
                target = row.get(_single_column(table, nested))
                found = self.by_id.get(nested.child, {}).get(str(target)) if target else None
                if found is not None:
                    record[nested.prop] = self.build(nested.child, found, path)
        return record


def nest_tables(data: Tables) -> dict[str, list[dict[str, Any]]]:
    """HSDS JSON records from tables in memory, by kind (``service``, ``organization``,
    ``taxonomy``, ``taxonomy_term``), each in full; empty cells are left out.

    ``json_to_tables(**nest_tables(tables))`` gives the tables back
    (less the rows no record reaches, see the module's docstring).
    """
    clean = {
        name: [{k: v for k, v in row.items() if v is not None and v != ""} for row in rows]
        for name, rows in data.items()
    }
    nester = _Nester(clean)
    return {name: [nester.build(name, row) for row in clean.get(name, [])] for name in TOP_LEVEL}


def tables_to_json(source: Path | str) -> list[dict[str, Any]]:
    """The HSDS JSON records of a tabular data package (folder or ``datapackage.json``): each
    service in full, then each organization, taxonomy and taxonomy term. Raises
    ``TabularError`` naming the file, row and column of every problem."""
    records = nest_tables(read_package(source).tables)
    return [record for name in TOP_LEVEL for record in records[name]]
