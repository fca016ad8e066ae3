"""Importing HSDS 3.0 into the directory: the inverse of ``docs/hsds-profile.md``.

The import runs in three steps, and writes only in the last:

1. **Read.** Every file is parsed keeping the position of each value (``positions``); a
   service, a list or Page of services, organisations with nested services, locations,
   services at locations, or the tabular form as JSON (``{"services.csv": [...], ...}``) are
   all gathered into one set of records per kind. An id used for two different records of one
   kind is an error; the same record repeated (HSDS nests a location under its organisation
   and again under its service) is one record.
2. **Check.** Each record is checked against the vendored schemas (leniently: fields the
   specification does not name are allowed) and against our rules: taxonomy codes of our
   taxonomies, times and dates of schedules, which source owns each id, where each place is.
   Every problem is collected with its file, line, column, JSON path and field.
3. **Write.** Only when nothing is wrong, in one transaction, through the accounts and
   directory services (so the search index and the materialised occurrences follow). A
   problem found while writing (a value the models refuse) rolls everything back.

Ids are kept: an organisation, service or location with id X is stored with UUID X.
``ImportedRecord`` remembers the source of each, so importing the same data again updates
(or leaves unchanged) what the first import made, and another source is refused.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path as FilePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sammanhang.accounts import services as accounts
from sammanhang.accounts.models import Organisation
from sammanhang.core import clock
from sammanhang.directory import services as directory
from sammanhang.directory.models import (
    Activity,
    ActivityStatus,
    AppliesTo,
    CompanionFree,
    District,
    FeatureValue,
    Municipality,
    OpeningHours,
    Place,
    Schedule,
    Taxonomy,
    Term,
)
from sammanhang.directory.schedules import (
    DAY_CODES,
    Rule,
    ScheduleRuleError,
    parse_byday,
    rule_dates,
)
from sammanhang.interop.hsds import ids, positions, schemas, tabular
from sammanhang.interop.models import ImportedRecord, UnmappedAttribute

Path = positions.Path

COMPANION_FREE = "ledsagare-gratis"
DROP_IN = "ingen-anmalan"
# HSDS service status -> ours. "inactive" is what we publish for cancelled and ended alike.
STATUSES = {
    "active": ActivityStatus.PUBLISHED,
    "inactive": ActivityStatus.CANCELLED,
    "temporarily closed": ActivityStatus.CANCELLED,
    "defunct": ActivityStatus.ENDED,
}
# Parts of an iCalendar rule our schedules cannot hold (see directory.schedules).
_RULE_PARTS_IGNORED = ("byweekno", "bymonthday", "byyearday")
_TRUE = {"", "true", "yes", "ja", "1"}
_FALSE = {"false", "no", "nej", "0"}
_UNKNOWN = {"unknown", "okänt", "vet ej"}
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_PLURALS = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_locations": "service_at_location",
}
# The parts nested in records whose ids must not name two different things either.
_PART_KINDS = {
    "schedules": "schedule",
    "attributes": "attribute",
    "cost_options": "cost_option",
    "service_areas": "service_area",
    "addresses": "address",
    "languages": "language",
    "contacts": "contact",
}
_TABLES = {
    "organizations": "organization",
    "services": "service",
    "locations": "location",
    "service_at_location": "service_at_location",
    "service_at_locations": "service_at_location",
}


# --- problems and the summary ---------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said where it is."""

    where: str
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        if not self.path:
            return _("%(where)s: %(message)s") % {"where": self.where, "message": self.message}
        if self.field:
            return _("%(where)s, %(path)s, field %(field)s: %(message)s") % {
                "where": self.where,
                "path": self.path,
                "field": self.field,
                "message": self.message,
            }
        return _("%(where)s, %(path)s: %(message)s") % {
            "where": self.where,
            "path": self.path,
            "message": self.message,
        }


