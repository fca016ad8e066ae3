from __future__ import annotations

import pytest
from conftest import PASSWORD
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from sammanhang import settings as production_settings


def _login(client, username, password):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR="192.0.2.10",
    )


def test_correct_login_reaches_staff_pages(client, make_user):
    make_user("redaktor")
    response = _login(client, "redaktor", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")


def test_wrong_password_keeps_user_name_and_says_what_is_wrong(client, make_user):
    make_user("redaktor")
    response = _login(client, "redaktor", "fel")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="redaktor"' in content
    assert "data-error-summary" in content
    with translation.override("sv"):
        assert translation.gettext("There is a problem") in content


def test_five_wrong_logins_in_a_row_are_throttled(client, make_user):
    make_user("redaktor")
    statuses = [_login(client, "redaktor", f"fel-{i}").status_code for i in range(5)]
    assert statuses[:4] == [200, 200, 200, 200]
    assert statuses[4] == 429
    # Locked out: even the right password is refused now.
    locked = _login(client, "redaktor", PASSWORD)
    assert locked.status_code == 429
    assert not client.session.get("_auth_user_id")


def test_lockout_is_per_user_and_address(client, make_user):
    make_user("redaktor")
    make_user("annan")
    for i in range(5):
        _login(client, "redaktor", f"fel-{i}")
    assert _login(client, "annan", PASSWORD).status_code == 302


def test_successful_login_resets_the_count(client, make_user):
    make_user("redaktor")
    for i in range(4):
        _login(client, "redaktor", f"fel-{i}")
    assert _login(client, "redaktor", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "redaktor", "fel-again").status_code == 200


@pytest.mark.parametrize("hasher", [production_settings.PASSWORD_HASHERS[0]])
def test_production_hashes_passwords_with_argon2(hasher):
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        encoded = make_password("ett långt lösenord")
        assert encoded.startswith("argon2$")
        assert check_password("ett långt lösenord", encoded)


def test_logout_needs_post(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:dashboard")).status_code == 302
