"""The API's activity list and the HTML finder answer every filter alike.

Each case runs the same query string through ``/aktiviteter/`` (slugs read from the results'
``data-slug``) and ``/api/v1/activities``: the same activities in the same order, or, for bad
input, a 400 from both with the finder's own messages. A meta-test fails when a finder field
has no case, so a filter added to the finder must be proved here too.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qsl

import pytest
from django.utils import timezone

from sammanhang.directory.forms import FinderForm
from sammanhang.directory.models import Activity

from .conftest import make_activity

TODAY = timezone.localdate()
NEXT_SATURDAY = TODAY + timedelta(days=(6 - TODAY.isoweekday()) % 7 or 7)

# (query string, the finder fields it exercises)
CASES: list[str] = [
    "",
    "q=kvällsfika",
    "q=promenad",
    "q=fika+promenad",
    "district=soder",
    "district=centrum&district=soder",
    "district=nowhere",
    "municipality=helsingborg",
    "municipality=helsingborg&district=soder",
    "municipality=nowhere",
    "when=today",
    "when=tomorrow",
    "when=this_week",
    "when=someday",
    f"date_from={NEXT_SATURDAY}",
    f"date_from={NEXT_SATURDAY}&date_to={NEXT_SATURDAY}",
    f"date_to={TODAY + timedelta(days=3)}",
    f"date_from={NEXT_SATURDAY}&date_to={TODAY}",
    "date_from=2026-02-30",
    "date_from=9999-12-31",
    "time_of_day=daytime",
    "time_of_day=evening",
    "time_of_day=weekend",
    "time_of_day=night",
    "weekday=2",
    "weekday=6&weekday=3",
    "weekday=8",
    "starts_after=16:00",
    "starts_after=16.30",
    "starts_after=25:99",
    "starts_before=11:00",
    "starts_after=18:00&starts_before=12:00",
    "ends_after=18:00",
    "ends_before=14:00",
    "ends_before=noon",
    "open_now=on",
    "target_group=aldre",
    "target_group=aldre&target_group=psykisk-funktionsnedsattning",
    "target_group=marsianer",
    "category=friluftsliv&category=matlagning",
    "category=motesplats",
    "free=on",
    "companion_free=on",
    "drop_in=on",
    "equipment_to_borrow=on",
    "equipment_to_borrow=on&q=promenad",
    "feature=lugn-miljo",
    "feature=finns-inte",
    "language=ar",
    "language=en&language=ar",
    "language=xx",
    "age=30",
    "age=70",
    "age=-1",
    "age=abc",
    "sort=name",
    "sort=next",
    "sort=name&district=soder",
    "sort=sideways",
    "district=soder&time_of_day=evening&free=on",
    "q=" + "a" * 201,
    # Finder fields that are coming (distance from a place or coordinates); these cases run
    # once the fields exist, and the meta-test demands them then.
    "lat=56.04&lon=12.70&distance=5",
    "lat=56.04&lon=12.70&distance=5&sort=distance",
    "near=soderhuset",
    "lat=200&lon=12.70",
    "distance=-3",
]
PENDING_FIELDS = {"near", "lat", "lon", "distance"}


def _fields(query: str) -> set[str]:
    return {name for name, _value in parse_qsl(query, keep_blank_values=True)}


@pytest.fixture
def varied(directory):
    """The finder tests' directory plus activities that only the status or schedule sets apart."""
    organisation = directory["organisation"]
    soder, centrum = directory["places"]["soder"], directory["places"]["centrum"]
    make_activity(
        organisation,
        "sprakcafe",
        place=centrum,
        byday="WE",
        opens=18,
        closes=20,
        title="Språkcafé",
        languages=["en", "sv"],
        categories=["motesplats"],
        target_groups=["aldre"],
    )
    make_activity(organisation, "manadstraff", place=soder, freq="MONTHLY", byday="1SA", opens=14)
    make_activity(
        organisation,
        "avslutad",
        place=soder,
        byday="TU",
        status=Activity.Status.ENDED,
        title="Avslutad fika",
    )
    make_activity(
        organisation,
        "installd",
        place=centrum,
        byday="TU",
        status=Activity.Status.CANCELLED,
        title="Inställd fika",
    )
    return directory


def html_finder(client, query):
    response = client.get("/aktiviteter/?" + query)
    content = response.content.decode()
    return (
        response.status_code,
        re.findall(r'<li class="result" data-slug="([^"]+)"', content),
        content,
    )


def api_finder(client, query):
    response = client.get(
        "/api/v1/activities?per_page=20&" + query if query else "/api/v1/activities"
    )
    return response.status_code, response.json()


def test_every_finder_field_has_a_parity_case(db):
    covered = set().union(*(_fields(case) for case in CASES))
    missing = set(FinderForm().fields) - covered
    assert not missing, f"finder fields without a parity case: {sorted(missing)}"


@pytest.mark.parametrize("query", CASES)
def test_api_and_html_finder_agree(client, varied, query):
    unknown = _fields(query) & PENDING_FIELDS - set(FinderForm().fields)
    if unknown:
        pytest.skip(f"the finder has no {sorted(unknown)} yet")
    html_status, html_slugs, content = html_finder(client, query)
    api_status, body = api_finder(client, query)
    assert html_status in (200, 400)
    assert api_status == html_status, body
    if html_status == 200:
        assert [result["slug"] for result in body["results"]] == html_slugs
        assert body["count"] == len(html_slugs)
        assert not {"avslutad", "installd", "utkast"} & set(html_slugs)
    else:
        assert body["detail"] == "Några parametrar har värden som inte kan användas."
        assert body["errors"]
        for field, messages in body["errors"].items():
            # "__all__" holds what concerns several parameters together (lat with lon).
            assert field in {*FinderForm().fields, "__all__"}
            for message in messages:
                assert html.escape(message) in content, (field, message)


def test_parity_cases_are_not_all_alike(client, varied):
    """The cases must tell filters apart: they give several different result lists."""
    results = {tuple(html_finder(client, query)[1]) for query in CASES[:40]}
    assert len(results) >= 8
