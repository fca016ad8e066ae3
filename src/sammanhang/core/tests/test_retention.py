from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from sammanhang.core import retention
from sammanhang.core.models import AuditEvent
from sammanhang.core.services import personal_data_purge


def test_every_app_with_personal_data_declares_it():
    keys = {rule.key for rule in retention.registered_rules()}
    assert {
        "core.audit_events",
        "core.sessions",
        "accounts.failed_logins",
        "accounts.staff_accounts",
    } <= keys
    for rule in retention.registered_rules():
        assert str(rule.data)
        assert str(rule.purpose)
        assert str(rule.kept_for)


def test_purge_deletes_audit_events_older_than_the_period(settings, make_organisation):
    settings.SAMMANHANG_AUDIT_RETENTION_DAYS = 30
    make_organisation()  # writes one audit event now
    now = timezone.now()
    old = AuditEvent.objects.create(
        action="old", object_type="x.y", object_id="1", occurred_at=now - timedelta(days=31)
    )
    counts = personal_data_purge(now=now)
    assert counts["core.audit_events"] == 1
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.count() == 1


def test_purge_deletes_expired_sessions_only(db):
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.set_expiry(-10)
    expired.create()
    personal_data_purge()
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}


def test_unused_staff_accounts_are_deleted_but_platform_admins_kept(make_user):
    now = timezone.now()
    active, unused, admin = make_user(), make_user(), make_user(platform_admin=True)
    type(active).objects.filter(pk=active.pk).update(last_login=now - timedelta(days=10))
    type(unused).objects.filter(pk__in=[unused.pk, admin.pk]).update(
        last_login=now - timedelta(days=600)
    )
    personal_data_purge(now=now)
    remaining = set(type(active).objects.values_list("pk", flat=True))
    assert remaining == {active.pk, admin.pk}


def test_purge_is_idempotent(make_organisation):
    make_organisation()
    personal_data_purge()
    second = personal_data_purge()
    assert set(second.values()) == {0}


def test_failing_rule_does_not_stop_the_others(monkeypatch, db):
    def broken(now):
        raise RuntimeError("boom")

    rule = retention.RetentionRule("zz.broken", "d", "p", "k", broken)
    monkeypatch.setitem(retention._rules, rule.key, rule)
    expired = SessionStore()
    expired.set_expiry(-10)
    expired.create()
    with pytest.raises(RuntimeError, match="boom"):
        personal_data_purge()
    assert not Session.objects.exists()


def test_command_lists_and_purges(db, capsys):
    call_command("purge_personal_data", "--list")
    assert "core.audit_events:" in capsys.readouterr().out
    call_command("purge_personal_data")
    assert "core.sessions: 0 purged" in capsys.readouterr().out