class ImportFailed(Exception):
    """The input was refused; nothing was written. ``problems`` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


KIND_LABELS = {
    "organization": lambda: _("Organisations"),
    "service": lambda: _("Activities"),
    "location": lambda: _("Places"),
    "service_at_location": lambda: _("Activities at places"),
    "schedule": lambda: _("Schedules"),
    "taxonomy": lambda: _("Taxonomies"),
    "taxonomy_term": lambda: _("Taxonomy terms"),
    "api": lambda: _("API descriptions"),
    "attribute": lambda: _("Attributes"),
}


@dataclass
class Summary:
    """What an import did, per kind, and what it could not map."""

    counts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unmapped: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = []
        for kind, label in KIND_LABELS.items():
            count = self.counts.get(kind)
            if not count or not any(count.values()):
                continue
            lines.append(
                _(
                    "%(kind)s: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged, %(skipped)d skipped"
                )
                % {
                    "kind": label(),
                    "created": count["created"],
                    "updated": count["updated"],
                    "unchanged": count["unchanged"],
                    "skipped": count["skipped"],
                }
            )
        if self.unmapped:
            lines.append(
                _("Attributes of taxonomies that are not ours (kept, not mapped): %(count)d")
                % {"count": len(self.unmapped)}
            )
            for record, taxonomy, code, value in self.unmapped:
                lines.append(f"  {record}: {taxonomy} / {code} = {value}")
        lines.extend(self.notes)
        return lines


# --- step 1: reading ------------------------------------------------------------------------


@dataclass
class Document:
    """One input file; ``where`` says where a path is in it, in words."""

    name: str
    value: Any
    where: Callable[[Path], str]


def json_document(name: str, text: str) -> Document:
    """Parse a JSON file; raise ``ImportFailed`` with the line and column when it is not JSON."""
    try:
        located = positions.parse(text)
    except json.JSONDecodeError as error:
        where = _("%(file)s, line %(line)d, column %(column)d") % {
            "file": name,
            "line": error.lineno,
            "column": error.colno,
        }
        raise ImportFailed(
            [Problem(where, "$", "", _("This is not JSON: %(error)s") % {"error": error.msg})]
        ) from None

    def where_in_file(path: Path) -> str:
        line, column = located.line_column(path)
        return _("%(file)s, line %(line)d, column %(column)d") % {
            "file": name,
            "line": line,
            "column": column,
        }

    return Document(name=name, value=located.value, where=where_in_file)


def read_path(path: FilePath) -> list[Document]:
    """The documents at ``path``: a JSON file, or every JSON file in a folder (sorted).

    A tabular data package (``datapackage.json`` with CSV files, or a folder holding one) is
    read through ``interop.hsds.tabular``.
    """
    if path.is_dir():
        if (path / "datapackage.json").exists():
            return [_tabular_document(path / "datapackage.json")]
        files = sorted(p for p in path.rglob("*.json") if p.is_file())
        return [json_document(str(p), p.read_text(encoding="utf-8")) for p in files]
    if path.name == "datapackage.json":
        return [_tabular_document(path)]
    return [json_document(str(path), path.read_text(encoding="utf-8"))]


def _tabular_document(path: FilePath) -> Document:
    """A tabular data package (CSV) read by ``tabular.read_package`` into the JSON tabular form
    (``{"services.csv": [rows]}``) that ``Collector.tables`` nests; problems name the CSV
    file, its line (the header is line 1) and the column."""
    try:
        package = tabular.read_package(path)
    except tabular.TabularError as error:
        raise ImportFailed(
            [
                Problem(_where_in_table(p.file, p.row, p.column), "", "", p.message)
                for p in error.problems
            ]
        ) from None
    files = {table.name: table.path for table in tabular.tables().values()}
    value = {files[name]: rows for name, rows in package.tables.items() if rows}
    tables_by_file = {file: name for name, file in files.items()}

    def where_in_table(at: Path) -> str:
        if len(at) >= 2 and at[0] in tables_by_file and isinstance(at[1], int):
            row = value[str(at[0])][at[1]]
            origin = package.origin(tables_by_file[str(at[0])], str(row.get("id")))
            if origin is not None:
                column = str(at[2]) if len(at) > 2 else ""
                return _where_in_table(origin.file, origin.row, column)
        return str(path)

    return Document(name=str(path), value=value, where=where_in_table)


def _where_in_table(file: str, row: int | None, column: str) -> str:
    if row is None:
        return file
    if column:
        return _("%(file)s, row %(row)d, column %(column)s") % {
            "file": file,
            "row": row,
            "column": column,
        }
    return _("%(file)s, row %(row)d") % {"file": file, "row": row}


@dataclass
class Record:
    kind: str
    id: str
    data: dict[str, Any]
    doc: Document
    path: Path
    organization_id: str | None = None
    service_id: str | None = None
    location_id: str | None = None

    def where(self, *sub: str | int) -> tuple[str, str]:
        path = (*self.path, *sub)
        return self.doc.where(path), positions.json_path(path)


@dataclass
class Part:
    """A nested part (schedule, attribute…) with where it stands."""

    data: dict[str, Any]
    doc: Document
    path: Path


class Collector:
    """Gathers the records of every document, one per kind and id, and the first problems."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Record]] = {k: {} for k in _PLURALS.values()}
        self.problems: list[Problem] = []
        self.skipped: Counter[str] = Counter()
        self._seen_schema: set[tuple[str, str, str]] = set()
        # Where a part stands when it is not under its record's first occurrence: rows of the
        # tabular form nested under their owner, and parts of a record's later occurrence.
        self._origins: dict[int, Path] = {}
        self._origin_docs: dict[int, Document] = {}
        self._rows: set[int] = set()  # records that are rows of the tabular form
        self._keep: list[Any] = []

    def problem(self, doc: Document, path: Path, field_name: str, message: str) -> None:
        self.problems.append(
            Problem(doc.where(path), positions.json_path(path), field_name, message)
        )

    def path_of(self, item: Any, default: Path) -> Path:
        return self._origins.get(id(item), default)

    def items(self, doc: Document, parent: dict[str, Any], key: str, path: Path) -> Iterator[Part]:
        """The objects in ``parent[key]`` (a list), each with its path."""
        value = parent.get(key)
        if not isinstance(value, list):
            return
        for index, item in enumerate(value):
            if isinstance(item, dict):
                item_doc = self._origin_docs.get(id(item), doc)
                yield Part(item, item_doc, self.path_of(item, (*path, key, index)))

    # The shapes a document can take.

    def document(self, doc: Document) -> None:
        value = doc.value
        # A file with an HSDS name (services.json, taxonomies.json…) holds that kind.
        kind = _file_kind(doc.name)
        if isinstance(value, list):
            for index, item in enumerate(value):
                self.item(doc, item, (index,), kind)
        elif not isinstance(value, dict):
            self.problem(doc, (), "", _("An HSDS document is an object or a list of objects."))
        elif isinstance(value.get("contents"), list):
            for index, item in enumerate(value["contents"]):
                self.item(doc, item, ("contents", index), kind)
        elif value and all(str(k).endswith(".csv") for k in value):
            self.tables(doc, value)
        elif "id" not in value and set(value) & set(_WRAPPERS):
            for key, kind in _WRAPPERS.items():
                items = value.get(key)
                if isinstance(items, list):
                    for index, item in enumerate(items):
                        self.item(doc, item, (key, index), kind)
        else:
            self.item(doc, value, (), kind)

    def item(self, doc: Document, value: Any, path: Path, kind: str | None = None) -> None:
        if not isinstance(value, dict):
            self.problem(doc, path, "", _("An HSDS record is an object."))
            return
        kind = kind or _detect(value)
        if kind == _AMBIGUOUS:
            self.problem(
                doc,
                path,
                "",
                _(
                    "Cannot tell what kind of HSDS record this is: its fields fit more than one "
                    "(an organization, a taxonomy and a taxonomy_term share id, name and "
                    "description). Name the file after its kind (organizations.json, "
                    "taxonomies.json, taxonomy_terms.json…) or list the records under their "
                    'kind, as in {"organizations": […]}.'
                ),
            )
        elif kind == "organization":
            self.organization(doc, value, path)
        elif kind == "service":
            self.service(doc, value, path)
        elif kind == "location":
            self.location(doc, value, path)
        elif kind == "service_at_location":
            self.service_at_location(doc, value, path)
        elif kind in ("taxonomy", "taxonomy_term", "api"):
            # Our taxonomies are fixed and the API description is not data: nothing to store.
            self.skipped[kind] += 1
        else:
            self.problem(
                doc,
                path,
                "",
                _(
                    "Cannot tell what kind of HSDS record this is "
                    "(organization, service, location or service_at_location)."
                ),
            )

    def organization(self, doc: Document, data: dict[str, Any], path: Path) -> None:
        self.register("organization", doc, data, path)
        for part in self.items(doc, data, "services", path):
            self.service(doc, part.data, part.path, organization_id=data.get("id"))
        for part in self.items(doc, data, "locations", path):
            self.location(doc, part.data, part.path, organization_id=data.get("id"))

    def service(
        self, doc: Document, data: dict[str, Any], path: Path, organization_id: Any = None
    ) -> None:
        organization = data.get("organization")
        if isinstance(organization, dict):
            self.organization(
                doc, organization, self.path_of(organization, (*path, "organization"))
            )
            organization_id = organization.get("id")
        organization_id = data.get("organization_id") or organization_id
        self.register("service", doc, data, path, organization_id=organization_id)
        for part in self.items(doc, data, "service_at_locations", path):
            self.service_at_location(doc, part.data, part.path, service_id=data.get("id"))

    def location(
        self, doc: Document, data: dict[str, Any], path: Path, organization_id: Any = None
    ) -> None:
        self.register(
            "location",
            doc,
            data,
            path,
            organization_id=data.get("organization_id") or organization_id,
        )

    def service_at_location(
        self, doc: Document, data: dict[str, Any], path: Path, service_id: Any = None
    ) -> None:
        service, location = data.get("service"), data.get("location")
        if isinstance(service, dict):
            self.service(doc, service, self.path_of(service, (*path, "service")))
            service_id = service.get("id")
        location_id = None
        if isinstance(location, dict):
            self.location(doc, location, self.path_of(location, (*path, "location")))
            location_id = location.get("id")
        self.register(
            "service_at_location",
            doc,
            data,
            path,
            service_id=data.get("service_id") or service_id,
            location_id=data.get("location_id") or location_id,
        )

    def register(
        self, kind: str, doc: Document, data: dict[str, Any], path: Path, **links: Any
    ) -> Record | None:
        self.validate(kind, doc, data, path)
        record_id = data.get("id")
        if not isinstance(record_id, str):
            return None  # the schema check has said so
        links = {k: v if isinstance(v, str) else None for k, v in links.items()}
        known = self.records[kind].get(record_id)
        if known is None:
            record = Record(kind, record_id, data, doc, path, **links)
            self.records[kind][record_id] = record
            return record
        if self.conflict(kind, Part(data, doc, path), Part(known.data, known.doc, known.path)):
            return known
        for key, value in data.items():
            if known.data.get(key) in (None, "", []) and isinstance(value, list):
                # Parts taken from this occurrence are found where this occurrence has them.
                for index, item in enumerate(value):
                    self._origins.setdefault(id(item), (*path, key, index))
                    self._origin_docs.setdefault(id(item), doc)
        merged = {**data, **{k: v for k, v in known.data.items() if v not in (None, "", [])}}
        known.data = merged
        for key, value in links.items():
            if getattr(known, key) is None:
                setattr(known, key, value)
        return known

    def conflict(self, kind: str, new: Part, known: Part) -> bool:
        """Report and return whether two records with one id differ in a plain field.

        The same record may be repeated (HSDS nests a location under its organisation and
        again under its service), with more or fewer nested parts; a different value in a
        plain field means two records share an id.
        """
        for key, value in new.data.items():
            other = known.data.get(key, value)
            if not isinstance(value, dict | list) and other != value:
                self.problem(
                    new.doc,
                    (*new.path, key),
                    key,
                    _(
                        "The id %(id)s is given to two different records of the kind "
                        "%(kind)s (the other is at %(other)s); they differ in %(field)s."
                    )
                    % {
                        "id": new.data.get("id"),
                        "kind": kind,
                        "other": known.doc.where((*known.path, "id")),
                        "field": key,
                    },
                )
                return True
        return False

    def check_part_ids(self) -> None:
        """The nested parts (schedules, attributes…) follow the same rule as the records."""
        seen: dict[tuple[str, str], Part] = {}
        for records in self.records.values():
            for record in records.values():
                for key in _PART_KINDS:
                    for part in self.items(record.doc, record.data, key, record.path):
                        part_id = part.data.get("id")
                        if not isinstance(part_id, str):
                            continue
                        known = seen.setdefault((key, part_id), part)
                        if known is not part and known.path != part.path:
                            self.conflict(_PART_KINDS[key], part, known)

    def validate(self, kind: str, doc: Document, data: dict[str, Any], path: Path) -> None:
        checker = schemas.validator(kind, strict=False)
        tabular = id(data) in self._rows
        for error in checker.iter_errors(data):
            if tabular and _cell_text(error):
                continue
            error_path = (*path, *error.absolute_path)
            key = (doc.name, positions.json_path(error_path), error.message)
            if key in self._seen_schema:
                continue
            self._seen_schema.add(key)
            field_name, message = _schema_message(error)
            self.problem(doc, error_path, field_name, message)

    # The tabular form as JSON: one list of rows per table.

    def tables(self, doc: Document, tables: dict[str, Any]) -> None:
        rows: dict[str, list[Part]] = {}
        for name, table in tables.items():
            table_name = name.removesuffix(".csv")
            if not isinstance(table, list):
                self.problem(doc, (name,), "", _("A table is a list of rows."))
                continue
            rows[table_name] = [
                Part(row, doc, (name, index))
                for index, row in enumerate(table)
                if isinstance(row, dict)
            ]
        nested = self._nest(rows)
        for table_name, kind in _TABLES.items():
            for part in rows.get(table_name, []):
                self.item(doc, nested.get(id(part.data), part.data), part.path, kind)
        self.skipped["taxonomy"] += len(rows.get("taxonomies", []))
        self.skipped["taxonomy_term"] += len(rows.get("taxonomy_terms", []))

    def _copy(self, part: Part) -> dict[str, Any]:
        copy = dict(part.data)
        self._origins[id(copy)] = part.path
        self._rows.add(id(copy))
        self._keep.append(copy)
        return copy

    def _nest(self, rows: dict[str, list[Part]]) -> dict[int, dict[str, Any]]:
        """Put each part row under its owner, as the nested JSON form has it."""
        owners: dict[tuple[str, str], dict[str, Any]] = {}
        nested: dict[int, dict[str, Any]] = {}
        for table_name, kind in _TABLES.items():
            for part in rows.get(table_name, []):
                copy = self._copy(part)
                nested[id(part.data)] = copy
                if isinstance(part.data.get("id"), str):
                    owners[(kind, part.data["id"])] = copy

        def attach(owner_kind: str, owner_id: Any, key: str, child: dict[str, Any]) -> bool:
            owner = owners.get((owner_kind, owner_id)) if isinstance(owner_id, str) else None
            if owner is None:
                return False
            owner.setdefault(key, []).append(child)
            return True

        terms = {}
        taxonomies = {p.data.get("id"): p.data for p in rows.get("taxonomies", [])}
        for part in rows.get("taxonomy_terms", []):
            term = self._copy(part)
            detail = taxonomies.get(term.get("taxonomy_id"))
            if detail is not None:
                term["taxonomy_detail"] = detail
            terms[term.get("id")] = term
        for part in rows.get("attributes", []):
            attribute = self._copy(part)
            linked = terms.get(attribute.get("taxonomy_term_id"))
            if linked is not None:
                attribute["taxonomy_term"] = linked
            if not attach(
                str(attribute.get("link_entity")), attribute.get("link_id"), "attributes", attribute
            ):
                self.skipped["attribute"] += 1
        for part in rows.get("schedules", []):
            schedule = self._copy(part)
            # One schedule row may name the service, the location and the service at the
            # location; it is taken once, at the most precise of them.
            for owner_kind, column in (
                ("service_at_location", "service_at_location_id"),
                ("service", "service_id"),
                ("location", "location_id"),
            ):
                if attach(owner_kind, schedule.get(column), "schedules", schedule):
                    break
        for table_name, key, owner_kind, column in (
            ("service_areas", "service_areas", "service", "service_id"),
            ("languages", "languages", "service", "service_id"),
            ("cost_options", "cost_options", "service", "service_id"),
            ("contacts", "contacts", "service", "service_id"),
            ("addresses", "addresses", "location", "location_id"),
            ("phones", "phones", "organization", "organization_id"),
        ):
            for part in rows.get(table_name, []):
                attach(owner_kind, part.data.get(column), key, self._copy(part))
        return nested


