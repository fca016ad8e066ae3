"""The DCAT-AP-SE catalogue of the open data this site publishes (``/datasets/dcat``).

Sveriges dataportal (dataportal.se) harvests a municipality's catalogue in DCAT-AP-SE 2.x,
the Swedish profile of DCAT-AP (https://docs.dataportal.se/dcat/), as RDF/XML. This module
describes one dataset, the directory of activities, meeting places and organisations, with
its distributions (the HSDS 3.0 API, the v1 JSON API, iCalendar and CSV), and the two APIs
as ``dcat:DataService``; each with what the profile requires or recommends: titles and
descriptions in Swedish and English, a publisher (``foaf:Agent`` with ``foaf:name``), a
contact point (vCard), themes from the EU data-theme vocabulary, licence, access rights,
``dcterms:conformsTo`` HSDS 3.0 and the time of the latest change.

The graph is built as plain ``Resource`` values and written by small serialisers for
RDF/XML (``xml.etree``), Turtle and JSON-LD, since ``rdflib`` is not a dependency. The
serialisers only ever see ``Resource``/``URI``/``Literal``, so replacing them by rdflib means
turning those into an ``rdflib.Graph`` in one function and calling ``Graph.serialize``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from sammanhang.directory import selectors
from sammanhang.interop import tabular_export

NAMESPACES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
EU = "http://publications.europa.eu/resource/authority/"
THEMES = (f"{EU}data-theme/SOCI", f"{EU}data-theme/GOVE")
ACCESS_PUBLIC = f"{EU}access-right/PUBLIC"
LANGUAGES = (f"{EU}language/SWE", f"{EU}language/ENG")
CONTINUOUS = f"{EU}frequency/CONT"
SWEDEN = f"{EU}country/SWE"
PUBLISHER_TYPES = "http://purl.org/adms/publishertype/"
HSDS_3 = "https://docs.openreferral.org/en/v3.0/"
IANA = "https://www.iana.org/assignments/media-types/"
XSD_DATETIME = NAMESPACES["xsd"] + "dateTime"

MEDIA_TYPES = {
    "rdf": "application/rdf+xml",
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
}


@dataclass(frozen=True)
class URI:
    value: str


@dataclass(frozen=True)
class Literal:
    value: str
    lang: str | None = None
    datatype: str | None = None


@dataclass
class Resource:
    """A subject with its types (``prefix:Name``) and properties; ``uri`` None is a blank node."""

    types: list[str]
    uri: str | None = None
    properties: list[tuple[str, URI | Literal | Resource]] = field(default_factory=list)

    def add(self, predicate: str, *values: URI | Literal | Resource | str | None) -> Resource:
        for value in values:
            if value is None or value == "":
                continue
            self.properties.append((predicate, Literal(value) if isinstance(value, str) else value))
        return self


def texts(sv: str, en: str) -> tuple[Literal, Literal]:
    return Literal(sv, lang="sv"), Literal(en, lang="en")


# --- the catalogue -------------------------------------------------------------------------


def catalogue(absolute: Callable[[str], str], *, ical_url: str | None = None) -> Resource:
    """The catalogue, its dataset, distributions and services, with absolute URIs.

    ``absolute`` makes a path absolute on this site; ``ical_url`` is the iCalendar feed of
    every activity, when the site has one.
    """
    with translation.override("sv"):
        finder = absolute(reverse("directory:finder"))
        csv_url = absolute(reverse("interop:finder_csv"))
    with translation.override("en"):
        finder_en = absolute(reverse("directory:finder"))
    home = absolute("/")
    catalogue_uri = absolute("/datasets/dcat")
    licence = URI(settings.SAMMANHANG_OPEN_DATA_LICENSE)
    modified = _modified()
    operator = settings.SAMMANHANG_OPERATOR_NAME
    limit = tabular_export.EXPORT_LIMIT
    limit_sv = f"{limit:,}".replace(",", "\u00a0")  # Swedish groups thousands with a space

    # Named once and referred to by the dataset and the services; the operator's own web
    # address is its identity when set, else a name within this catalogue.
    publisher_uri = settings.SAMMANHANG_OPERATOR_URL or f"{catalogue_uri}#publisher"
    publisher = Resource(["foaf:Agent"], uri=publisher_uri)
    publisher.add("foaf:name", operator)
    publisher.add("dcterms:type", URI(PUBLISHER_TYPES + settings.SAMMANHANG_OPERATOR_TYPE))
    if settings.SAMMANHANG_OPERATOR_URL:
        publisher.add("foaf:homepage", URI(settings.SAMMANHANG_OPERATOR_URL))
    if settings.SAMMANHANG_CONTACT_EMAIL:
        publisher.add("foaf:mbox", URI(f"mailto:{settings.SAMMANHANG_CONTACT_EMAIL}"))

    contact = Resource(["vcard:Organization"], uri=f"{catalogue_uri}#contact")
    contact.add("vcard:fn", operator)
    if settings.SAMMANHANG_CONTACT_EMAIL:
        contact.add("vcard:hasEmail", URI(f"mailto:{settings.SAMMANHANG_CONTACT_EMAIL}"))
    if settings.SAMMANHANG_CONTACT_PHONE:
        phone = "".join(c for c in settings.SAMMANHANG_CONTACT_PHONE if c.isdigit() or c == "+")
        contact.add(
            "vcard:hasTelephone",
            Resource(["vcard:Voice"]).add("vcard:hasValue", URI(f"tel:{phone}")),
        )

    hsds_standard = Resource(["dcterms:Standard"], uri=HSDS_3).add(
        "dcterms:title", Literal("Human Services Data Specification (HSDS) 3.0", lang="en")
    )
    dataset = Resource(["dcat:Dataset"], uri=f"{catalogue_uri}#aktiviteter")

    def service(path: str, sv: str, en: str, sv_about: str, en_about: str) -> Resource:
        endpoint = absolute(path)
        node = Resource(["dcat:DataService"], uri=endpoint)
        node.add("dcterms:title", *texts(sv, en))
        node.add("dcterms:description", *texts(sv_about, en_about))
        node.add("dcat:endpointURL", URI(endpoint))
        node.add("dcat:servesDataset", dataset)
        node.add("dcterms:publisher", publisher)
        node.add("dcat:contactPoint", contact)
        node.add("dcterms:license", licence)
        node.add("dcterms:accessRights", URI(ACCESS_PUBLIC))
        return node

    hsds_api = service(
        "/api/hsds/",
        f"HSDS 3.0-API – {operator}",
        f"HSDS 3.0 API – {operator}",
        "Aktiviteter, platser och organisationer enligt Open Referrals Human Services Data "
        "Specification 3.0 (JSON). Öppet, utan nyckel.",
        "Activities, places and organisations in Open Referral's Human Services Data "
        "Specification 3.0 (JSON). Open, no key needed.",
    )
    hsds_api.add("dcterms:conformsTo", hsds_standard)
    # The specification's own OpenAPI document, which the HSDS API serves as it is.
    hsds_api.add("dcat:endpointDescription", URI(absolute("/api/hsds/openapi.json")))
    v1_api = service(
        "/api/v1/",
        f"Sammanhangs API – {operator}",
        f"Sammanhang API – {operator}",
        "Samma sökning som webbplatsens aktivitetssök, som JSON. Öppet, utan nyckel.",
        "The same search as the site's activity finder, as JSON. Open, no key needed.",
    ).add("dcat:endpointDescription", URI(absolute("/api/v1/openapi.json")))

    def distribution(
        key: str,
        sv: str,
        en: str,
        sv_about: str,
        en_about: str,
        *,
        access: str,
        media_type: str,
        file_type: str | None = None,
        download: bool = False,
        api: Resource | None = None,
    ) -> Resource:
        node = Resource(["dcat:Distribution"], uri=f"{catalogue_uri}#{key}")
        node.add("dcterms:title", *texts(sv, en))
        node.add("dcterms:description", *texts(sv_about, en_about))
        node.add("dcat:accessURL", URI(access))
        if download:
            node.add("dcat:downloadURL", URI(access))
        node.add("dcat:mediaType", URI(IANA + media_type))
        if file_type:
            node.add("dcterms:format", URI(f"{EU}file-type/{file_type}"))
        node.add("dcterms:license", licence)
        if api is not None:
            node.add("dcat:accessService", api)
        if modified:
            node.add("dcterms:modified", modified)
        return node

    distributions = [
        distribution(
            "hsds",
            "HSDS 3.0-API (JSON)",
            "HSDS 3.0 API (JSON)",
            "Tjänster, organisationer, platser och taxonomier enligt HSDS 3.0.",
            "Services, organisations, locations and taxonomies in HSDS 3.0.",
            access=absolute("/api/hsds/"),
            media_type="application/json",
            file_type="JSON",
            api=hsds_api,
        ).add("dcterms:conformsTo", hsds_standard),
        distribution(
            "api-v1",
            "Sammanhangs API (JSON)",
            "Sammanhang API (JSON)",
            "Aktiviteter med nästa tillfällen, platser och organisationer, med sökfilter.",
            "Activities with their next sessions, places and organisations, with filters.",
            access=absolute("/api/v1/"),
            media_type="application/json",
            file_type="JSON",
            api=v1_api,
        ),
        distribution(
            "csv",
            "Aktiviteter som CSV",
            "Activities as CSV",
            "Aktivitetssökets resultat som tabell (UTF-8, semikolon). Lägg sökets filter "
            f"efter frågetecknet; högst {limit_sv} rader.",
            "The activity finder's results as a table (UTF-8, semicolons). Add the search's "
            f"filters after the question mark; at most {limit:,} rows.",
            access=csv_url,
            media_type="text/csv",
            file_type="CSV",
            download=True,
        ),
    ]
    if ical_url:
        distributions.append(
            distribution(
                "icalendar",
                "Aktiviteter som kalender (iCalendar)",
                "Activities as a calendar (iCalendar)",
                "Alla kommande tillfällen som kalenderflöde (RFC 5545).",
                "Every coming session as a calendar feed (RFC 5545).",
                access=absolute(ical_url),
                media_type="text/calendar",
                download=True,
            )
        )

    dataset.add(
        "dcterms:title",
        *texts(
            f"Aktiviteter och mötesplatser – {operator}",
            f"Activities and meeting places – {operator}",
        ),
    )
    dataset.add(
        "dcterms:description",
        *texts(
            "Öppna aktiviteter, mötesplatser och evenemang för invånare, med tider, platser, "
            "tillgänglighet, målgrupper och arrangörer. Uppdateras när arrangörerna ändrar.",
            "Open activities, meeting places and events for residents, with times, places, "
            "accessibility, target groups and organisers. Updated as the organisers edit.",
        ),
    )
    dataset.add("dcterms:publisher", publisher)
    dataset.add("dcat:contactPoint", contact)
    dataset.add("dcat:theme", *(URI(theme) for theme in THEMES))
    dataset.add(
        "dcat:keyword",
        *texts("aktiviteter", "activities"),
        *texts("mötesplatser", "meeting places"),
        *texts("föreningar", "associations"),
        Literal("HSDS", lang="en"),
    )
    dataset.add("dcterms:accessRights", URI(ACCESS_PUBLIC))
    dataset.add("dcterms:accrualPeriodicity", URI(CONTINUOUS))
    dataset.add("dcterms:language", *(URI(language) for language in LANGUAGES))
    dataset.add("dcterms:spatial", URI(SWEDEN))
    dataset.add("dcat:landingPage", Resource(["foaf:Document"], uri=finder))
    dataset.add("foaf:page", Resource(["foaf:Document"], uri=finder_en))
    dataset.add("dcterms:conformsTo", hsds_standard)
    if modified:
        dataset.add("dcterms:modified", modified)
    dataset.add("dcat:distribution", *distributions)

    node = Resource(["dcat:Catalog"], uri=catalogue_uri)
    node.add(
        "dcterms:title",
        *texts(
            f"Öppna data från Sammanhang – {operator}", f"Open data from Sammanhang – {operator}"
        ),
    )
    node.add(
        "dcterms:description",
        *texts(
            f"Datamängder och API:er som {operator} publicerar genom Sammanhang.",
            f"Datasets and APIs that {operator} publishes through Sammanhang.",
        ),
    )
    node.add("dcterms:publisher", publisher)
    node.add("foaf:homepage", Resource(["foaf:Document"], uri=home))
    node.add("dcterms:language", *(URI(language) for language in LANGUAGES))
    node.add("dcterms:license", licence)
    node.add("dcterms:spatial", URI(SWEDEN))
    node.add("dcat:themeTaxonomy", URI(f"{EU}data-theme"))
    if modified:
        node.add("dcterms:modified", modified)
    node.add("dcat:dataset", dataset)
    node.add("dcat:service", hsds_api, v1_api)
    return node


def _modified() -> Literal | None:
    moment = selectors.directory_last_modified()
    if moment is None:
        return None
    return Literal(
        timezone.localtime(moment).replace(microsecond=0).isoformat(), datatype=XSD_DATETIME
    )


# --- serialisers -----------------------------------------------------------------------------


def _expand(curie: str) -> str:
    prefix, name = curie.split(":", 1)
    return NAMESPACES[prefix] + name


def rdf_xml(root: Resource) -> bytes:
    """RDF/XML in the striped style: each resource described where it first appears, later
    mentions by ``rdf:resource``; a blank node is described in place each time."""
    for prefix, uri in NAMESPACES.items():
        ET.register_namespace(prefix, uri)
    document = ET.Element(_tag("rdf:RDF"))
    described: set[str] = set()

    def describe(parent: ET.Element, resource: Resource) -> None:
        element = ET.SubElement(parent, _tag(resource.types[0]))
        if resource.uri:
            element.set(_tag("rdf:about"), resource.uri)
            described.add(resource.uri)
        for extra in resource.types[1:]:
            ET.SubElement(element, _tag("rdf:type")).set(_tag("rdf:resource"), _expand(extra))
        for predicate, value in resource.properties:
            child = ET.SubElement(element, _tag(predicate))
            if isinstance(value, Literal):
                child.text = value.value
                if value.lang:
                    child.set("{http://www.w3.org/XML/1998/namespace}lang", value.lang)
                if value.datatype:
                    child.set(_tag("rdf:datatype"), value.datatype)
            elif isinstance(value, URI):
                child.set(_tag("rdf:resource"), value.value)
            elif value.uri and value.uri in described:
                child.set(_tag("rdf:resource"), value.uri)
            else:
                describe(child, value)

    describe(document, root)
    ET.indent(document)
    return ET.tostring(document, encoding="utf-8", xml_declaration=True)


def _tag(curie: str) -> str:
    """``dcat:Catalog`` as ElementTree names it, ``{http://www.w3.org/ns/dcat#}Catalog``."""
    prefix, name = curie.split(":", 1)
    return f"{{{NAMESPACES[prefix]}}}{name}"


def _subjects(root: Resource) -> Iterator[Resource]:
    """Every resource once (by URI; blank nodes by identity), the root first."""
    seen: set[int | str] = set()
    stack = [root]
    while stack:
        resource = stack.pop(0)
        key: int | str = resource.uri or id(resource)
        if key in seen:
            continue
        seen.add(key)
        yield resource
        stack.extend(v for _p, v in resource.properties if isinstance(v, Resource))


def turtle(root: Resource) -> bytes:
    """Turtle: one block per resource with a URI; blank nodes written inline as ``[ … ]``."""
    lines = [f"@prefix {prefix}: <{uri}> ." for prefix, uri in NAMESPACES.items()]

    def term(value: URI | Literal | Resource, depth: int) -> str:
        if isinstance(value, Literal):
            text = json.dumps(value.value, ensure_ascii=False)
            if value.lang:
                return f"{text}@{value.lang}"
            if value.datatype:
                return f"{text}^^<{value.datatype}>"
            return text
        if isinstance(value, URI):
            return f"<{value.value}>"
        if value.uri:
            return f"<{value.uri}>"
        return "[ " + body(value, depth + 1) + " ]"

    def body(resource: Resource, depth: int) -> str:
        parts = ["a " + ", ".join(resource.types)]
        parts += [f"{predicate} {term(value, depth)}" for predicate, value in resource.properties]
        return (" ;\n" + "    " * (depth + 1)).join(parts)

    for resource in _subjects(root):
        if resource.uri:
            lines.append(f"\n<{resource.uri}>\n    {body(resource, 0)} .")
    return ("\n".join(lines) + "\n").encode("utf-8")


def json_ld(root: Resource) -> bytes:
    """JSON-LD: a ``@graph`` of the resources with URIs, blank nodes nested in place."""

    def value(item: URI | Literal | Resource) -> object:
        if isinstance(item, Literal):
            if item.lang:
                return {"@value": item.value, "@language": item.lang}
            if item.datatype:
                return {"@value": item.value, "@type": item.datatype}
            return item.value
        if isinstance(item, URI):
            return {"@id": item.value}
        if item.uri:
            return {"@id": item.uri}
        return node(item)

    def node(resource: Resource) -> dict[str, object]:
        data: dict[str, object] = {"@type": resource.types}
        if resource.uri:
            data["@id"] = resource.uri
        for predicate, item in resource.properties:
            values = data.setdefault(predicate, [])
            assert isinstance(values, list)
            values.append(value(item))
        return data

    graph = [node(resource) for resource in _subjects(root) if resource.uri]
    document = {"@context": dict(NAMESPACES), "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


SERIALISERS: dict[str, Callable[[Resource], bytes]] = {
    "rdf": rdf_xml,
    "ttl": turtle,
    "jsonld": json_ld,
}


def chosen_format(accept: str, asked: str | None) -> str:
    """``rdf`` (the default, what the dataportal harvests), ``ttl`` or ``jsonld``: from
    ``?format=`` if given, else the first of the Accept header's types we serve."""
    if asked in SERIALISERS:
        return asked
    by_type = {media: key for key, media in MEDIA_TYPES.items()}
    by_type["application/json"] = "jsonld"
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if media in by_type and quality > 0:
            ranked.append((-quality, position, by_type[media]))
    return min(ranked)[2] if ranked else "rdf"
