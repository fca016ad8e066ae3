"""One-time codes by SMS that confirm a public reservation comes from the number's owner.

Anyone could type someone else's number, so a reservation from home is made only after the
six-digit code sent to that number is typed back. Rules:

- The code is kept only as a keyed hash (``salted_hmac`` with a random nonce) in the session,
  next to what the person typed (type, size, name, mobile); never in a table. The session is
  set to expire with the code, so an abandoned request is forgotten.
- Valid for 15 minutes; 5 wrong tries end it (a new code must be asked for).
- At most 3 codes an hour per number and 5 an hour per session, counted in the cache, so the
  page cannot be used to send many text messages to someone.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sammanhang.core import clock

CODE_VALID = timedelta(minutes=15)
MAX_TRIES = 5
CODES_PER_NUMBER = 3
CODES_PER_SESSION = 5
LIMIT_WINDOW = timedelta(hours=1)
SESSION_KEY = "lending_reserve_pending"
_SALT = "sammanhang.lending.reserve-code"


class CodeError(Exception):
    """The code was refused; ``message`` is for the person, ``start_over`` when a new code is
    needed (expired, too many tries, nothing pending)."""

    def __init__(self, message: str, *, start_over: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.start_over = start_over


def _digest(nonce: str, code: str) -> str:
    return salted_hmac(_SALT, f"{nonce}:{code}", algorithm="sha256").hexdigest()


def _within_limit(key: str, limit: int) -> bool:
    # add() starts the hour's count only if there is none; incr() is atomic in the cache.
    cache.add(key, 0, timeout=int(LIMIT_WINDOW.total_seconds()))
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(LIMIT_WINDOW.total_seconds()))
        count = 1
    return count <= limit


def code_issue(*, session: SessionBase, mobile: str, pending: dict[str, Any]) -> str:
    """A new code for ``mobile`` (E.164), kept hashed in ``session`` with ``pending``.

    Raises ``CodeError`` when this number or this session has had too many codes this hour.
    """
    if session.session_key is None:
        session.save()
    number = salted_hmac(_SALT, mobile, algorithm="sha256").hexdigest()
    if not _within_limit(f"{_SALT}:number:{number}", CODES_PER_NUMBER):
        raise CodeError(
            _("Too many codes have been sent to this number. Please try again in an hour.")
        )
    if not _within_limit(f"{_SALT}:session:{session.session_key}", CODES_PER_SESSION):
        raise CodeError(_("Too many codes have been asked for. Please try again in an hour."))
    code = f"{secrets.randbelow(10**6):06d}"
    nonce = secrets.token_hex(16)
    session[SESSION_KEY] = {
        **pending,
        "mobile": mobile,
        "nonce": nonce,
        "digest": _digest(nonce, code),
        "expires": (clock.now() + CODE_VALID).isoformat(),
        "tries": 0,
    }
    # The name and number are forgotten with the session if the code is never typed.
    session.set_expiry(int(CODE_VALID.total_seconds()))
    return code


def code_pending(*, session: SessionBase) -> dict[str, Any] | None:
    """What is waiting for its code in this session, or ``None``."""
    pending: dict[str, Any] | None = session.get(SESSION_KEY)
    return pending


def code_check(*, session: SessionBase, code: str) -> dict[str, Any]:
    """What was typed when the code was sent, if ``code`` is right; the code is then used up.

    Raises ``CodeError``: wrong (with the tries left), expired, or too many wrong tries.
    """
    pending = code_pending(session=session)
    if pending is None:
        raise CodeError(_("Ask for a code first."), start_over=True)
    if clock.now() > datetime.fromisoformat(pending["expires"]):
        del session[SESSION_KEY]
        raise CodeError(
            _("The code is no longer valid (it is valid for 15 minutes). Ask for a new code."),
            start_over=True,
        )
    if not constant_time_compare(_digest(pending["nonce"], code.strip()), pending["digest"]):
        pending["tries"] += 1
        left = MAX_TRIES - pending["tries"]
        if left <= 0:
            del session[SESSION_KEY]
            raise CodeError(_("Too many wrong tries. Ask for a new code."), start_over=True)
        session[SESSION_KEY] = pending
        raise CodeError(
            ngettext(
                "The code is not right. You can try %(left)d more time.",
                "The code is not right. You can try %(left)d more times.",
                left,
            )
            % {"left": left}
        )
    del session[SESSION_KEY]
    return pending
