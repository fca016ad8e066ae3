"""The DCAT-AP-SE catalogue at /datasets/dcat, read back as RDF triples.

The RDF/XML is parsed as XML and walked by the striped syntax's rules (node element,
property element, node element …) into triples, so the checks hold whether a resource is
described in place or referred to by ``rdf:resource``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from sammanhang.directory.models import Activity, Place
from sammanhang.interop import dcat, views

pytestmark = pytest.mark.django_db
NS = dcat.NAMESPACES
RDF = "{%s}" % NS["rdf"]  # noqa: UP031
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
URL = "http://testserver/datasets/dcat"


def _iri(curie: str) -> str:
    prefix, name = curie.split(":")
    return NS[prefix] + name


def _triples(xml: bytes) -> set[tuple]:
    """(subject, predicate, object) of an RDF/XML document; literals as ("text", lang)."""
    root = ET.fromstring(xml)  # noqa: S314 (our own response, not outside input)
    assert root.tag == RDF + "RDF"
    triples: set[tuple] = set()
    blank = itertools.count()

    def node(element: ET.Element) -> str:
        subject = element.get(RDF + "about") or f"_:b{next(blank)}"
        triples.add((subject, NS["rdf"] + "type", element.tag.replace("{", "").replace("}", "")))
        for prop in element:
            predicate = prop.tag.replace("{", "").replace("}", "")
            if prop.get(RDF + "resource") is not None:
                triples.add((subject, predicate, prop.get(RDF + "resource")))
            elif len(prop):
                (child,) = list(prop)
                triples.add((subject, predicate, node(child)))
            else:
                literal = (prop.text or "", prop.get(LANG) or prop.get(RDF + "datatype"))
                triples.add((subject, predicate, literal))
        return subject

    for element in root:
        node(element)
    return triples


def _objects(triples, subject, curie):
    return {o for s, p, o in triples if s == subject and p == _iri(curie)}


def _of_type(triples, curie):
    return {s for s, p, o in triples if p == NS["rdf"] + "type" and o == _iri(curie)}


def _languages(triples, subject, curie):
    return {lang for _text, lang in _objects(triples, subject, curie)}


@pytest.fixture
def catalogue(client, directory, settings):
    settings.SAMMANHANG_OPERATOR_NAME = "Exempels kommun"
    settings.SAMMANHANG_OPERATOR_URL = "https://www.exempel.se"
    settings.SAMMANHANG_CONTACT_EMAIL = "oppnadata@exempel.se"
    settings.SAMMANHANG_CONTACT_PHONE = "042-10 50 00"
    response = client.get("/datasets/dcat")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rdf+xml; charset=utf-8"
    assert "Accept" in [part.strip() for part in response["Vary"].split(",")]
    return _triples(response.content)


def test_the_catalogue_dataset_and_services_have_what_dcat_ap_se_requires(catalogue):
    t = catalogue
    assert _of_type(t, "dcat:Catalog") == {URL}
    (dataset,) = _objects(t, URL, "dcat:dataset")
    assert _of_type(t, "dcat:Dataset") == {dataset}
    services = _of_type(t, "dcat:DataService")
    assert services == {"http://testserver/api/hsds/", "http://testserver/api/v1/"}
    assert _objects(t, URL, "dcat:service") == services
    distributions = _of_type(t, "dcat:Distribution")
    assert _objects(t, dataset, "dcat:distribution") == distributions

    for subject in {URL, dataset, *services, *distributions}:
        assert _languages(t, subject, "dcterms:title") == {"sv", "en"}, subject
        assert _languages(t, subject, "dcterms:description") == {"sv", "en"}, subject
    for subject in {URL, dataset, *services}:
        assert _objects(t, subject, "dcterms:publisher") == {"https://www.exempel.se"}
    assert _objects(t, "https://www.exempel.se", "foaf:name") == {("Exempels kommun", None)}
    assert _objects(t, "https://www.exempel.se", "dcterms:type") == {
        "http://purl.org/adms/publishertype/LocalAuthority"
    }
    for subject in {dataset, *services}:
        (contact,) = _objects(t, subject, "dcat:contactPoint")
        assert _objects(t, contact, "vcard:fn") == {("Exempels kommun", None)}
        assert _objects(t, contact, "vcard:hasEmail") == {"mailto:oppnadata@exempel.se"}
        (phone,) = _objects(t, contact, "vcard:hasTelephone")
        assert _objects(t, phone, "vcard:hasValue") == {"tel:042105000"}

    eu = "http://publications.europa.eu/resource/authority/"
    assert _objects(t, dataset, "dcat:theme") == {f"{eu}data-theme/SOCI", f"{eu}data-theme/GOVE"}
    assert _objects(t, dataset, "dcterms:accessRights") == {f"{eu}access-right/PUBLIC"}
    for service in services:
        assert _objects(t, service, "dcterms:accessRights") == {f"{eu}access-right/PUBLIC"}
        assert _objects(t, service, "dcat:endpointURL") == {service}
        assert _objects(t, service, "dcat:servesDataset") == {dataset}
    cc0 = "http://creativecommons.org/publicdomain/zero/1.0/"
    for subject in {URL, *services, *distributions}:
        assert _objects(t, subject, "dcterms:license") == {cc0}, subject
    assert _objects(t, dataset, "dcat:landingPage") == {"http://testserver/aktiviteter/"}


def test_the_distributions_hsds_conformance_and_access(catalogue):
    t = catalogue
    access = {
        next(iter(_objects(t, d, "dcat:accessURL"))): d for d in _of_type(t, "dcat:Distribution")
    }
    expected = {
        "http://testserver/api/hsds/",
        "http://testserver/api/v1/",
        "http://testserver/aktiviteter/lista.csv",
    }
    # The calendar feed of every activity, listed once the site has it (i5-ical).
    with contextlib.suppress(NoReverseMatch):
        expected.add("http://testserver" + reverse(views.ICALENDAR_FEED_URL_NAME))
    assert set(access) == expected
    hsds = access["http://testserver/api/hsds/"]
    assert _objects(t, hsds, "dcterms:conformsTo") == {dcat.HSDS_3}
    assert _of_type(t, "dcterms:Standard") == {dcat.HSDS_3}
    assert _objects(t, hsds, "dcat:accessService") == {"http://testserver/api/hsds/"}
    assert _objects(t, "http://testserver/api/hsds/", "dcterms:conformsTo") == {dcat.HSDS_3}
    assert _objects(t, hsds, "dcat:mediaType") == {
        "https://www.iana.org/assignments/media-types/application/json"
    }
    csv = access["http://testserver/aktiviteter/lista.csv"]
    assert _objects(t, csv, "dcat:downloadURL") == {"http://testserver/aktiviteter/lista.csv"}
    assert _objects(t, csv, "dcterms:description") == {
        (
            "Aktivitetssökets resultat som tabell (UTF-8, semikolon). Lägg sökets filter "
            "efter frågetecknet; högst 5\xa0000 rader.",
            "sv",
        ),
        (
            "The activity finder's results as a table (UTF-8, semicolons). Add the search's "
            "filters after the question mark; at most 5,000 rows.",
            "en",
        ),
    }
    assert _objects(t, csv, "dcterms:format") == {
        "http://publications.europa.eu/resource/authority/file-type/CSV"
    }
    assert _objects(t, "http://testserver/api/hsds/", "dcat:endpointDescription") == {
        "http://testserver/api/hsds/openapi.json"
    }
    assert _objects(t, "http://testserver/api/v1/", "dcat:endpointDescription") == {
        "http://testserver/api/v1/openapi.json"
    }


def test_modified_is_the_latest_public_change_and_drafts_do_not_count(client, directory):
    later = timezone.now() + timedelta(days=3)
    Place.objects.filter(slug="soderhuset").update(updated_at=later)
    Activity.objects.filter(slug="utkast").update(updated_at=later + timedelta(days=1))

    t = _triples(client.get("/datasets/dcat").content)

    expected = (
        timezone.localtime(later).replace(microsecond=0).isoformat(),
        NS["xsd"] + "dateTime",
    )
    assert _objects(t, URL, "dcterms:modified") == {expected}
    assert _objects(t, URL + "#aktiviteter", "dcterms:modified") == {expected}


def test_licence_and_publisher_follow_the_settings(client, directory, settings):
    settings.SAMMANHANG_OPEN_DATA_LICENSE = "http://creativecommons.org/licenses/by/4.0/"
    settings.SAMMANHANG_OPERATOR_URL = ""
    settings.SAMMANHANG_OPERATOR_TYPE = "RegionalAuthority"

    t = _triples(client.get("/datasets/dcat").content)

    assert _objects(t, URL, "dcterms:license") == {"http://creativecommons.org/licenses/by/4.0/"}
    # Without a web address of its own the publisher is named within the catalogue.
    assert _objects(t, URL, "dcterms:publisher") == {URL + "#publisher"}
    assert _objects(t, URL + "#publisher", "dcterms:type") == {
        "http://purl.org/adms/publishertype/RegionalAuthority"
    }


@pytest.mark.parametrize(
    ("accept", "query", "expected"),
    [
        ("", "", "application/rdf+xml"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "", "application/rdf+xml"),
        ("text/turtle", "", "text/turtle"),
        ("application/ld+json", "", "application/ld+json"),
        ("text/turtle;q=0.5, application/rdf+xml", "", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "", "application/ld+json"),
        ("", "?format=ttl", "text/turtle"),
        ("application/ld+json", "?format=rdf", "application/rdf+xml"),
    ],
)
def test_content_negotiation(client, directory, accept, query, expected):
    response = client.get("/datasets/dcat" + query, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == f"{expected}; charset=utf-8"


def test_json_ld_and_turtle_say_the_same_as_rdf_xml(client, directory):
    document = json.loads(client.get("/datasets/dcat?format=jsonld").content)
    nodes = {node["@id"]: node for node in document["@graph"]}
    assert document["@context"]["dcat"] == NS["dcat"]
    assert nodes[URL]["@type"] == ["dcat:Catalog"]
    assert {"@value": "Open data from Sammanhang – Demokommunen", "@language": "en"} in nodes[URL][
        "dcterms:title"
    ]
    assert nodes[URL]["dcat:dataset"] == [{"@id": URL + "#aktiviteter"}]
    assert nodes[URL + "#hsds"]["dcterms:conformsTo"] == [{"@id": dcat.HSDS_3}]

    text = client.get("/datasets/dcat", HTTP_ACCEPT="text/turtle").content.decode()
    assert "@prefix dcat: <http://www.w3.org/ns/dcat#> ." in text
    assert f"<{URL}>\n    a dcat:Catalog ;" in text
    assert '"Aktiviteter och mötesplatser – Demokommunen"@sv' in text
    assert f"dcterms:conformsTo <{dcat.HSDS_3}>" in text


def test_text_from_settings_is_escaped_in_every_format(client, directory, settings):
    settings.SAMMANHANG_OPERATOR_NAME = 'Kommun <&> "citat"'

    t = _triples(client.get("/datasets/dcat").content)
    assert _objects(t, URL + "#publisher", "foaf:name") == {('Kommun <&> "citat"', None)}
    text = client.get("/datasets/dcat?format=ttl").content.decode()
    assert 'foaf:name "Kommun <&> \\"citat\\""' in text
