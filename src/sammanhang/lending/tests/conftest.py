"""A small Fritidsbank: open Monday, Wednesday and Friday, with skates and skis."""

from __future__ import annotations

from datetime import time

import pytest

from sammanhang.directory.models import Municipality, OpeningHours, Place, Term
from sammanhang.lending.models import Article, ArticleType, Bank
from sammanhang.lending.services import borrower_find_or_register


@pytest.fixture
def bank(make_organisation):
    organisation = make_organisation("Fritidsbanken Söder")
    municipality = Municipality.objects.create(code="1283", name="Helsingborg", slug="helsingborg")
    place = Place.objects.create(
        slug="fritidsbanken-soder",
        name="Fritidsbanken Söder",
        owner=organisation,
        municipality=municipality,
    )
    return Bank.objects.create(organisation=organisation, place=place)


@pytest.fixture
def open_mon_wed_fri(bank):
    for weekday in (1, 3, 5):
        OpeningHours.objects.create(
            place=bank.place, weekday=weekday, opens_at=time(10), closes_at=time(18)
        )
    return bank


@pytest.fixture
def skates(db):
    return ArticleType.objects.create(
        category=Term.objects.get(taxonomy="sammanhang-utrustning", code="skridskor"),
        name="Hockeyskridskor",
        needs_guardian_consent=False,
        check_out_prompt="Kontrollera att skridskorna är slipade",
    )


@pytest.fixture
def make_article(bank, skates):
    def make(code: str, *, size: str = "38", type=None, **fields) -> Article:
        return Article.objects.create(
            bank=bank, type=type or skates, size=size, code=code, **fields
        )

    return make


@pytest.fixture
def borrower(bank):
    return borrower_find_or_register(bank=bank, mobile="070-123 45 67", name="Alva Berg")
