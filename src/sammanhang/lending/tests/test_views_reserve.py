"""Reserving from home over HTTP: the code by SMS, wrong, expired and too many tries, rate
limits, success with exactly one reservation, and a second one refused."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sammanhang.core import messaging
from sammanhang.lending.models import ArticleStatus, Borrower, Hold

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:00"
    messaging.outbox.clear()
    cache.clear()  # the rate limits live in the cache
    yield
    messaging.outbox.clear()
    cache.clear()


@pytest.fixture
def on_loan(make_article):
    # Skates 38 all lent, so a reservation waits in the queue.
    return make_article("A1", status=ArticleStatus.ON_LOAN)


def _url(bank, name="reserve"):
    return reverse(f"lending:{name}", kwargs={"org_slug": bank.organisation.slug})


def _ask(client, bank, skates, mobile="070-123 45 67", name="Alva Berg", size="38"):
    return client.post(
        _url(bank), {"type": skates.pk, "size": size, "name": name, "mobile": mobile}
    )


def _code() -> str:
    match = re.search(r"\b(\d{6})\b", messaging.outbox[-1].text)
    assert match, messaging.outbox[-1].text
    return match.group(1)


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_the_page_preselects_type_and_size_and_says_what_is_stored(client, bank, skates, on_loan):
    response = client.get(_url(bank) + f"?typ={skates.pk}&storlek=38")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{skates.pk}" selected>Hockeyskridskor</option>' in page
    assert 'value="38"' in page
    assert "Bara ditt namn och ditt mobilnummer" in page
    assert "De tas bort 12 månader efter ditt senaste lån, din senaste återlämning" in page


def test_an_unknown_bank_is_not_found(client, db):
    assert client.get("/fritidsbanken/finns-inte/reservera/").status_code == 404


def test_errors_are_on_the_field_and_what_was_typed_stays(client, bank, skates, on_loan):
    response = client.post(
        _url(bank), {"type": skates.pk, "size": "38", "name": "", "mobile": "12"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Skriv ditt namn." in page
    assert 'value="12"' in page
    response = _ask(client, bank, skates, mobile="12")
    assert response.status_code == 400
    assert "Ange ett mobilnummer, till exempel 070-123 45 67." in response.content.decode()
    assert messaging.outbox == []


def test_the_right_code_places_exactly_one_reservation(client, bank, skates, on_loan):
    response = _ask(client, bank, skates)
    assert response.status_code == 302
    assert response["Location"] == _url(bank, "reserve_confirm")
    [sms] = messaging.outbox
    assert sms.to == "+46701234567"
    assert sms.text.startswith("Din kod för att reservera hos Fritidsbanken Söder: ")
    assert Hold.objects.count() == 0
    assert Borrower.objects.count() == 0
    page = client.get(_url(bank, "reserve_confirm")).content.decode()
    assert "slutar på 67" in page
    response = client.post(_url(bank, "reserve_confirm"), {"code": _code()}, follow=True)
    assert response.redirect_chain == [(_url(bank, "reserve_done"), 302)]
    page = response.content.decode()
    assert "Du är nummer 1 i kön." in page
    hold = Hold.objects.get()
    assert (hold.borrower.name, hold.borrower.mobile, hold.size) == (
        "Alva Berg",
        "+46701234567",
        "38",
    )
    # The code is used up: sending it again does not reserve twice.
    response = client.post(_url(bank, "reserve_confirm"), {"code": "000000"})
    assert response.status_code == 302
    assert Hold.objects.count() == 1


def test_a_wrong_code_is_refused_on_the_field(client, bank, skates, on_loan):
    _ask(client, bank, skates)
    response = client.post(_url(bank, "reserve_confirm"), {"code": _wrong(_code())})
    assert response.status_code == 400
    assert "Koden stämmer inte. Du kan försöka 4 gånger till." in response.content.decode()
    assert Hold.objects.count() == 0


def test_five_wrong_tries_end_the_code(client, bank, skates, on_loan):
    _ask(client, bank, skates)
    code = _code()
    for _try in range(4):
        assert client.post(_url(bank, "reserve_confirm"), {"code": _wrong(code)}).status_code == 400
    response = client.post(_url(bank, "reserve_confirm"), {"code": _wrong(code)}, follow=True)
    assert response.redirect_chain == [(_url(bank), 302)]
    assert "För många fel försök. Be om en ny kod." in response.content.decode()
    # Even the right code is now too late.
    client.post(_url(bank, "reserve_confirm"), {"code": code})
    assert Hold.objects.count() == 0


def test_an_expired_code_is_refused(client, bank, skates, on_loan, settings):
    _ask(client, bank, skates)
    code = _code()
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:15:01"
    response = client.post(_url(bank, "reserve_confirm"), {"code": code}, follow=True)
    assert response.redirect_chain == [(_url(bank), 302)]
    assert "Koden gäller inte längre" in response.content.decode()
    assert Hold.objects.count() == 0


def test_a_code_within_15_minutes_is_accepted(client, bank, skates, on_loan, settings):
    _ask(client, bank, skates)
    settings.SAMMANHANG_FIXED_NOW = "2026-12-01T12:14:59"
    client.post(_url(bank, "reserve_confirm"), {"code": _code()})
    assert Hold.objects.count() == 1


def test_codes_are_limited_per_number(client, bank, skates, on_loan):
    from django.test import Client

    for _n in range(3):
        assert _ask(Client(), bank, skates).status_code == 302
    response = _ask(Client(), bank, skates)
    assert response.status_code == 400
    assert "För många koder har skickats till det här numret." in response.content.decode()
    assert len(messaging.outbox) == 3


def test_codes_are_limited_per_session(client, bank, skates, on_loan):
    for n in range(5):
        assert _ask(client, bank, skates, mobile=f"070-000 00 0{n}").status_code == 302
    response = _ask(client, bank, skates, mobile="070-000 00 09")
    assert response.status_code == 400
    assert "För många koder har begärts." in response.content.decode()
    assert len(messaging.outbox) == 5


def test_a_second_identical_reservation_is_refused_clearly(client, bank, skates, on_loan):
    _ask(client, bank, skates)
    client.post(_url(bank, "reserve_confirm"), {"code": _code()})
    cache.clear()
    _ask(client, bank, skates, name="Alva")
    response = client.post(_url(bank, "reserve_confirm"), {"code": _code()}, follow=True)
    assert response.redirect_chain == [(_url(bank), 302)]
    assert (
        "Du har redan reserverat Hockeyskridskor i storlek 38 här. Du behöver inte göra "
        "något: vi skickar ett sms när den finns att hämta."
    ) in response.content.decode()
    assert Hold.objects.count() == 1


def test_an_article_on_the_shelf_is_kept_at_once(client, bank, skates, make_article):
    make_article("A9", size="40")
    _ask(client, bank, skates, size="40")
    response = client.post(_url(bank, "reserve_confirm"), {"code": _code()}, follow=True)
    assert "Det finns en att hämta nu. Hämta den senast tisdag 8 december." in (
        response.content.decode()
    )
    assert Hold.objects.get().status == Hold.Status.OFFERED


def test_the_confirm_and_done_pages_without_a_request_go_back_to_the_form(client, bank):
    assert client.get(_url(bank, "reserve_confirm"))["Location"] == _url(bank)
    assert client.get(_url(bank, "reserve_done"))["Location"] == _url(bank)


def test_the_code_is_not_stored_in_clear(client, bank, skates, on_loan):
    from django.contrib.sessions.models import Session

    _ask(client, bank, skates)
    code = _code()
    [session] = Session.objects.all()
    assert code not in str(session.get_decoded())
    # What was typed is forgotten with the session if the code is never typed.
    assert session.expire_date <= timezone.now() + timedelta(minutes=15, seconds=5)
