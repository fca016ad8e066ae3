"""The demo Fritidsbank: articles in every state, made-up borrowers with fiction numbers, open
loans with exactly one overdue, and a believable history of returned loans."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from itertools import pairwise

import pytest
from django.db.models import F
from django.urls import reverse

from sammanhang.lending.models import Article, Bank, Borrower, Loan
from sammanhang.web.demo.loader import demo_load

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)


@pytest.fixture
def demo_bank(settings):
    settings.SAMMANHANG_FIXED_NOW = f"{TODAY}T17:30"
    summary = demo_load(today=TODAY)
    bank = Bank.objects.get(organisation__slug="fritidsbanken-helsingborg")
    assert (summary.lending_articles, summary.lending_loans) == (
        Article.objects.count(),
        Loan.objects.count(),
    )
    return bank


def test_the_demo_bank_has_a_place_a_branch_and_its_donation_text(demo_bank):
    assert demo_bank.place.slug == "fritidsbanken"
    assert demo_bank.place.opening_hours.exists()
    assert [b.name for b in demo_bank.branches.all()] == ["Utlämning på Fritidsgården Dalhem"]
    assert demo_bank.donation_info.startswith("Vi tar gärna emot")


def test_the_demo_articles_are_in_every_state(demo_bank):
    articles = Article.objects.filter(bank=demo_bank)
    assert articles.count() == 60
    assert articles.values("type__category").distinct().count() >= 8
    statuses = Counter(articles.values_list("status", flat=True))
    open_loans = Loan.objects.filter(returned_at__isnull=True)
    assert statuses["on_loan"] == open_loans.count() >= 3
    assert (statuses["in_repair"], statuses["retired"], statuses["missing"]) == (3, 2, 1)
    assert statuses["available"] >= 20
    assert not open_loans.exclude(article__status="on_loan").exists()
    # Statistics of donations see every article registered before its first loan.
    assert not Loan.objects.filter(out_at__lt=F("article__created_at")).exists()


def test_demo_borrowers_have_made_up_numbers_from_the_fiction_range(demo_bank):
    mobiles = list(Borrower.objects.values_list("mobile", flat=True))
    assert len(mobiles) >= 5
    for mobile in mobiles:
        assert mobile.startswith("+467017406"), mobile
        assert 5 <= int(mobile[-2:]) <= 99, mobile


def test_demo_has_one_overdue_loan_and_about_120_days_of_history(demo_bank):
    open_loans = Loan.objects.filter(returned_at__isnull=True)
    assert open_loans.filter(due_on__lt=TODAY).count() == 1
    returned = Loan.objects.filter(returned_at__isnull=False)
    assert returned.count() >= 100
    first = Loan.objects.order_by("out_on").first()
    assert first is not None
    assert TODAY - timedelta(days=121) <= first.out_on <= TODAY - timedelta(days=110)
    assert not Loan.objects.filter(out_on__gte=TODAY).exists()
    assert Loan.objects.values("borrower_pseudonym").distinct().count() >= 10
    # Several items in one visit happen.
    assert Loan.objects.values("visit_id").distinct().count() < Loan.objects.count()
    conditions = Counter(returned.values_list("condition_on_return", flat=True))
    assert conditions["good"] > conditions["worn"] > 0


def test_demo_loans_never_overlap_and_respect_the_item_limit(demo_bank):
    by_article: dict[int, list[Loan]] = {}
    for loan in Loan.objects.order_by("out_at"):
        by_article.setdefault(loan.article_id, []).append(loan)
    for loans in by_article.values():
        for earlier, later in pairwise(loans):
            assert earlier.returned_at is not None
            assert earlier.returned_at <= later.out_at
    loans = list(Loan.objects.all())
    for loan in loans:
        at_home = [
            other
            for other in loans
            if other.borrower_id == loan.borrower_id
            and other.out_at <= loan.out_at
            and (other.returned_at is None or other.returned_at > loan.out_at)
        ]
        assert len(at_home) <= demo_bank.max_items


def test_demo_bank_page_shows_the_inventory(client, demo_bank):
    response = client.get(reverse("lending:bank", args=["fritidsbanken-helsingborg"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row" data-label="Artikel">Hockeyskridskor</th>' in content
    assert "Utlämning på Fritidsgården Dalhem" in content
    assert "Cyklar tar vi bara emot på lördagar" in content


def test_loading_the_demo_again_adds_no_lending_data(demo_bank):
    counts = [model.objects.count() for model in (Bank, Article, Borrower, Loan)]
    demo_load(today=TODAY)
    assert [model.objects.count() for model in (Bank, Article, Borrower, Loan)] == counts
