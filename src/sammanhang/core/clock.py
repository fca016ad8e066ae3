"""The current moment, in one place, so demos and tests can fix it.

Every read of "now" or "today" in the directory goes through :func:`now` and :func:`today`.
Normally they are Django's clock in the site's time zone (Europe/Stockholm). When the setting
``SAMMANHANG_FIXED_NOW`` holds an ISO date-time, the clock stands still at that moment: the
finder's "open now", "today" and "this week", detail pages and the occurrence horizon all see
the same instant. Meant for demos and tests only; production leaves it empty.

A fixed moment without an offset is read as local time in the site's time zone.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def fixed_now() -> datetime | None:
    """The fixed moment from ``SAMMANHANG_FIXED_NOW``, aware; ``None`` when the clock runs.

    Raises ``ImproperlyConfigured`` naming the setting when the value is not an ISO date-time.
    """
    raw = str(getattr(settings, "SAMMANHANG_FIXED_NOW", "") or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"SAMMANHANG_FIXED_NOW must be an ISO date-time such as 2026-11-24T17:30, not {raw!r}."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def now() -> datetime:
    """The current moment as an aware date-time in the site's time zone."""
    return timezone.localtime(fixed_now() or timezone.now())


def today() -> date:
    """Today's date in the site's time zone."""
    return now().date()
