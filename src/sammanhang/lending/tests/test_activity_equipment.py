"""Activities that need equipment, and what the Fritidsbanks lend: the finder's filter
"Utrustning finns att låna" in every way a search is read (page, print, CSV, calendar, API,
the fast plan and the plain definition), and the activity page's "Låna utrustning" section.

Here rather than in the directory's tests because they make lending rows; the directory
itself never imports lending (it reads the rows by reverse relation, see
``directory.selectors.ARTICLES_OF_TERM``), so a renamed relation fails these tests.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sammanhang.directory import geo, search, selectors
from sammanhang.directory.models import Activity, Place, Term
from sammanhang.directory.tests.conftest import directory, make_activity  # noqa: F401 (fixture)
from sammanhang.lending.models import Article, ArticleStatus, ArticleType, Bank
from sammanhang.lending.selectors_activity import equipment_to_borrow_for_activity

pytestmark = pytest.mark.django_db


def equipment(code: str) -> Term:
    return Term.objects.get(taxonomy="sammanhang-utrustning", code=code)


def needs(activity: Activity, *codes: str) -> None:
    activity.equipment.set([equipment(code) for code in codes])
    search.search_index_update([activity.pk])


@pytest.fixture
def make_bank(directory, make_organisation):  # noqa: F811
    municipality = directory["places"]["soder"].municipality

    def make(name: str, slug: str) -> Bank:
        organisation = make_organisation(name)
        organisation.slug = slug
        organisation.save(update_fields=["slug"])
        place = Place.objects.create(
            slug=slug, name=name, owner=organisation, municipality=municipality
        )
        return Bank.objects.create(organisation=organisation, place=place)

    return make


@pytest.fixture
def stock(make_bank):
    """Two banks. Skates (under "Vintersport") and a tent (under "Friluftsliv") to lend; a
    bike that is retired and a helmet in repair, which cannot be borrowed."""
    soder = make_bank("Fritidsbanken Söder", "fritidsbanken-soder")
    norr = make_bank("Fritidsbanken Norr", "fritidsbanken-norr")
    types = {
        code: ArticleType.objects.create(category=equipment(code), name=name)
        for code, name in [
            ("skridskor", "Hockeyskridskor"),
            ("talt", "Tält för två"),
            ("cyklar", "Barncykel"),
            ("hjalmar", "Cykelhjälm"),
        ]
    }

    def article(bank: Bank, code: str, kind: str, status: str = ArticleStatus.AVAILABLE) -> None:
        Article.objects.create(bank=bank, type=types[kind], code=code, size="", status=status)

    article(soder, "S1", "skridskor")
    article(soder, "S2", "skridskor")
    article(soder, "S3", "skridskor", ArticleStatus.ON_LOAN)
    article(soder, "S4", "skridskor", ArticleStatus.RETIRED)
    article(norr, "N1", "skridskor", ArticleStatus.ON_LOAN)
    article(norr, "N2", "talt")
    article(soder, "S5", "cyklar", ArticleStatus.RETIRED)
    article(norr, "N3", "cyklar", ArticleStatus.MISSING)
    article(soder, "S6", "hjalmar", ArticleStatus.IN_REPAIR)
    return {"soder": soder, "norr": norr, "types": types}


@pytest.fixture
def needing(directory, stock):  # noqa: F811
    """Kvällsfika needs skates; Helgpromenad "friluftsliv" (the bank files its tent under a
    kind of it); Dagcafé a bike and a helmet, neither of which can be borrowed."""
    activities = directory["activities"]
    needs(activities["kvallsfika"], "skridskor")
    needs(activities["helgpromenad"], "friluftsliv")
    needs(activities["dagcafe"], "cyklar", "hjalmar")
    return activities


def found(**criteria) -> list[str]:
    """The slugs the finder shows, checked against the plain definition of its results."""
    asked = selectors.FinderCriteria(**criteria)
    fast = [activity.slug for activity in selectors.activity_list_for_finder(asked)[:50]]
    plain = [activity.slug for activity in selectors.activity_queryset_for_finder(asked)]
    assert fast == plain
    return sorted(fast)


def test_lendable_statuses_are_the_lending_apps_available_and_on_loan():
    assert set(selectors.LENDABLE_ARTICLE_STATUSES) == {
        ArticleStatus.AVAILABLE.value,
        ArticleStatus.ON_LOAN.value,
    }


def test_filter_off_finds_every_activity_and_on_only_those_with_equipment_to_borrow(needing):
    assert found() == ["dagcafe", "helgpromenad", "kvallsfika"]
    assert found(equipment_to_borrow=True) == ["helgpromenad", "kvallsfika"]


def test_an_activity_needing_nothing_is_not_kept(directory, stock):  # noqa: F811
    assert found(equipment_to_borrow=True) == []


def test_retired_missing_and_in_repair_articles_do_not_count(needing, stock):
    assert "dagcafe" not in found(equipment_to_borrow=True)
    # The helmet comes back from repair: now the café's equipment can be borrowed.
    Article.objects.filter(code="S6").update(status=ArticleStatus.AVAILABLE)
    assert "dagcafe" in found(equipment_to_borrow=True)


def test_an_article_on_loan_still_counts(needing):
    Article.objects.filter(code__in=["S1", "S2"]).update(status=ArticleStatus.ON_LOAN)
    Article.objects.filter(code="N2").update(status=ArticleStatus.RETIRED)
    assert found(equipment_to_borrow=True) == ["kvallsfika"]


def test_a_needed_category_is_helped_by_its_kinds_but_not_the_other_way(needing, stock):
    walk = needing["helgpromenad"]
    assert "helgpromenad" in found(equipment_to_borrow=True)
    # Needing a tent in particular while the bank only files sleeping bags: not kept.
    needs(walk, "sovsackar")
    assert "helgpromenad" not in found(equipment_to_borrow=True)
    # Needing "vintersport" (the bank lends skates, a kind of it): kept.
    needs(walk, "vinter")
    assert "helgpromenad" in found(equipment_to_borrow=True)


def test_combined_with_text_search(needing):
    assert found(text="kvällsfika", equipment_to_borrow=True) == ["kvallsfika"]
    assert found(text="dagcafé", equipment_to_borrow=True) == []
    # The index knows the equipment's name, so searching for it finds the activity.
    assert found(text="skridskor") == ["kvallsfika"]
    assert found(text="skridskor", equipment_to_borrow=True) == ["kvallsfika"]


def test_combined_with_district_and_time_filters(needing):
    assert found(districts=("soder",), equipment_to_borrow=True) == ["helgpromenad", "kvallsfika"]
    assert found(districts=("centrum",), equipment_to_borrow=True) == []
    assert found(weekdays=(2,), equipment_to_borrow=True) == ["kvallsfika"]
    assert found(weekdays=(6,), equipment_to_borrow=True) == ["helgpromenad"]
    assert found(starts_after=time(16), equipment_to_borrow=True) == ["kvallsfika"]
    Article.objects.filter(code="S6").update(status=ArticleStatus.AVAILABLE)
    assert found(districts=("centrum",), equipment_to_borrow=True) == ["dagcafe"]


def test_open_now_near_me_and_by_name(needing, directory):  # noqa: F811
    today = timezone.localdate()
    tuesday = today + timedelta(days=(2 - today.isoweekday()) % 7 or 7)
    during_fika = timezone.make_aware(datetime.combine(tuesday, time(18)))
    assert found(open_now=True, now=during_fika, equipment_to_borrow=True) == ["kvallsfika"]
    Place.objects.filter(slug="soderhuset").update(latitude=56.04, longitude=12.70)
    Place.objects.filter(slug="centrumgarden").update(latitude=56.046, longitude=12.694)
    Article.objects.filter(code="S6").update(status=ArticleStatus.AVAILABLE)
    near = {"point": geo.Point(56.04, 12.70), "distance_km": 5}
    assert found(**near) == ["dagcafe", "helgpromenad", "kvallsfika"]
    Article.objects.filter(code="S6").update(status=ArticleStatus.RETIRED)
    assert found(**near, equipment_to_borrow=True) == ["helgpromenad", "kvallsfika"]
    assert found(**near, sort="distance", equipment_to_borrow=True) == [
        "helgpromenad",
        "kvallsfika",
    ]
    by_name = selectors.FinderCriteria(sort="name", equipment_to_borrow=True)
    assert [a.slug for a in selectors.activity_list_for_finder(by_name)[:10]] == [
        "helgpromenad",
        "kvallsfika",
    ]


# --- over HTTP --------------------------------------------------------------------------------


def result_titles(html: str) -> list[str]:
    return sorted(re.findall(r'<h3 class="result__title"><a href="[^"]+">([^<]+)</a></h3>', html))


def test_finder_page_keeps_the_checkbox_and_shows_the_filter_among_the_chosen(client, needing):
    html = client.get(reverse("directory:finder"), {"equipment_to_borrow": "on"}).content.decode()
    assert result_titles(html) == ["Helgpromenad", "Kvällsfika"]
    assert re.search(r'<input type="checkbox" name="equipment_to_borrow"[^>]* checked', html)
    assert "Utrustning finns att låna" in html
    chips = html.split('<h2 class="selected-filters__title">Valda filter</h2>')[1].split("</ul>")[0]
    assert 'href="?">Utrustning finns att låna<span class="visually-hidden"> – ta bort' in chips
    plain = client.get(reverse("directory:finder")).content.decode()
    assert not re.search(r'<input type="checkbox" name="equipment_to_borrow"[^>]* checked', plain)
    assert result_titles(plain) == ["Dagcafé", "Helgpromenad", "Kvällsfika"]


def test_printed_list_csv_calendar_and_api_honour_the_filter(client, needing):
    query = {"equipment_to_borrow": "on"}
    printed = client.get(reverse("directory:finder_print"), query).content.decode()
    assert "Kvällsfika" in printed
    assert "Helgpromenad" in printed
    assert "Dagcafé" not in printed
    text = client.get(reverse("interop:finder_csv"), query).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == ["Helgpromenad", "Kvällsfika"]
    calendar = Calendar.from_ical(client.get(reverse("interop:ical_finder"), query).content)
    summaries = {str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    assert summaries == {"Helgpromenad", "Kvällsfika"}
    body = client.get("/api/v1/activities", {"equipment_to_borrow": "true"}).json()
    assert sorted(item["slug"] for item in body["results"]) == ["helgpromenad", "kvallsfika"]


# --- the activity page ------------------------------------------------------------------------


def test_equipment_per_term_lists_banks_with_available_now(needing):
    fika = equipment_to_borrow_for_activity(needing["kvallsfika"])
    assert [(item.code, item.name) for item in fika] == [("skridskor", "Skridskor")]
    assert [(b.name, b.available, b.lendable) for b in fika[0].banks] == [
        ("Fritidsbanken Norr", 0, 1),
        ("Fritidsbanken Söder", 2, 3),
    ]
    walk = equipment_to_borrow_for_activity(needing["helgpromenad"])
    assert [(b.org_slug, b.available) for item in walk for b in item.banks] == [
        ("fritidsbanken-norr", 1)
    ]
    cafe = equipment_to_borrow_for_activity(needing["dagcafe"])
    assert [(item.code, item.banks) for item in cafe] == [("hjalmar", []), ("cyklar", [])]


def test_template_tag_renders_nothing_for_an_activity_needing_nothing(directory):  # noqa: F811
    template = Template("{% load lending_activity %}{% activity_equipment_to_borrow a %}")
    assert template.render(Context({"a": directory["activities"]["kvallsfika"]})).strip() == ""


def test_activity_page_shows_where_to_borrow_the_equipment(client, needing):
    html = client.get(reverse("directory:activity", args=["kvallsfika"])).content.decode()
    section = html.split('<h2 id="borrow-equipment">Låna utrustning</h2>')[1].split("</section>")[0]
    assert "<strong>Skridskor</strong>" in section
    assert (
        '<a href="/fritidsbanken/fritidsbanken-soder/">Fritidsbanken Söder</a>: 2 lediga nu'
        in section
    )
    assert (
        '<a href="/fritidsbanken/fritidsbanken-norr/">Fritidsbanken Norr</a>: '
        "alla är utlånade just nu" in section
    )
    cafe = client.get(reverse("directory:activity", args=["dagcafe"])).content.decode()
    assert "Ingen Fritidsbank lånar ut det här ännu." in cafe


def test_activity_page_runs_a_fixed_number_of_queries_for_the_section(
    client, needing, django_assert_max_num_queries
):
    url = reverse("directory:activity", args=["dagcafe"])
    client.get(url)
    with django_assert_max_num_queries(30) as captured:
        client.get(url)
    article_queries = [q for q in captured.captured_queries if "lending_article" in q["sql"]]
    assert len(article_queries) == 1
