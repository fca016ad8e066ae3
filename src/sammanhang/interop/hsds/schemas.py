"""The vendored HSDS 3.0 schemas as JSON Schema validators.

One registry serves every schema file under the address the specification's own ``$ref``s use
(``https://raw.githubusercontent.com/openreferral/specification/3.0/schema/…``), so references
between files, and from ``openapi.json`` to them, resolve locally without a network.

``strict`` adds ``additionalProperties: false`` to every object schema: the specification
allows extra fields, but we promise to send none, and a typo in our own mapping (``organisation``
for ``organization``) must fail a test rather than pass as an extension.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "standards" / "hsds-3.0" / "schema"
BASE_URI = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


@dataclass(frozen=True)
class SchemaProblem:
    """One way a document breaks the schema, with where (a JSON path such as ``$.schedules[0]``)."""

    path: str
    message: str


def _forbid_additional(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _forbid_additional(value) for key, value in node.items()}
        if "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_forbid_additional(item) for item in node]
    return node


def _with_services(organization: dict[str, Any]) -> dict[str, Any]:
    """The compiled organization, as the specification builds it: with its services."""
    compiled = copy.deepcopy(organization)
    compiled["properties"]["services"] = {
        "name": "services",
        "type": "array",
        "description": "The services provided by the organization.",
        "items": {"$ref": "service.json"},
    }
    return compiled


@functools.cache
def _registry(strict: bool) -> Registry:
    resources = {}
    for path in sorted(SCHEMA_DIR.rglob("*.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        if strict and path.name != "openapi.json":
            contents = _forbid_additional(contents)
        resource = Resource.from_contents(contents, default_specification=DRAFT202012)
        name = path.relative_to(SCHEMA_DIR).as_posix()
        resources[BASE_URI + name] = resource
        # The specification publishes every schema in compiled/ with its references inlined
        # but vendors only some; the uncompiled file says the same through its references.
        if "/" not in name and not (SCHEMA_DIR / "compiled" / name).exists():
            if name == "organization.json":
                resource = Resource.from_contents(
                    _with_services(contents), default_specification=DRAFT202012
                )
            resources[BASE_URI + "compiled/" + name] = resource
    return Registry().with_resources(resources.items())


@functools.cache
def _openapi() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


def validator(name: str, *, strict: bool = True) -> Draft202012Validator:
    """A validator for one schema file, e.g. ``service``, ``compiled/service_list``."""
    return _validator({"$ref": BASE_URI + name + ".json"}, strict)


def _validator(schema_json: Any, strict: bool) -> Draft202012Validator:
    return Draft202012Validator(
        schema_json,
        registry=_registry(strict),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def response_validator(path: str, *, strict: bool = True) -> Draft202012Validator:
    """A validator for the 200 response of an OpenAPI path such as ``/services/{id}``.

    A list response is the specification's ``Page`` with ``contents``; its schema joins them
    with ``allOf``, which ``additionalProperties`` cannot see through, so the page's fields and
    ``contents`` are put in one object schema here.
    """
    response = _openapi()["paths"][path]["get"]["responses"]["200"]
    schema = copy.deepcopy(response["content"]["application/json"]["schema"])
    if "allOf" in schema:
        page = _openapi()["components"]["schemas"]["Page"]
        schema = {
            "type": "object",
            "properties": {**page["properties"], **schema["properties"]},
            "required": [*page["properties"], *schema["properties"]],
        }
    if strict:
        schema = _forbid_additional(schema)
    return _validator(schema, strict)


def problems(document: Any, checker: Draft202012Validator) -> Iterator[SchemaProblem]:
    """Every problem in ``document``, in document order."""
    for error in sorted(checker.iter_errors(document), key=lambda e: list(map(str, e.path))):
        yield SchemaProblem(path=error.json_path, message=error.message)
