"""Statistics pages, CSV downloads and the visitor counter over HTTP."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from sammanhang.lending import services
from sammanhang.lending.models import Article, VisitorCount
from sammanhang.lending.tests.test_views import _member, _url, _viewer_urls

pytestmark = pytest.mark.django_db

NATIONAL = "/fritidsbanken/statistik/"


@pytest.fixture
def viewer(client, bank):
    client.force_login(_member(bank, "reader", "viewer"))
    return client


@pytest.fixture
def desk(client, bank):
    client.force_login(_member(bank, "desk", "editor"))
    return client


@pytest.fixture
def lent(settings, bank, borrower, make_article):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T12:00"
    make_article("S1")
    make_article("=HYPERLINK(1)", size="-3")
    services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code="S1", visit_id=services.visit_start()
    )
    return bank


def _csv(response):
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_national_page_is_at_its_fixed_address():
    assert reverse("lending:national") == NATIONAL


def test_strangers_get_404_viewers_may_read_statistics(client, bank, make_user):
    client.force_login(make_user("stranger"))
    for _method, url in _viewer_urls(bank):
        assert client.get(url).status_code == 404, url
    client.force_login(_member(bank, "reader", "viewer"))
    for _method, url in _viewer_urls(bank):
        assert client.get(url).status_code == 200, url
    client.logout()
    response = client.get(_url("stats", bank))
    assert response.status_code == 302
    assert "/logga-in/" in response["Location"]


def test_anyone_may_read_the_national_page(client, lent):
    response = client.get(NATIONAL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Fritidsbankens statistik</h1>" in content
    assert 'role="img"' in content
    # One borrower at the bank: the count is hidden, the loans are shown.
    assert "<td>färre än 5</td>" in content
    assert '<th scope="row">Fritidsbanken Söder</th><td>1</td><td>1</td>' in content
    assert "Alva" not in content


def test_bank_page_shows_the_figures_and_the_chart_with_its_table(viewer, lent):
    response = viewer.get(_url("stats", lent))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Statistik för Fritidsbanken Söder</h1>" in content
    assert '<svg class="chart" role="img" aria-labelledby="chart-loans-title"' in content
    assert '<title id="chart-loans-title">Utlån (artiklar) per dag,' in content
    assert "<caption>Utlån, besök och besökare per period</caption>" in content
    # Staff see their own bank's exact count, even when small.
    assert '<th scope="row">Unika låntagare</th><td>1</td>' in content
    assert '<th scope="row">Skridskor</th><td>Vintersport</td><td>1</td><td>4</td><td>4</td>' in (
        content
    )


def test_the_period_is_chosen_by_get_and_grouped(viewer, lent):
    response = viewer.get(
        _url("stats", lent),
        {"period": "custom", "start": "2026-11-01", "end": "2026-12-31", "grouping": "month"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">november 2026</th><td>0</td>' in content
    assert '<th scope="row">december 2026</th><td>1</td><td>1</td><td>0</td>' in content
    weeks = viewer.get(
        _url("stats", lent), {"period": "custom", "start": "2026-11-30", "end": "2026-12-06"}
    ).content.decode()
    assert '<th scope="row">ons 2 december 2026</th><td>1</td>' in weeks


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"period": "custom", "start": "", "end": "2026-12-01"},
            "start",
            "Skriv periodens första dag.",
        ),
        (
            {"period": "custom", "start": "2026-12-02", "end": "2026-12-01"},
            "end",
            "Sista dagen får inte vara före första dagen.",
        ),
        (
            {"period": "custom", "start": "1.12", "end": "2026-12-01"},
            "start",
            "Skriv datumet som år-månad-dag, till exempel 2026-01-31.",
        ),
        (
            {"period": "year", "grouping": "day"},
            "grouping",
            "Per dag går för högst 92 dagar. Välj vecka eller månad.",
        ),
    ],
)
def test_a_wrong_period_is_refused_in_swedish_on_its_field(viewer, lent, query, field, message):
    response = viewer.get(_url("stats", lent), query)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    content = response.content.decode()
    assert message in content
    # What was typed stays.
    if query.get("start"):
        assert f'value="{query["start"]}"' in content


def test_the_national_page_refuses_a_wrong_period_too(client):
    response = client.get(
        NATIONAL, {"period": "custom", "start": "2026-12-02", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "Sista dagen får inte vara före första dagen." in response.content.decode()


def test_inventory_csv_has_the_national_shape_and_neutralises_formulas(viewer, lent):
    response = viewer.get(_url("inventory_csv", lent))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="inventering-organisation-1-2026-12-02.csv"'.replace(
            "organisation-1", lent.organisation.slug
        )
    )
    assert _csv(response) == [
        ["ID-nummer", "Kategori", "Underkategori", "Artikel", "Storlek", "Status"],
        ["'=HYPERLINK(1)", "Vintersport", "Skridskor", "Hockeyskridskor", "'-3", "Tillgänglig"],
        ["S1", "Vintersport", "Skridskor", "Hockeyskridskor", "38", "Utlånad"],
    ]


def test_inventory_csv_is_swedish_on_english_pages_too(viewer, lent):
    response = viewer.get("/en" + _url("inventory_csv", lent))
    assert _csv(response)[2][-1] == "Utlånad"


def test_statistics_csv_is_the_period_table(viewer, lent):
    services.visitor_count_add(bank=lent)
    response = viewer.get(
        _url("stats_csv", lent),
        {"period": "custom", "start": "2026-12-01", "end": "2026-12-02", "grouping": "day"},
    )
    assert response.status_code == 200
    assert _csv(response) == [
        ["Period", "Första dagen", "Utlån (artiklar)", "Besök", "Besökare"],
        ["tis 1 december 2026", "2026-12-01", "0", "0", "0"],
        ["ons 2 december 2026", "2026-12-02", "1", "1", "1"],
    ]


def test_the_counter_needs_the_desk_role(client, bank):
    client.force_login(_member(bank, "reader", "viewer"))
    assert client.post(_url("visitor_add", bank)).status_code == 403
    assert client.get(_url("visitor_add", bank)).status_code in (403, 405)
    assert not VisitorCount.objects.exists()


def test_plus_one_counts_and_undo_never_goes_below_zero(settings, desk, bank):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T12:00"
    start = _url("desk_start", bank)
    assert "0 besökare i dag." in desk.get(start).content.decode()
    response = desk.post(_url("visitor_add", bank))
    assert response.status_code == 302
    assert response["Location"] == start
    desk.post(_url("visitor_add", bank))
    page = desk.get(start).content.decode()
    assert "Besökaren är räknad. Besökare i dag: 2." in page
    assert "2 besökare i dag." in page
    for _ in range(3):
        desk.post(_url("visitor_undo", bank))
    page = desk.get(start).content.decode()
    assert "En besökare är borttagen. Besökare i dag: 0." in page
    assert VisitorCount.objects.get(bank=bank).count == 0


def test_the_counter_returns_to_the_visit_but_never_off_site(desk, bank, borrower):
    visit = _url("visit", bank, borrower_id=borrower.pk, visit=services.visit_start())
    page = desk.get(visit).content.decode()
    assert "+1 besökare" in page
    response = desk.post(_url("visitor_add", bank), {"next": visit})
    assert response["Location"] == visit
    response = desk.post(_url("visitor_add", bank), {"next": "https://example.com/"})
    assert response["Location"] == _url("desk_start", bank)


def test_retiring_an_article_records_when(settings, bank, make_article):
    article = make_article("R1")
    assert article.status_changed_at is None
    settings.SAMMANHANG_FIXED_NOW = "2026-12-02T12:00"
    services.article_status_set(actor=None, article=article, status="retired")
    article = Article.objects.get(pk=article.pk)
    assert article.status_changed_at is not None
    assert article.status_changed_at.isoformat() == "2026-12-02T11:00:00+00:00"


def test_the_national_page_asks_the_same_queries_for_one_bank_or_many(
    client, lent, make_organisation, skates
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sammanhang.lending.models import Bank

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(NATIONAL).status_code == 200
        return len(captured)

    one = queries()
    for n in range(3):
        other = Bank.objects.create(
            organisation=make_organisation(f"Fritidsbanken {n}"), place=lent.place
        )
        Article.objects.create(bank=other, type=skates, size="36", code=f"N{n}")
        person = services.borrower_find_or_register(bank=other, mobile="0704444444", name="Di")
        services.loan_check_out(
            actor=None, bank=other, borrower=person, code=f"N{n}", visit_id=services.visit_start()
        )
        services.visitor_count_add(bank=other)
    assert queries() == one == 16


def test_the_national_figures_are_kept_a_while_per_period_and_language(
    client, settings, lent, borrower, skates
):
    from django.core.cache import cache

    def bank_row(content, loans):
        # The bank's row of the per-bank table: loans, then visits.
        return f'<th scope="row">Fritidsbanken Söder</th><td>{loans}</td>' in content

    settings.SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS = 600
    cache.clear()
    try:
        assert bank_row(client.get(NATIONAL).content.decode(), 1)
        Article.objects.create(bank=lent, type=skates, size="38", code="S9")
        services.loan_check_out(
            actor=None, bank=lent, borrower=borrower, code="S9", visit_id=services.visit_start()
        )
        # Kept: the same period in the same language shows the figures computed first.
        assert bank_row(client.get(NATIONAL).content.decode(), 1)
        # Another period, or English, is computed anew and sees the second loan.
        assert bank_row(client.get(NATIONAL + "?period=year").content.decode(), 2)
        assert bank_row(client.get("/en" + NATIONAL).content.decode(), 2)
        cache.clear()
        assert bank_row(client.get(NATIONAL).content.decode(), 2)
    finally:
        cache.clear()