def _cell_text(error: Any) -> bool:
    """What the tabular form cannot say otherwise is not an error there: a number where text is
    wanted (every cell is text), or a required text field left out (an empty cell is the
    empty text)."""
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        field_schema = error.schema.get("properties", {}).get(missing.group(1) if missing else "")
        return isinstance(field_schema, dict) and field_schema.get("type") == "string"
    wanted = error.validator_value if error.validator == "type" else ()
    return "string" in wanted and isinstance(error.instance, int | float)


_AMBIGUOUS = "ambiguous"
_KINDS = ("organization", "service", "location", "service_at_location", "taxonomy", "taxonomy_term")
# The wrapper form: {"services": [...], "taxonomies": [...]}.
_WRAPPERS = {**_PLURALS, "taxonomies": "taxonomy", "taxonomy_terms": "taxonomy_term"}


def _file_kind(name: str) -> str | None:
    """The kind a file's HSDS name says it holds: ``services.json``, ``organization.json``,
    ``taxonomy_terms.json``, the specification's ``service_full.json`` and ``…_list.json``."""
    stem = re.sub(r"_(full|list)$", "", FilePath(name).stem.lower())
    for kind in _KINDS:
        if stem in (kind, _PLURAL_NAMES.get(kind, kind + "s")):
            return kind
    return None


_PLURAL_NAMES = {"taxonomy": "taxonomies"}


