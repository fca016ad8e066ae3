from __future__ import annotations

import pytest
from django.urls import reverse

from sammanhang.lending import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["bank", "articletype", "article", "loan", "hold", "reminder"])
def test_platform_admin_sees_the_lending_lists(client, make_user, bank, make_article, model):
    make_article("A1")
    borrower = services.borrower_find_or_register(bank=bank, mobile="0701234567", name="Alva")
    services.loan_check_out(
        actor=None, bank=bank, borrower=borrower, code="A1", visit_id=services.visit_start()
    )
    client.force_login(make_user(platform_admin=True))
    response = client.get(reverse(f"admin:lending_{model}_changelist"))
    assert response.status_code == 200


def test_loans_cannot_be_added_in_the_admin(client, make_user):
    client.force_login(make_user(platform_admin=True))
    assert client.get(reverse("admin:lending_loan_add")).status_code == 403
