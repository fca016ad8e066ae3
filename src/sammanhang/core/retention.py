"""The registry of personal data: what each app keeps, why, for how long, and how it is purged.

An app declares its data in its own ``retention.py`` with :func:`register`. The registry is
the single source for ``sammanhang purge_personal_data`` and for the public page that tells
residents and staff what is kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Purger = Callable[[datetime], int]


@dataclass(frozen=True)
class RetentionRule:
    """One kind of personal data and its purge.

    ``purge(now)`` deletes (or anonymises) what has outlived ``kept_for`` and returns how many
    records it touched; it must be idempotent.
    """

    key: str
    data: str | Promise
    purpose: str | Promise
    kept_for: str | Promise
    purge: Purger


_rules: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    if rule.key in _rules and _rules[rule.key] != rule:
        raise ValueError(f"retention rule {rule.key!r} is registered twice")
    _rules[rule.key] = rule
    return rule


def registered_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda rule: rule.key)


def _purge_audit_events(now: datetime) -> int:
    from django.conf import settings

    from sammanhang.core.models import AuditEvent

    cutoff = now - timedelta(days=settings.SAMMANHANG_AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEvent.objects.filter(occurred_at__lt=cutoff).delete()
    return deleted


def _purge_expired_sessions(now: datetime) -> int:
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return deleted


register(
    RetentionRule(
        key="core.audit_events",
        data=_("Which staff account changed what in the directory, and when."),
        purpose=_("To follow up changes and mistakes in published information."),
        kept_for=_("Two years, then deleted."),
        purge=_purge_audit_events,
    )
)
register(
    RetentionRule(
        key="core.sessions",
        data=_("A login session for staff: which account is logged in."),
        purpose=_("To keep a staff member logged in during the working day."),
        kept_for=_("Eight hours after the last login, then deleted."),
        purge=_purge_expired_sessions,
    )
)
