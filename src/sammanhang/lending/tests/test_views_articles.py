"""Donations, the article list, an article's status and the labels, over HTTP.

Access (strangers 404, viewers 403) is tested for these pages with the desk's in
``test_views.py``.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from sammanhang.core.models import AuditEvent
from sammanhang.directory.models import Term
from sammanhang.lending.barcode import code128b_modules
from sammanhang.lending.models import Article, ArticleStatus, ArticleType, Bank
from sammanhang.lending.services import loan_check_out
from sammanhang.lending.tests.test_views import _member

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, bank):
    client.force_login(_member(bank, "desk", "editor"))
    return client


def _url(name, bank, **kwargs):
    return reverse(f"lending_staff:{name}", kwargs={"org_slug": bank.organisation.slug, **kwargs})


def _donation(skates, **fields):
    return {
        "type": skates.pk,
        "size": "38",
        "condition": "good",
        "donor": "",
        "codes": "FB-1\r\nFB-2\r\n\r\nFB-3\r\n",
        **fields,
    }


def test_the_donation_page_offers_the_types_and_an_anonymous_donor(desk, bank, skates):
    content = desk.get(_url("donation_register", bank)).content.decode()
    assert "<h1>Registrera gåva</h1>" in content
    assert "Hockeyskridskor" in content
    assert "Lämna tomt för en anonym gåva." in content
    assert _url("article_type_new", bank) in content


def test_a_donation_registers_every_code_and_goes_to_their_labels(desk, bank, skates):
    response = desk.post(_url("donation_register", bank), _donation(skates))
    articles = Article.objects.filter(bank=bank).order_by("code")
    assert [(a.code, a.size, a.donor, a.status) for a in articles] == [
        ("FB-1", "38", "", "available"),
        ("FB-2", "38", "", "available"),
        ("FB-3", "38", "", "available"),
    ]
    assert response.status_code == 302
    assert response["Location"].startswith(_url("labels", bank) + "?id=")
    page = desk.get(response["Location"]).content.decode()
    assert "3 artiklar är registrerade. Skriv ut deras etiketter nedan." in page
    assert page.count('class="barcode"') == 3
    assert AuditEvent.objects.filter(action="article.registered").count() == 3


def test_a_named_donor_is_kept(desk, bank, skates):
    desk.post(_url("donation_register", bank), _donation(skates, donor="IFK", codes="X1"))
    assert Article.objects.get(code="X1").donor == "IFK"


def test_a_duplicate_code_refuses_the_whole_donation_and_keeps_the_codes(
    desk, bank, skates, make_article
):
    make_article("FB-2")
    response = desk.post(
        _url("donation_register", bank), _donation(skates, codes="FB-1\nFB-2\nFB-1")
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert "De här ID-numren används redan: FB-1, FB-2." in content
    assert "FB-1\nFB-2\nFB-1</textarea>" in content
    assert Article.objects.filter(bank=bank).count() == 1


def test_an_empty_list_of_codes_says_what_to_do(desk, bank, skates):
    response = desk.post(_url("donation_register", bank), _donation(skates, codes=" \r\n "))
    assert response.status_code == 400
    assert "Skanna eller skriv minst ett ID-nummer." in response.content.decode()
    assert not Article.objects.exists()


def test_a_code_longer_than_the_database_holds_is_refused_on_the_field(desk, bank, skates):
    long_code = "FB-" + "1" * 60
    response = desk.post(
        _url("donation_register", bank), _donation(skates, codes=f"S1\n{long_code}")
    )
    assert response.status_code == 400
    assert (
        f"Ett ID-nummer har högst 60 tecken. Kontrollera den här raden: {long_code}"
        in response.content.decode()
    )
    assert not Article.objects.exists()


def test_a_donation_without_a_type_is_refused_and_keeps_the_codes(desk, bank, skates):
    response = desk.post(_url("donation_register", bank), _donation(skates, type=""))
    assert response.status_code == 400
    assert "Välj artikeltyp." in response.content.decode()
    assert "FB-3" in response.content.decode()


def test_a_new_article_type_is_created_and_chosen_for_the_donation(desk, bank):
    category = Term.objects.get(taxonomy="sammanhang-utrustning", code="skridskor")
    response = desk.post(
        _url("article_type_new", bank),
        {
            "name": "Konståkningsskridskor",
            "category": category.pk,
            "needs_guardian_consent": "on",
            "check_out_prompt": "Kontrollera skären",
        },
    )
    article_type = ArticleType.objects.get(name="Konståkningsskridskor")
    assert (article_type.category, article_type.needs_guardian_consent) == (category, True)
    assert article_type.check_out_prompt == "Kontrollera skären"
    assert response.status_code == 302
    page = desk.get(response["Location"]).content.decode()
    assert f'<option value="{article_type.pk}" selected>' in page
    assert AuditEvent.objects.filter(action="article_type.created").count() == 1


def test_a_type_name_used_twice_in_a_category_is_refused_in_plain_words(desk, bank, skates):
    response = desk.post(
        _url("article_type_new", bank),
        {"name": "hockeyskridskor", "category": skates.category_id, "check_out_prompt": ""},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Det finns redan en typ som heter hockeyskridskor i den här kategorin." in content
    assert ArticleType.objects.count() == 1


def test_a_type_needs_a_name_and_a_category(desk, bank):
    response = desk.post(_url("article_type_new", bank), {"name": "", "category": ""})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Välj kategori." in content
    assert not ArticleType.objects.exists()


def test_the_article_list_filters_by_status_type_and_code(desk, bank, skates, make_article):
    skis = ArticleType.objects.create(category=skates.category, name="Längdskidor")
    make_article("S1")
    make_article("S2", status=ArticleStatus.IN_REPAIR)
    make_article("L1", type=skis)

    def codes(**query):
        content = desk.get(_url("article_list", bank), query).content.decode()
        return re.findall(r'/artiklar/\d+/">([^<]+)</a>', content)

    assert codes() == ["L1", "S1", "S2"]
    assert codes(status="in_repair") == ["S2"]
    assert codes(type=skis.pk) == ["L1"]
    assert codes(q="s") == ["S1", "S2"]
    assert codes(q="s", status="available", type=skates.pk) == ["S1"]
    content = desk.get(_url("article_list", bank), {"q": "nothing"}).content.decode()
    assert "Ingen artikel matchar." in content


def test_the_list_shows_only_the_banks_own_articles(desk, bank, skates, make_organisation):
    other = Bank.objects.create(organisation=make_organisation("Norr"), place=bank.place)
    foreign = Article.objects.create(bank=other, type=skates, code="N1")
    content = desk.get(_url("article_list", bank)).content.decode()
    assert "Banken har inga artiklar ännu." in content
    assert desk.get(_url("article_detail", bank, article_id=foreign.pk)).status_code == 404


def test_staff_change_an_articles_status_on_its_page(desk, bank, make_article):
    article = make_article("S1")
    url = _url("article_detail", bank, article_id=article.pk)
    assert "Artikel S1" in desk.get(url).content.decode()
    response = desk.post(url, {"status": "in_repair"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == ArticleStatus.IN_REPAIR
    assert "S1 har nu status: På reparation." in desk.get(response["Location"]).content.decode()


def test_an_article_on_loan_keeps_its_status_with_a_clear_message(
    desk, bank, borrower, make_article
):
    article = make_article("S1")
    loan_check_out(actor=None, bank=bank, borrower=borrower, code="S1", visit_id=uuid.uuid4())
    response = desk.post(_url("article_detail", bank, article_id=article.pk), {"status": "missing"})
    assert response.status_code == 400
    assert "Artikel S1 är utlånad. Ta emot den som återlämnad först." in response.content.decode()
    article.refresh_from_db()
    assert article.status == ArticleStatus.ON_LOAN


def test_on_loan_cannot_be_chosen_by_hand(desk, bank, make_article):
    article = make_article("S1")
    response = desk.post(_url("article_detail", bank, article_id=article.pk), {"status": "on_loan"})
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.status == ArticleStatus.AVAILABLE


def test_labels_show_the_barcode_code_and_type_of_the_chosen_articles(
    desk, bank, make_article, skates, make_organisation
):
    one = make_article("S1")
    make_article("S2")
    other = Bank.objects.create(organisation=make_organisation("Norr"), place=bank.place)
    foreign = Article.objects.create(bank=other, type=skates, code="N1")
    content = desk.get(_url("labels", bank), {"id": [one.pk, foreign.pk, "x"]}).content.decode()
    assert content.count('class="barcode"') == 1
    # Only the chosen article of this bank; the codes are read from the labels, since a short
    # code such as "N1" can turn up anywhere in a page (the CSRF token, for one).
    assert re.findall(r'<p class="label__code">([^<]*)</p>', content) == ["S1"]
    assert "Hockeyskridskor · 38" in content
    bars = sum(int(w) for w in re.findall(r'<rect x="\d+" y="0" width="(\d+)"', content))
    assert bars == code128b_modules("S1").count("1")


def test_labels_without_a_choice_say_where_to_choose(desk, bank):
    content = desk.get(_url("labels", bank)).content.decode()
    assert "Inga artiklar är valda." in content


def test_a_long_list_comes_a_page_at_a_time_with_its_filters(desk, bank, make_article, monkeypatch):
    from sammanhang.lending import views

    for number in range(5):
        make_article(f"S{number}")
    make_article("X1")
    monkeypatch.setattr(views, "ARTICLES_PER_PAGE", 2)
    content = desk.get(_url("article_list", bank), {"q": "S", "page": 2}).content.decode()
    assert re.findall(r'/artiklar/\d+/">([^<]+)</a>', content) == ["S2", "S3"]
    assert "5 artiklar" in content
    assert "Sida 2 av 3" in content
    assert "?q=S&amp;page=3" in content
