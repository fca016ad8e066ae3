"""The public bank pages: the inventory's counts and filters, the opening hours, and both
pages over HTTP in Swedish."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sammanhang.directory.models import PlaceClosure, Term
from sammanhang.lending import selectors
from sammanhang.lending.models import ArticleStatus, ArticleType, Branch
from sammanhang.lending.selectors import bank_inventory, size_sort_key

pytestmark = pytest.mark.django_db

# Monday 7 December 2026; the fixture bank opens Monday, Wednesday and Friday 10–18.
MONDAY = "2026-12-07"


@pytest.fixture
def skis(db):
    return ArticleType.objects.create(
        category=Term.objects.get(taxonomy="sammanhang-utrustning", code="skidor-langd"),
        name="Längdskidor",
    )


@pytest.fixture
def tent(db):
    return ArticleType.objects.create(
        category=Term.objects.get(taxonomy="sammanhang-utrustning", code="talt"),
        name="Tält för två",
    )


@pytest.fixture
def stock(make_article, skis, tent):
    """Skates 38: two available, one on loan; skates 40: in repair, retired, missing;
    skis 170 available, skis 150 on loan; a tent on loan."""
    make_article("S1")
    make_article("S2")
    make_article("S3", status=ArticleStatus.ON_LOAN)
    make_article("S4", size="40", status=ArticleStatus.IN_REPAIR)
    make_article("S5", size="40", status=ArticleStatus.RETIRED)
    make_article("S6", size="40", status=ArticleStatus.MISSING)
    make_article("L1", size="170", type=skis)
    make_article("L2", size="150", type=skis, status=ArticleStatus.ON_LOAN)
    make_article("T1", size="", type=tent, status=ArticleStatus.ON_LOAN)


def _shown(inventory):
    return [
        (
            category.code,
            [
                (kind.name, [(s.size, s.available, s.on_loan) for s in kind.sizes])
                for kind in category.types
            ],
        )
        for category in inventory.categories
    ]


def test_inventory_counts_available_and_on_loan_per_category_type_and_size(bank, stock):
    assert _shown(bank_inventory(bank=bank)) == [
        ("skridskor", [("Hockeyskridskor", [("38", 2, 1)])]),
        ("skidor-langd", [("Längdskidor", [("150", 0, 1), ("170", 1, 0)])]),
        ("talt", [("Tält för två", [("", 0, 1)])]),
    ]
    assert bank_inventory(bank=bank).available == 3


def test_inventory_leaves_out_repair_retired_and_missing(bank, make_article):
    for code, status in [
        ("R1", ArticleStatus.IN_REPAIR),
        ("R2", ArticleStatus.RETIRED),
        ("R3", ArticleStatus.MISSING),
    ]:
        make_article(code, status=status)
    inventory = bank_inventory(bank=bank)
    assert (inventory.categories, inventory.category_choices) == ([], [])


def test_inventory_is_per_bank(bank, stock, make_organisation, skates):
    from sammanhang.lending.models import Article, Bank

    other = Bank.objects.create(organisation=make_organisation("Annan bank"), place=bank.place)
    Article.objects.create(bank=other, type=skates, size="38", code="S1")
    assert _shown(bank_inventory(bank=bank))[0] == (
        "skridskor",
        [("Hockeyskridskor", [("38", 2, 1)])],
    )


def test_inventory_filters_by_category_a_parent_takes_in_its_children(bank, stock):
    assert [c.code for c in bank_inventory(bank=bank, category="talt").categories] == ["talt"]
    assert [c.code for c in bank_inventory(bank=bank, category="vinter").categories] == [
        "skridskor",
        "skidor-langd",
    ]
    assert bank_inventory(bank=bank, category="finns-inte").categories == []


def test_inventory_only_available_now_drops_what_is_all_on_loan(bank, stock):
    assert _shown(bank_inventory(bank=bank, available_only=True)) == [
        ("skridskor", [("Hockeyskridskor", [("38", 2, 1)])]),
        ("skidor-langd", [("Längdskidor", [("170", 1, 0)])]),
    ]


def test_inventory_filter_choices_put_each_category_under_its_parent(bank, stock):
    choices = bank_inventory(bank=bank, category="talt").category_choices
    assert [(code, label.strip()) for code, label in choices] == [
        ("vinter", "Vintersport"),
        ("skridskor", "Skridskor"),
        ("skidor-langd", "Längdskidor"),
        ("friluftsliv", "Friluftsliv"),
        ("talt", "Tält"),
    ]
    assert choices[1][1].startswith("\u00a0")  # indented under its parent


def test_sizes_sort_by_number_then_letter_sizes_then_text_then_none():
    sizes = ["L", "120", "", "38", "XS", "barn", "M", "37,5"]
    assert sorted(sizes, key=size_sort_key) == ["37,5", "38", "120", "XS", "M", "L", "barn", ""]


def _article_types(count):
    category = Term.objects.get(taxonomy="sammanhang-utrustning", code="bollar")
    return [
        ArticleType.objects.create(category=category, name=f"Boll {number}")
        for number in range(count)
    ]


def test_inventory_is_two_queries_whatever_the_number_of_articles(
    bank, make_article, django_assert_num_queries
):
    # The counts grouped by type and size, then the types shown (with their categories).
    types = _article_types(6)
    make_article("A1")
    with django_assert_num_queries(2):
        bank_inventory(bank=bank)
    for number in range(60):
        make_article(f"B{number}", size=str(30 + number % 7), type=types[number % 6])
    with django_assert_num_queries(2):
        inventory = bank_inventory(bank=bank, category="bollsport", available_only=True)
    assert sum(len(kind.sizes) for kind in inventory.categories[0].types) == 6 * 7


def _bank_url(bank, query=""):
    return reverse("lending:bank", args=[bank.organisation.slug]) + query


def test_bank_page_queries_do_not_grow_with_the_articles(client, bank, make_article, settings):
    settings.SAMMANHANG_FIXED_NOW = f"{MONDAY}T12:00"
    types = _article_types(3)
    make_article("A1")
    with CaptureQueriesContext(connection) as few:
        assert client.get(_bank_url(bank)).status_code == 200
    for number in range(40):
        make_article(
            f"B{number}",
            size=str(number % 5),
            type=types[number % 3],
            status=ArticleStatus.ON_LOAN if number % 4 else ArticleStatus.AVAILABLE,
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(_bank_url(bank)).status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (f"{MONDAY}T09:00", (date(2026, 12, 7), True, False)),
        (f"{MONDAY}T11:00", (date(2026, 12, 7), True, True)),
        (f"{MONDAY}T18:30", (date(2026, 12, 9), False, False)),
    ],
)
def test_bank_list_gives_the_next_opening(open_mon_wed_fri, settings, moment, expected):
    settings.SAMMANHANG_FIXED_NOW = moment
    [entry] = selectors.bank_list_public()
    assert entry.next_open is not None
    assert (entry.next_open.day, entry.next_open.is_today, entry.next_open.is_open_now) == expected


def test_bank_list_skips_closed_days_and_counts_available_articles(
    open_mon_wed_fri, stock, settings
):
    settings.SAMMANHANG_FIXED_NOW = f"{MONDAY}T18:30"
    PlaceClosure.objects.create(place=open_mon_wed_fri.place, date=date(2026, 12, 9), reason="Fest")
    [entry] = selectors.bank_list_public()
    assert entry.next_open is not None
    assert (entry.next_open.day, entry.next_open.opens_at) == (date(2026, 12, 11), time(10))
    assert entry.available == 3


def test_bank_list_page_in_swedish(client, open_mon_wed_fri, stock, settings):
    settings.SAMMANHANG_FIXED_NOW = f"{MONDAY}T09:00"
    response = client.get(reverse("lending:bank_list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Fritidsbanken</h1>" in content
    assert f'<a href="{_bank_url(open_mon_wed_fri)}">Fritidsbanken Söder</a>' in content
    assert "Öppet i dag 10:00–18:00" in content
    assert "3 saker att låna nu" in content


def test_bank_list_page_without_banks(client):
    content = client.get(reverse("lending:bank_list")).content.decode()
    assert "Det finns ingen Fritidsbank här än." in content


def test_bank_page_in_swedish(client, open_mon_wed_fri, stock, settings):
    settings.SAMMANHANG_FIXED_NOW = f"{MONDAY}T11:00"
    bank = open_mon_wed_fri
    PlaceClosure.objects.create(place=bank.place, date=date(2026, 12, 9), reason="Inventering")
    Branch.objects.create(bank=bank, name="Filialen i Råå")
    response = client.get(_bank_url(bank))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Fritidsbanken Söder</h1>" in content
    assert "Öppet nu, till 18:00" in content
    # The coming week, closed days too, with the closure's reason.
    assert "måndag 7 december" in content
    assert "söndag 13 december" in content
    assert "Stängt (Inventering)" in content
    assert "Filialen i Råå" in content
    assert "Det här kan du låna" in content
    assert '<th scope="row" data-label="Artikel">Hockeyskridskor</th>' in content
    assert "Du lånar i 14 dagar." in content
    assert "Vi frågar bara efter ditt namn och mobilnummer" in content
    assert "Allt är gratis: ingen deposition, ingen förseningsavgift" in content
    assert "Sakerna ska vara hela och rena." in content


def test_bank_page_shows_the_banks_own_donation_text(client, bank):
    bank.donation_info = "Vi tar bara emot vintersaker i oktober."
    bank.save(update_fields=["donation_info"])
    content = client.get(_bank_url(bank)).content.decode()
    assert "<p>Vi tar bara emot vintersaker i oktober.</p>" in content


def test_bank_page_filters_by_category_and_available_now(client, bank, stock):
    content = client.get(_bank_url(bank, "?category=skidor-langd&available=on")).content.decode()
    assert '<option value="skidor-langd" selected>' in content
    assert "<h3>Längdskidor</h3>" in content
    assert "<h3>Skridskor</h3>" not in content
    assert '<td data-label="Storlek">170</td>' in content
    assert '<td data-label="Storlek">150</td>' not in content


def test_bank_page_unknown_category_is_refused_on_the_field(client, bank, stock):
    response = client.get(_bank_url(bank, "?category=finns-inte"))
    assert response.status_code == 400
    assert "Banken har inget i den kategorin. Välj en annan." in response.content.decode()


def test_bank_page_is_404_for_an_unknown_slug_or_an_organisation_that_is_not_a_bank(
    client, make_organisation
):
    organisation = make_organisation("Föreningen utan bank")
    assert client.get(reverse("lending:bank", args=["finns-inte"])).status_code == 404
    assert client.get(reverse("lending:bank", args=[organisation.slug])).status_code == 404


def test_organisation_and_place_pages_link_to_the_bank_page(client, bank, make_organisation):
    link = f'href="{_bank_url(bank)}"'
    organisation_page = reverse("directory:organisation", args=[bank.organisation.slug])
    assert link in client.get(organisation_page).content.decode()
    assert link in client.get(reverse("directory:place", args=[bank.place.slug])).content.decode()
    other = make_organisation("Föreningen utan bank")
    other_page = client.get(reverse("directory:organisation", args=[other.slug])).content.decode()
    assert "/fritidsbanken/" + other.slug not in other_page


def test_bank_page_links_each_type_and_size_to_its_reservation(client, bank, stock, skis):
    content = client.get(_bank_url(bank)).content.decode()
    reserve = reverse("lending:reserve", args=[bank.organisation.slug])
    assert f'href="{reserve}?typ={skis.pk}&amp;storlek=150"' in content
    # The reservation page opens with that type and size chosen.
    page = client.get(f"{reserve}?typ={skis.pk}&storlek=150").content.decode()
    assert f'<option value="{skis.pk}" selected>' in page
    assert 'value="150"' in page