@functools.cache
def _kind_fields() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Each kind's fields and required fields, from the vendored schemas, plus the nested
    records HSDS documents carry (an organization's ``services``, a service_at_location's
    ``service`` as in the specification's own example)."""
    extra = {"organization": {"services"}, "service_at_location": {"service"}}
    fields = {}
    for kind in _KINDS:
        schema = json.loads((schemas.SCHEMA_DIR / f"{kind}.json").read_text(encoding="utf-8"))
        fields[kind] = (
            frozenset(schema["properties"]) | extra.get(kind, set()),
            frozenset(schema.get("required", ())),
        )
    return fields


def _detect(value: dict[str, Any]) -> str | None:
    """The kind of a record from its fields: a field only one kind has decides; otherwise the
    one kind whose required fields it has and whose fields hold all of its known ones.
    ``_AMBIGUOUS`` when several fit (never a guess), None when none does."""
    if "openapi_url" in value and "id" not in value:
        return "api"
    if value.get("id") in _OUR_TAXONOMY_IDS:
        return "taxonomy"  # ours, as /api/hsds/taxonomies gives them (no version)
    keys = set(value)
    fields = _kind_fields()
    own = {
        kind: props - frozenset().union(*(fields[o][0] for o in _KINDS if o != kind))
        for kind, (props, _required) in fields.items()
    }
    hits = [kind for kind in _KINDS if keys & own[kind]]
    if len(hits) == 1:
        return hits[0]
    if hits:
        return _AMBIGUOUS
    known = keys & frozenset().union(*(props for props, _required in fields.values()))
    if known <= {"id"}:
        return None  # nothing but an id (and fields HSDS does not name) tells nothing
    fitting = [
        kind for kind, (props, required) in fields.items() if required <= keys and known <= props
    ]
    if len(fitting) == 1:
        return fitting[0]
    return _AMBIGUOUS if fitting else None


_OUR_TAXONOMY_IDS = frozenset(str(ids.taxonomy_id(t)) for t in Taxonomy.values)


_TYPE_NAMES = {
    "string": lambda: _("text"),
    "number": lambda: _("a number"),
    "integer": lambda: _("a whole number"),
    "array": lambda: _("a list"),
    "object": lambda: _("an object"),
    "boolean": lambda: _("true or false"),
    "null": lambda: _("null"),
}


def _schema_message(error: Any) -> tuple[str, str]:
    """The field and a message in the user's language for one schema error."""
    path = list(error.absolute_path)
    field_name = str(path[-1]) if path and isinstance(path[-1], str) else ""
    if error.validator == "type":
        wanted = error.validator_value
        names = [
            _TYPE_NAMES.get(t, lambda t=t: t)()
            for t in ([wanted] if isinstance(wanted, str) else wanted)
        ]
        return field_name, _("must be %(type)s, not %(value)s.") % {
            "type": _(" or ").join(names),
            "value": json.dumps(error.instance, ensure_ascii=False),
        }
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        name = missing.group(1) if missing else ""
        return name, _("is required but missing.")
    if error.validator == "format":
        return field_name, _("%(value)s is not a valid %(format)s.") % {
            "value": json.dumps(error.instance, ensure_ascii=False),
            "format": error.validator_value,
        }
    if error.validator == "enum":
        return field_name, _("%(value)s is not one of %(choices)s.") % {
            "value": json.dumps(error.instance, ensure_ascii=False),
            "choices": ", ".join(map(str, error.validator_value)),
        }
    return field_name, _("does not follow the HSDS schema: %(detail)s") % {"detail": error.message}


# --- step 2: checking and planning ----------------------------------------------------------


@dataclass
class SchedulePlan:
    spec: directory.ScheduleSpec
    location_id: str | None
    without_start: bool
    part: Part | None = None


@dataclass
class ServicePlan:
    record: Record
    values: dict[str, Any]
    status: str
    categories: list[str]
    target_groups: list[str]
    languages: list[str]
    features: dict[str, str]
    location_ids: list[str]
    schedules: list[SchedulePlan]
    organisation_key: str
    unmapped: list[dict[str, str]]


@dataclass
class LocationPlan:
    record: Record
    values: dict[str, Any]
    features: dict[str, str]
    organisation_key: str | None
    unmapped: list[dict[str, str]]
    virtual: bool
    hours: list[directory.HoursSpec]
    region: str


@dataclass
class OrganisationPlan:
    record: Record
    values: dict[str, Any]
    parent_id: str | None
    unmapped: list[dict[str, str]]


@dataclass
class Options:
    source: str
    municipality: Municipality | None = None
    organisation: Organisation | None = None


class Planner:
    """Turns the records into what to write, collecting every problem on the way."""

    def __init__(self, collector: Collector, options: Options, summary: Summary) -> None:
        self.c = collector
        self.records = collector.records
        self.options = options
        self.summary = summary
        self.problems = collector.problems
        self.terms = {(t.taxonomy, t.code): t for t in Term.objects.all()}
        self.term_by_uuid = {str(t.uuid): t for t in self.terms.values()}
        self.taxonomy_ids = {str(ids.taxonomy_id(t)): t for t in Taxonomy.values}
        self.municipalities = list(Municipality.objects.all())
        self.offsets_ignored = 0
        self.session_schedule_ids: set[Any] = set()
        self.hours_parts: dict[uuid.UUID, Part] = {}

    def problem(self, record: Record | Part, path: Path, field_name: str, message: str) -> None:
        full = (*record.path, *path)
        self.problems.append(
            Problem(record.doc.where(full), positions.json_path(full), field_name, message)
        )

    def plan(self) -> tuple[list[OrganisationPlan], list[LocationPlan], list[ServicePlan]]:
        self.check_owners()
        organisations = [self.organisation(r) for r in self.records["organization"].values()]
        sal_by_service: dict[str, list[Record]] = defaultdict(list)
        for sal in self.records["service_at_location"].values():
            if sal.service_id is None or sal.service_id not in self.records["service"]:
                self.problem(
                    sal,
                    ("service_id",),
                    "service_id",
                    _("No service with id %(id)s in the input.") % {"id": sal.service_id},
                )
                continue
            if sal.location_id is None or sal.location_id not in self.records["location"]:
                self.problem(
                    sal,
                    ("location_id",),
                    "location_id",
                    _("No location with id %(id)s in the input.") % {"id": sal.location_id},
                )
                continue
            sal_by_service[sal.service_id].append(sal)
        services = [
            self.service(r, sal_by_service.get(r.id, [])) for r in self.records["service"].values()
        ]
        location_owner: dict[str, str] = {}
        for plan in services:
            for location_id in plan.location_ids:
                location_owner.setdefault(location_id, plan.organisation_key)
        self.session_schedule_ids = {
            part.data.get("id")
            for record in (
                *self.records["service"].values(),
                *self.records["service_at_location"].values(),
            )
            for part in self.c.items(record.doc, record.data, "schedules", record.path)
        }
        locations = [
            self.location(r, location_owner.get(r.id)) for r in self.records["location"].values()
        ]
        self.districts(services, locations)
        self.check_schedule_ids(services, locations)
        virtual = {p.record.id for p in locations if p.virtual}
        for plan in services:
            if virtual & set(plan.location_ids):
                plan.values["online"] = True
                plan.location_ids = [i for i in plan.location_ids if i not in virtual]
        if self.offsets_ignored:
            self.summary.notes.append(
                _(
                    "%(count)d schedule times had a time zone; they were read as local Swedish "
                    "time, as the profile says."
                )
                % {"count": self.offsets_ignored}
            )
        return organisations, locations, services

    def check_schedule_ids(
        self, services: list[ServicePlan], locations: list[LocationPlan]
    ) -> None:
        """A schedule keeps its id, so an id can be one activity's (or place's) only: not two
        records' in the input, nor another activity's or place's already in Sammanhang."""
        message = _(
            "The schedule id %(id)s is already used by %(other)s, another service or location; "
            "a schedule id names one schedule."
        )
        for model, owner_field, plans in (
            (Schedule, "activity__uuid", services),
            (OpeningHours, "place__uuid", locations),
        ):
            wanted: dict[uuid.UUID, tuple[str, Part | None]] = {}
            for plan in plans:
                if isinstance(plan, ServicePlan):
                    pairs = [(s.spec.uuid, s.part) for s in plan.schedules]
                else:
                    pairs = [(h.uuid, self.hours_parts.get(h.uuid)) for h in plan.hours if h.uuid]
                for schedule_uuid, part in pairs:
                    if schedule_uuid is None:
                        continue
                    known = wanted.setdefault(schedule_uuid, (plan.record.id, part))
                    if known[0] != plan.record.id:
                        self.problem(
                            part or plan.record,
                            ("id",) if part else (),
                            "id",
                            message % {"id": schedule_uuid, "other": known[0]},
                        )
            taken = model.objects.filter(uuid__in=list(wanted)).values_list("uuid", owner_field)
            for schedule_uuid, owner_uuid in taken:
                record_id, part = wanted[schedule_uuid]
                if _uuid(record_id) != owner_uuid:
                    where: Record | Part = (
                        part
                        or self.records["service" if model is Schedule else "location"][record_id]
                    )
                    self.problem(
                        where,
                        ("id",) if part else (),
                        "id",
                        message % {"id": schedule_uuid, "other": owner_uuid},
                    )

    def check_owners(self) -> None:
        """An id owned by another source, or made in Sammanhang itself, is not overwritten."""
        models = {"organization": Organisation, "service": Activity, "location": Place}
        for kind, model in models.items():
            for record in self.records[kind].values():
                record_uuid = _uuid(record.id)
                if record_uuid is None:
                    continue
                owner = ImportedRecord.objects.filter(kind=kind, record_uuid=record_uuid).first()
                if owner is None:
                    if model.objects.filter(uuid=record_uuid).exists():  # type: ignore[attr-defined]
                        self.problem(
                            record,
                            ("id",),
                            "id",
                            _(
                                "%(id)s is a record made in Sammanhang, not imported; an "
                                "import does not overwrite it."
                            )
                            % {"id": record.id},
                        )
                elif owner.source != self.options.source:
                    self.problem(
                        record,
                        ("id",),
                        "id",
                        _(
                            "%(id)s was imported from the source %(other)s; only that source "
                            "can change it."
                        )
                        % {"id": record.id, "other": owner.source},
                    )

    # Organisations

    def organisation(self, record: Record) -> OrganisationPlan:
        data = record.data
        phone = next(
            (p.data.get("number") for p in self.c.items(record.doc, data, "phones", record.path)),
            "",
        )
        values = {
            "name": _text(data.get("name"))[:200],
            "description": _text(data.get("description")),
            "website": _text(data.get("website")),
            "email": _text(data.get("email")),
            "phone": _text(phone)[:40],
        }
        parent = data.get("parent_organization_id")
        if (
            isinstance(parent, str)
            and parent not in self.records["organization"]
            and not _exists(Organisation, parent)
        ):
            self.summary.notes.append(
                _("The parent organisation %(id)s of %(name)s is not known; not linked.")
                % {"id": parent, "name": values["name"]}
            )
            parent = None
        unmapped = self.attributes(record, data, "organization", {}, None)
        return OrganisationPlan(
            record, values, parent if isinstance(parent, str) else None, unmapped
        )

    # Services

    def service(self, record: Record, sals: list[Record]) -> ServicePlan:
        data = record.data
        description = _text(data.get("description")).strip()
        name = _text(data.get("name")).strip()
        status = STATUSES.get(_text(data.get("status")), ActivityStatus.PUBLISHED)
        values: dict[str, Any] = {
            "title": name[:200],
            **_summary_and_description(description, name),
            "online": False,
            "companion_free": CompanionFree.UNKNOWN,
            "drop_in": False,
        }
        values["age_min"] = self.age(record, "minimum_age")
        values["age_max"] = self.age(record, "maximum_age")
        if (
            values["age_min"] is not None
            and values["age_max"] is not None
            and values["age_max"] < values["age_min"]
        ):
            self.problem(
                record,
                ("maximum_age",),
                "maximum_age",
                _("The maximum age is below the minimum age."),
            )
        values.update(self.cost(record))
        contact = next(
            (
                _text(p.data.get("title") or p.data.get("department"))
                for p in self.c.items(record.doc, data, "contacts", record.path)
                if p.data.get("title") or p.data.get("department")
            ),
            "",
        )
        values["contact_role"] = contact[:200]
        # The service's own e-mail and telephone are its contact (no person's).
        values["contact_email"] = _text(data.get("email")).strip()
        values["contact_phone"] = next(
            (
                _text(p.data.get("number")).strip()[:40]
                for p in self.c.items(record.doc, data, "phones", record.path)
            ),
            "",
        )
        languages = []
        for part in self.c.items(record.doc, data, "languages", record.path):
            code = part.data.get("code")
            if isinstance(code, str) and re.fullmatch(r"[a-zA-Z]{2}", code.strip()):
                languages.append(code.strip().lower())
            elif code is not None:
                self.problem(
                    part,
                    ("code",),
                    "code",
                    _("%(code)s is not a two-letter language code (ISO 639-1).") % {"code": code},
                )
        mapped: dict[str, Any] = {"categories": [], "target_groups": [], "features": {}}
        unmapped = self.attributes(record, data, "service", mapped, values)
        organisation_key = self.organisation_key(record)
        schedules: list[SchedulePlan] = []
        at_places = set()
        location_ids: list[str] = []
        for sal in sals:
            if sal.location_id is None:
                continue  # refused in plan()
            if sal.location_id not in location_ids:
                location_ids.append(sal.location_id)
            for part in self.c.items(sal.doc, sal.data, "schedules", sal.path):
                at_places.add(part.data.get("id"))
                schedules.extend(self.schedule(part, sal.location_id))
        for part in self.c.items(record.doc, data, "schedules", record.path):
            # The same schedule given on the service and at a place is held at the place.
            if part.data.get("id") not in at_places or part.data.get("id") is None:
                schedules.extend(self.schedule(part, None))
        return ServicePlan(
            record=record,
            values=values,
            status=status,
            categories=mapped["categories"],
            target_groups=mapped["target_groups"],
            languages=languages,
            features=mapped["features"],
            location_ids=location_ids,
            schedules=schedules,
            organisation_key=organisation_key,
            unmapped=unmapped,
        )

    def organisation_key(self, record: Record) -> str:
        """The organisation of a service: its own, an existing one, or ``--organisation``."""
        org_id = record.organization_id
        if org_id is not None:
            if org_id in self.records["organization"] or _exists(Organisation, org_id):
                return org_id
            self.problem(
                record,
                ("organization_id",),
                "organization_id",
                _("No organization with id %(id)s in the input or in Sammanhang.") % {"id": org_id},
            )
            return ""
        if self.options.organisation is not None:
            return str(self.options.organisation.uuid)
        self.problem(
            record,
            (),
            "organization_id",
            _("The service names no organization; say whose it is with --organisation."),
        )
        return ""

    def age(self, record: Record, key: str) -> int | None:
        value = record.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None  # the schema check has said so
        if value < 0 or value != int(value) or value > 150:
            self.problem(record, (key,), key, _("An age is a whole number of years from 0 to 150."))
            return None
        return int(value)

    def cost(self, record: Record) -> dict[str, Any]:
        """``cost_options`` and ``fees_description`` as our free/price."""
        paid = []
        for part in self.c.items(record.doc, record.data, "cost_options", record.path):
            amount = part.data.get("amount")
            if isinstance(amount, int | float) and not isinstance(amount, bool) and amount == 0:
                continue
            words = []
            if isinstance(amount, int | float) and not isinstance(amount, bool):
                number = f"{amount:g}".replace(".", ",")
                currency = _text(part.data.get("currency")).upper()
                words.append(f"{number} {currency}".strip())
            words.append(_text(part.data.get("amount_description")))
            option = _text(part.data.get("option"))
            text = " ".join(w for w in words if w)
            if option and option.lower() != "gratis":
                text = f"{text} ({option})" if text else option
            if text:
                paid.append(text)
        fees = _text(record.data.get("fees_description")).strip()
        if not paid and not fees:
            return {"is_free": True, "price": ""}
        # fees_description is the provider's own words (and where we publish our price).
        price = fees or "; ".join(paid)
        if len(price) > 200:
            price = price[:199].rsplit(" ", 1)[0] + "…"
        return {"is_free": False, "price": price}

    def attributes(
        self,
        record: Record,
        data: dict[str, Any],
        owner: str,
        mapped: dict[str, Any],
        values: dict[str, Any] | None,
    ) -> list[dict[str, str]]:
        """Map the attributes of our taxonomies; return the others as unmapped."""
        unmapped: list[dict[str, str]] = []
        for part in self.c.items(record.doc, data, "attributes", record.path):
            attribute = part.data
            given = attribute.get("taxonomy_term")
            term: dict[str, Any] = given if isinstance(given, dict) else {}
            term_path: Path = ("taxonomy_term",) if term else ()
            given = term.get("taxonomy_detail")
            detail: dict[str, Any] = given if isinstance(given, dict) else {}
            taxonomy = term.get("taxonomy") or detail.get("name")
            if taxonomy not in Taxonomy.values:
                taxonomy = (
                    self.taxonomy_ids.get(str(term.get("taxonomy_id") or detail.get("id") or ""))
                    or taxonomy
                )
            code = term.get("code")
            known_term = self.term_by_uuid.get(
                str(attribute.get("taxonomy_term_id") or term.get("id") or "")
            )
            if taxonomy not in Taxonomy.values and known_term is not None:
                taxonomy, code = known_term.taxonomy, code or known_term.code
            if taxonomy not in Taxonomy.values:
                unmapped.append(
                    {
                        "attribute_id": _text(attribute.get("id")),
                        "taxonomy": _text(taxonomy or term.get("taxonomy_id") or ""),
                        "code": _text(code or ""),
                        "name": _text(term.get("name") or ""),
                        "value": _text(attribute.get("value") or ""),
                    }
                )
                self.summary.unmapped.append(
                    (
                        _text(record.data.get("name") or record.id),
                        unmapped[-1]["taxonomy"],
                        unmapped[-1]["code"] or unmapped[-1]["name"],
                        unmapped[-1]["value"],
                    )
                )
                continue
            found = self.terms.get((taxonomy, code)) if isinstance(code, str) else None
            if found is None:
                self.problem(
                    part,
                    (*term_path, "code"),
                    "code",
                    _("Unknown code %(code)s in the taxonomy %(taxonomy)s.")
                    % {"code": code, "taxonomy": taxonomy},
                )
                continue
            answer = self.answer(part)
            if answer is None:
                continue
            self.apply(part, found, answer, owner, mapped, values)
        return unmapped

    def answer(self, part: Part) -> str | None:
        raw = part.data.get("value")
        text = "" if raw is None else str(raw).strip().lower()
        if text in _TRUE:
            return FeatureValue.YES
        if text in _FALSE:
            return FeatureValue.NO
        if text in _UNKNOWN:
            return FeatureValue.UNKNOWN
        self.problem(
            part,
            ("value",),
            "value",
            _("%(value)s is not an answer: use true, false or unknown.") % {"value": raw},
        )
        return None

    def apply(
        self,
        part: Part,
        term: Term,
        answer: str,
        owner: str,
        mapped: dict[str, Any],
        values: dict[str, Any] | None,
    ) -> None:
        refused = _("The term %(code)s of %(taxonomy)s does not describe a %(owner)s.") % {
            "code": term.code,
            "taxonomy": term.taxonomy,
            "owner": {"service": _("service"), "location": _("location")}.get(owner, owner),
        }
        if owner == "organization":
            self.problem(part, ("taxonomy_term",), "taxonomy_term", refused)
        elif term.taxonomy == Taxonomy.TARGET_GROUP and owner == "service":
            if answer == FeatureValue.YES:
                mapped["target_groups"].append(term.code)
        elif term.taxonomy == Taxonomy.CATEGORY and owner == "service":
            if answer == FeatureValue.YES:
                mapped["categories"].append(term.code)
        elif term.code == COMPANION_FREE and values is not None:
            values["companion_free"] = answer
        elif term.code == DROP_IN and values is not None:
            values["drop_in"] = answer == FeatureValue.YES
        elif term.taxonomy == Taxonomy.ACCESSIBILITY and term.applies_to in (
            AppliesTo.BOTH,
            AppliesTo.ACTIVITY if owner == "service" else AppliesTo.PLACE,
        ):
            mapped["features"][term.code] = answer
        else:
            self.problem(part, ("taxonomy_term",), "taxonomy_term", refused)

    def schedule(self, part: Part, location_id: str | None) -> list[SchedulePlan]:
        data = part.data
        opens_at = self.time(part, "opens_at")
        closes_at = self.time(part, "closes_at")
        if opens_at is not None and closes_at is not None and closes_at <= opens_at:
            self.problem(
                part,
                ("closes_at",),
                "closes_at",
                _("The closing time %(closes)s is not after the opening time %(opens)s.")
                % {"closes": closes_at.strftime("%H:%M"), "opens": opens_at.strftime("%H:%M")},
            )
            return []
        valid_from, dtstart = self.date(part, "valid_from"), self.date(part, "dtstart")
        starts = [d for d in (valid_from, dtstart) if d]
        ends = [d for d in (self.date(part, "valid_to"), self.date(part, "until")) if d]
        start, end = (max(starts) if starts else None), (min(ends) if ends else None)
        if start and end and end < start:
            self.problem(
                part,
                ("valid_to" if "valid_to" in data else "until",),
                "valid_to",
                _("The schedule ends (%(end)s) before it starts (%(start)s).")
                % {"end": end, "start": start},
            )
            return []
        freq = data.get("freq")
        if freq is None and start is not None and start == end:
            freq = "ONCE"
        if freq is None or opens_at is None or closes_at is None:
            self.summary.counts["schedule"]["skipped"] += 1
            return []
        interval = data.get("interval", 1)
        if not isinstance(interval, int) or isinstance(interval, bool) or interval < 1:
            if isinstance(interval, int | float):
                self.problem(
                    part, ("interval",), "interval", _("The interval is a whole number from 1.")
                )
            return []
        byday = _text(data.get("byday")) if freq != "ONCE" else ""
        try:
            parse_byday(freq, byday)
        except ScheduleRuleError:
            self.problem(
                part,
                ("byday",),
                "byday",
                _("%(value)s is not a day rule such as MO,TH (weekly) or 1SA (monthly).")
                % {"value": byday},
            )
            return []
        if data.get("timezone") not in (None, ""):
            self.offsets_ignored += 1  # a UTC offset for the schedule: local time all the same
        ignored = [key for key in _RULE_PARTS_IGNORED if data.get(key) not in (None, "")]
        if ignored:
            self.summary.notes.append(
                _("%(where)s: %(fields)s cannot be kept in Sammanhang's schedules; left out.")
                % {"where": part.doc.where(part.path), "fields": ", ".join(ignored)}
            )
        if valid_from and dtstart and dtstart > valid_from and freq != "ONCE":
            # dtstart is the first session; when the rule from valid_from gives that same
            # first session (as our export writes it), valid_from is the start we keep.
            rule = Rule(
                freq=freq, interval=interval, byday=byday, valid_from=valid_from, valid_to=end
            )
            first = rule_dates(rule, valid_from, dtstart)
            start = valid_from if first and first[0] == dtstart else dtstart
        count = data.get("count")
        if isinstance(count, int) and count > 0 and start is not None and freq != "ONCE":
            rule = Rule(freq=freq, interval=interval, byday=byday, valid_from=start, valid_to=end)
            dates = rule_dates(rule, start, end or date(start.year + 100, 1, 1))
            if len(dates) >= count:
                end = dates[count - 1]
        if location_id is None and freq not in ("WEEKLY", "MONTHLY", "ONCE"):
            return []
        spec = directory.ScheduleSpec(
            freq=freq,
            opens_at=opens_at,
            closes_at=closes_at,
            valid_from=start or clock.today(),
            # A single date has no end of its own (the export writes it as valid_to).
            valid_to=None if freq == "ONCE" else end,
            byday=byday,
            interval=interval,
            # The schedule keeps its id, so consumers and calendars see the same schedule.
            uuid=_uuid(data.get("id")),
        )
        return [SchedulePlan(spec, location_id, start is None, part)]

    def time(self, part: Part, key: str) -> time | None:
        raw = part.data.get(key)
        if raw is None or not isinstance(raw, str):
            return None
        match = _TIME.match(raw.strip())
        if match is None or int(match[1]) > 23 or int(match[2]) > 59:
            self.problem(
                part, (key,), key, _("%(value)s is not a time such as 09:30.") % {"value": raw}
            )
            return None
        if match[4]:
            self.offsets_ignored += 1
        return time(int(match[1]), int(match[2]))

    def date(self, part: Part, key: str) -> date | None:
        raw = part.data.get(key)
        if raw is None or not isinstance(raw, str) or not raw.strip():
            return None
        try:
            return date.fromisoformat(raw.strip()[:10])
        except ValueError:
            self.problem(
                part,
                (key,),
                key,
                _("%(value)s is not a date such as 2026-04-01.") % {"value": raw},
            )
            return None

    # Locations

    def location(self, record: Record, service_owner: str | None) -> LocationPlan:
        data = record.data
        virtual = data.get("location_type") == "virtual"
        addresses = list(self.c.items(record.doc, data, "addresses", record.path))
        address = next(
            (a for a in addresses if a.data.get("address_type") == "physical"),
            addresses[0] if addresses else None,
        )
        street = city = postal_code = ""
        if address is not None:
            street = ", ".join(
                _text(address.data.get(k))
                for k in ("address_1", "address_2")
                if address.data.get(k)
            )
            city = _text(address.data.get("city"))
            postal_code = _text(address.data.get("postal_code"))
        name = _text(data.get("name")).strip() or street
        municipality = self.municipality(city)
        if municipality is None and not virtual:
            if city:
                message = _(
                    "No municipality called %(city)s in Sammanhang; name one with --municipality."
                ) % {"city": city}
            else:
                message = _("The location has no city; name its municipality with --municipality.")
            self.problem(address or record, ("city",) if address else (), "city", message)
        if not name and not virtual:
            self.problem(record, (), "name", _("The location needs a name or an address."))
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if not (
            isinstance(latitude, int | float)
            and isinstance(longitude, int | float)
            and -90 <= latitude <= 90
            and -180 <= longitude <= 180
        ):
            if latitude is not None or longitude is not None:
                self.summary.notes.append(
                    _("The coordinates of %(name)s are out of range and were left out.")
                    % {"name": name or record.id}
                )
            latitude = longitude = None
        values = {
            "name": name[:200],
            "municipality": municipality,
            "district": None,
            "street_address": street[:200],
            "postal_code": postal_code[:10],
            "city": city[:100],
            "latitude": latitude,
            "longitude": longitude,
            "how_to_get_there": _text(data.get("transportation")),
            "description": _text(data.get("description")),
        }
        mapped: dict[str, Any] = {"features": {}}
        unmapped = self.attributes(record, data, "location", mapped, None)
        hours = []
        for part in self.c.items(record.doc, data, "schedules", record.path):
            if part.data.get("id") in self.session_schedule_ids and part.data.get("id"):
                continue  # a service's sessions there, repeated under the location
            hours.extend(self.opening_hours(part))
        owner = record.organization_id
        if (
            owner is not None
            and owner not in self.records["organization"]
            and not _exists(Organisation, owner)
        ):
            # Who keeps a place's details matters less than that the place is there.
            self.summary.notes.append(
                _("The organization %(id)s of the location %(name)s is not known; not linked.")
                % {"id": owner, "name": name or record.id}
            )
            owner = None
        owner = owner or service_owner
        if owner is None and self.options.organisation is not None:
            owner = str(self.options.organisation.uuid)
        if owner is None and not virtual:
            self.problem(
                record,
                (),
                "organization_id",
                _("The location names no organization; say whose it is with --organisation."),
            )
        region = _text(address.data.get("region")).strip() if address else ""
        return LocationPlan(
            record, values, mapped["features"], owner, unmapped, virtual, hours, region
        )

    def opening_hours(self, part: Part) -> list[directory.HoursSpec]:
        """A location's weekly schedule as opening hours; other rules cannot be hours."""
        plans = self.schedule(part, None)
        if not plans:
            return []
        spec = plans[0].spec
        if spec.freq != "WEEKLY" or spec.interval != 1:
            self.summary.counts["schedule"]["skipped"] += 1
            self.summary.notes.append(
                _("Opening hours are weekly; the schedule at %(where)s was left out.")
                % {"where": part.doc.where(part.path)}
            )
            return []
        days = spec.byday.split(",")
        hours = []
        for day in days:
            weekday = DAY_CODES[day] + 1
            # One row per weekday: a one-day schedule (as we export them) keeps its id, the
            # days of a longer one get ids derived from it, the same on every import.
            row_uuid = spec.uuid
            if row_uuid is not None and len(days) > 1:
                row_uuid = ids.part_id(row_uuid, "weekday", weekday)
            hours.append(
                directory.HoursSpec(
                    weekday=weekday,
                    opens_at=spec.opens_at,
                    closes_at=spec.closes_at,
                    valid_from=None if plans[0].without_start else spec.valid_from,
                    valid_to=spec.valid_to,
                    uuid=row_uuid,
                )
            )
            if row_uuid is not None:
                self.hours_parts[row_uuid] = part
        return hours

    def municipality(self, city: str) -> Municipality | None:
        wanted = city.strip().casefold()
        for municipality in self.municipalities:
            if wanted and wanted in (municipality.name.casefold(), municipality.slug.casefold()):
                return municipality
        return self.options.municipality

    def districts(self, services: list[ServicePlan], locations: list[LocationPlan]) -> None:
        """A place's district: its address's ``region`` when that is a district of its
        municipality, else the one district of that municipality that the service areas of
        the services held there name. When they name several, a place already in one of them
        stays there; otherwise the district is left empty (it cannot be told)."""
        areas: dict[str, set[str]] = defaultdict(set)
        for service in services:
            names = {
                _text(p.data.get("name")).strip().casefold()
                for p in self.c.items(
                    service.record.doc, service.record.data, "service_areas", service.record.path
                )
            }
            for location_id in service.location_ids:
                areas[location_id] |= names
        for plan in locations:
            municipality = plan.values["municipality"]
            if municipality is None:
                continue
            districts = list(District.objects.filter(municipality=municipality))

            def named(names: set[str], districts: list[District] = districts) -> list[District]:
                return [d for d in districts if {d.name.casefold(), d.code.casefold()} & names]

            by_region = named({plan.region.casefold()}) if plan.region else []
            by_area = named(areas.get(plan.record.id, set()))
            place_uuid = _uuid(plan.record.id)
            current = (
                Place.objects.filter(uuid=place_uuid).values_list("district_id", flat=True).first()
                if place_uuid
                else None
            )
            if by_region:
                plan.values["district"] = by_region[0]
            elif len(by_area) == 1:
                plan.values["district"] = by_area[0]
            else:
                plan.values["district"] = next((d for d in by_area if d.pk == current), None)


def _summary_and_description(text: str, name: str) -> dict[str, str]:
    """HSDS has one description; we publish the summary as its first paragraph (the profile),
    so that paragraph is the summary and the rest the description. A first paragraph too long
    for a summary is cut there and the whole text kept as the description."""
    first, _sep, rest = text.strip().partition("\n\n")
    first = first.strip()
    if not first:
        return {"summary": name[:400], "description": ""}
    if len(first) <= 400:
        return {"summary": first, "description": rest.strip()}
    return {"summary": first[:399].rsplit(" ", 1)[0] + "…", "description": text.strip()}


def _exists(model: type[Activity] | type[Organisation] | type[Place], value: Any) -> bool:
    record_uuid = _uuid(value)
    return record_uuid is not None and model.objects.filter(uuid=record_uuid).exists()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- step 3: writing ------------------------------------------------------------------------


# Our model fields -> the HSDS field they come from, to point at it when a model refuses it.
HSDS_FIELDS = {
    "title": "name",
    "summary": "description",
    "age_min": "minimum_age",
    "age_max": "maximum_age",
    "price": "cost_options",
    "contact_role": "contacts",
    "phone": "phones",
    "street_address": "addresses",
    "postal_code": "addresses",
    "city": "addresses",
    "how_to_get_there": "transportation",
    "parent": "parent_organization_id",
    "__all__": "",
}


class Writer:
    def __init__(self, options: Options, summary: Summary, problems: list[Problem]) -> None:
        self.options = options
        self.summary = summary
        self.problems = problems
        self.now = timezone.now()

    def guarded(self, record: Record, write: Callable[[], str], *, count: bool = True) -> None:
        """Write one record in a savepoint; a refusal becomes a problem at the record."""
        try:
            with transaction.atomic():
                outcome = write()
        except ValidationError as error:
            fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for model_field, messages in fields.items():
                hsds_field = HSDS_FIELDS.get(model_field, model_field)
                sub = (hsds_field,) if hsds_field in record.data else ()
                where, path = record.where(*sub)
                for message in messages:
                    self.problems.append(Problem(where, path, hsds_field, message))
        except (directory.DirectoryError, ScheduleRuleError) as error:
            where, path = record.where()
            self.problems.append(Problem(where, path, "", str(error)))
        else:
            if count:
                self.summary.counts[record.kind][outcome] += 1

    def remember(self, kind: str, record_id: str, unmapped: list[dict[str, str]]) -> bool:
        """Record the source of ``record_id``; keep its unmapped attributes. True if new."""
        imported, created = ImportedRecord.objects.update_or_create(
            kind=kind,
            record_uuid=uuid.UUID(record_id),
            defaults={"source": self.options.source, "last_imported_at": self.now},
        )
        wanted = sorted(tuple(sorted(u.items())) for u in unmapped)
        have = sorted(
            tuple(sorted(row.items()))
            for row in imported.unmapped_attributes.values(
                "attribute_id", "taxonomy", "code", "name", "value"
            )
        )
        if wanted != have:
            imported.unmapped_attributes.all().delete()
            UnmappedAttribute.objects.bulk_create(
                UnmappedAttribute(record=imported, **u) for u in unmapped
            )
        return created

    def organisations(self, plans: list[OrganisationPlan]) -> None:
        for plan in plans:
            self.guarded(plan.record, functools.partial(self.organisation, plan))
        if self.problems:
            return
        # Parents once every organisation of the input exists, whatever their order.
        for plan in plans:
            if plan.parent_id is not None:
                self.guarded(plan.record, functools.partial(self.parent, plan), count=False)

    def parent(self, plan: OrganisationPlan) -> str:
        organisation = Organisation.objects.get(uuid=uuid.UUID(plan.record.id))
        parent = Organisation.objects.filter(uuid=uuid.UUID(str(plan.parent_id))).first()
        if parent is None or organisation.parent_id == parent.pk:
            return "unchanged"
        accounts.organisation_update(actor=None, organisation=organisation, parent=parent)
        return "updated"

    def organisation(self, plan: OrganisationPlan) -> str:
        record_uuid = uuid.UUID(plan.record.id)
        existing = Organisation.objects.filter(uuid=record_uuid).first()
        self.remember("organization", plan.record.id, plan.unmapped)
        if existing is None:
            accounts.organisation_create(
                actor=None,
                slug=_free_slug(Organisation, plan.values["name"]),
                uuid=record_uuid,
                **plan.values,
            )
            return "created"
        changed = accounts.organisation_update(actor=None, organisation=existing, **plan.values)
        return "updated" if changed else "unchanged"

    def locations(self, plans: list[LocationPlan]) -> None:
        for plan in plans:
            if plan.virtual:
                self.summary.counts["location"]["skipped"] += 1
                continue
            self.guarded(plan.record, functools.partial(self.location, plan))

    def location(self, plan: LocationPlan) -> str:
        record_uuid = uuid.UUID(plan.record.id)
        existing = Place.objects.filter(uuid=record_uuid).first()
        self.remember("location", plan.record.id, plan.unmapped)
        if existing is None:
            owner = Organisation.objects.get(uuid=uuid.UUID(str(plan.organisation_key)))
            place = directory.place_create(
                actor=None,
                owner=owner,
                slug=directory.slug_unique(Place, plan.values["name"]),
                uuid=record_uuid,
                features=plan.features,
                **plan.values,
            )
            directory.place_opening_hours_set(actor=None, place=place, hours=plan.hours)
            return "created"
        changed = bool(
            directory.place_update(
                actor=None, place=existing, features=plan.features, **plan.values
            )
        )
        if directory.place_opening_hours_set(actor=None, place=existing, hours=plan.hours):
            changed = True
        return "updated" if changed else "unchanged"

    def services(self, plans: list[ServicePlan]) -> None:
        for plan in plans:
            self.guarded(plan.record, functools.partial(self.service, plan))

    def service(self, plan: ServicePlan) -> str:
        record_uuid = uuid.UUID(plan.record.id)
        existing = Activity.objects.filter(uuid=record_uuid).first()
        self.remember("service", plan.record.id, plan.unmapped)
        places = {
            str(p.uuid): p
            for p in Place.objects.filter(uuid__in=[uuid.UUID(i) for i in plan.location_ids])
        }
        values = dict(plan.values)
        title, summary = values.pop("title"), values.pop("summary")
        links: dict[str, Any] = {
            "places": [places[i] for i in plan.location_ids if i in places],
            "categories": plan.categories,
            "target_groups": plan.target_groups,
            "languages": plan.languages,
            "features": plan.features,
        }
        if existing is None:
            organisation = Organisation.objects.get(uuid=uuid.UUID(plan.organisation_key))
            activity = directory.activity_create(
                actor=None,
                organisation=organisation,
                slug=directory.slug_unique(Activity, title),
                title=title,
                summary=summary,
                status=plan.status,
                uuid=record_uuid,
                **links,
                **values,
            )
            changed = True
        else:
            activity = existing
            changed = bool(
                directory.activity_update(
                    actor=None, activity=activity, title=title, summary=summary, **links, **values
                )
            )
            if activity.status != plan.status:
                directory.activity_set_status(actor=None, activity=activity, status=plan.status)
                changed = True
        current = list(activity.schedules.all())
        specs = []
        for schedule in plan.schedules:
            spec = schedule.spec._replace(
                place_id=places[schedule.location_id].pk if schedule.location_id in places else None
            )
            if schedule.without_start:
                # No start in the input: keep the start the first import gave it.
                for have in current:
                    if (have.freq, have.byday, have.opens_at, have.closes_at, have.place_id) == (
                        spec.freq,
                        spec.byday,
                        spec.opens_at,
                        spec.closes_at,
                        spec.place_id,
                    ) and have.valid_to == spec.valid_to:
                        spec = spec._replace(valid_from=have.valid_from)
                        break
            specs.append(spec)
        if directory.activity_schedules_set(actor=None, activity=activity, schedules=specs):
            changed = True
        if existing is None:
            return "created"
        return "updated" if changed else "unchanged"


def _free_slug(model: type[Organisation], text: str) -> str:
    base = (slugify(text) or "organisation")[:90]
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


# --- the whole import -----------------------------------------------------------------------


def import_documents(documents: Iterable[Document], options: Options) -> Summary:
    """Import the documents as one change; raise ``ImportFailed`` listing every problem.

    Nothing is written unless everything can be.
    """
    summary = Summary()
    collector = Collector()
    for document in documents:
        collector.document(document)
    collector.check_part_ids()
    for kind, count in collector.skipped.items():
        summary.counts[kind]["skipped"] += count
    problems: list[Problem] = []
    with transaction.atomic():
        # Checked and written in one transaction, so what was checked is what is written to.
        organisations, locations, services = Planner(collector, options, summary).plan()
        if collector.problems:
            raise ImportFailed(collector.problems)
        writer = Writer(options, summary, problems)
        writer.organisations(organisations)
        if not problems:
            writer.locations(locations)
        if not problems:
            writer.services(services)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise ImportFailed(problems)
    return summary


def import_path(path: FilePath, options: Options) -> Summary:
    """Import a file or a folder; see ``import_documents``."""
    return import_documents(read_path(path), options)
