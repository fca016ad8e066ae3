"""Many desks scan the same article at the same moment, through the real HTTP views.

Each thread is a logged-in desk with its own session, talking to the live server over real
HTTP (``urllib``), with its own borrower and visit: exactly one loan is made, and every other
desk gets the page back with the clear message. Runs on both databases.
"""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from sammanhang.accounts import services as account_services
from sammanhang.accounts.models import User
from sammanhang.lending.models import Loan
from sammanhang.lending.services import borrower_find_or_register

DESKS = 6
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is the answer we count


class Desk:
    """One logged-in desk: a session cookie, a CSRF cookie and token, like a browser has."""

    def __init__(self, base: str, url: str, session: str) -> None:
        self.url = base + url
        self.opener = urllib.request.build_opener(_NoRedirect)
        self.cookies = {settings.SESSION_COOKIE_NAME: session}
        page = self._send(urllib.request.Request(self.url))  # noqa: S310 (the live server)
        self.token = TOKEN.search(page[1]).group(1)  # type: ignore[union-attr]

    def _send(self, request: urllib.request.Request) -> tuple[int, str]:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, response.read().decode()

    def lend(self, code: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, "code": code}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")  # noqa: S310
        return self._send(request)


@pytest.mark.django_db(transaction=True)
def test_many_desks_scanning_one_article_over_http_make_exactly_one_loan(
    live_server, bank, make_article
):
    make_article("S1")
    staff = User.objects.create_user("desk", password="a-long-enough-test-password")
    account_services.membership_set(
        actor=None, organisation=bank.organisation, user=staff, role="editor"
    )
    desks = []
    for number in range(DESKS):
        borrower = borrower_find_or_register(
            bank=bank, mobile=f"070111000{number}", name=f"Låntagare {number}"
        )
        client = Client()
        client.force_login(staff)
        url = reverse(
            "lending_staff:visit",
            kwargs={
                "org_slug": bank.organisation.slug,
                "borrower_id": borrower.pk,
                "visit": uuid.uuid4(),
            },
        )
        desks.append(Desk(live_server.url, url, client.cookies[settings.SESSION_COOKIE_NAME].value))

    barrier = threading.Barrier(DESKS)
    answers: list[tuple[int, str]] = []

    def scan(desk: Desk) -> None:
        barrier.wait()
        answers.append(desk.lend("S1"))

    threads = [threading.Thread(target=scan, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Loan.objects.filter(article__code="S1", returned_at__isnull=True).count() == 1
    statuses = sorted(status for status, _body in answers)
    assert statuses == [302] + [400] * (DESKS - 1)
    refused = [body for status, body in answers if status == 400]
    assert all(
        "Artikel S1 är redan utlånad. Lämna tillbaka den innan den lånas ut igen." in body
        for body in refused
    )
