"""The downloads of a finder search on the demo municipality: for several searches, the CSV
and XLSX list exactly the finder page's results, page after page, in its order.

(Here rather than in interop's tests, which may not import the web layer's demo loader.)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sammanhang.interop import tabular_export
from sammanhang.interop.tests.downloads import finder_slugs, read_csv, read_xlsx, slugs_of
from sammanhang.web.demo.loader import demo_load

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


SEARCHES = [
    {},
    {"free": "on"},
    {"weekday": "6"},
    {"q": "fika"},
    {"sort": "name"},
    {"time_of_day": "evening", "district": "drottninghog"},
    {"target_group": "unga"},
]


@pytest.fixture
def demo(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-11-24T17:30"
    demo_load(today=TODAY)


def test_both_files_hold_exactly_the_finders_results_in_its_order(client, demo):
    for query in SEARCHES:
        expected = finder_slugs(client, query)
        assert expected, f"{query} finds something, or the comparison proves little"

        csv_rows = read_csv(client.get(reverse("interop:finder_csv"), query))
        xlsx_rows, _workbook = read_xlsx(client.get(reverse("interop:finder_xlsx"), query))

        assert slugs_of(csv_rows) == expected, query
        assert slugs_of(xlsx_rows) == expected, query
        assert xlsx_rows == csv_rows, query


def test_chunks_join_up_in_order(client, demo, monkeypatch):
    monkeypatch.setattr(tabular_export, "CHUNK", 3)

    rows = read_csv(client.get(reverse("interop:finder_csv")))

    assert slugs_of(rows) == finder_slugs(client, {})
    assert len(rows) > 20
