"""Personal data the accounts app keeps."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sammanhang.core.retention import RetentionRule, register


def _purge_failed_logins(now: datetime) -> int:
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = now - timedelta(hours=float(settings.AXES_COOLOFF_TIME))
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return attempts + failures


register(
    RetentionRule(
        key="accounts.failed_logins",
        data=_("Failed staff logins: the user name tried, the network address and the browser."),
        purpose=_("To stop people guessing passwords."),
        kept_for=_("Until the 15-minute lockout has passed, then deleted."),
        purge=_purge_failed_logins,
    )
)
STAFF_ACCOUNT_UNUSED_DAYS = 548  # about 18 months


def _purge_unused_staff_accounts(now: datetime) -> int:
    from django.db.models import Q

    from sammanhang.accounts.models import User

    cutoff = now - timedelta(days=STAFF_ACCOUNT_UNUSED_DAYS)
    unused = User.objects.filter(is_superuser=False).filter(
        Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
    )
    deleted, _ = unused.delete()
    return deleted


register(
    RetentionRule(
        key="accounts.staff_accounts",
        data=_("Staff accounts: user name, name and e-mail address, and organisation roles."),
        purpose=_("So that staff can log in and keep their organisation's information current."),
        kept_for=_("Deleted when not used for 18 months (platform administrators excepted)."),
        purge=_purge_unused_staff_accounts,
    )
)
