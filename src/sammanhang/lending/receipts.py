"""The visit's receipt as a text message or an email.

The text is short and Swedish: the articles at home and when each is due, that nothing costs
anything, and the bank's phone. The email address is used once to send and is never stored:
not on the borrower (who gives only a name and a mobile number), not in the audit log, not in
the message shown afterwards (messages live in the session).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.utils import dateformat, translation
from django.utils.translation import gettext as _

from sammanhang.core.messaging import sms_send
from sammanhang.lending.models import Bank, Borrower, Loan
from sammanhang.lending.selectors import borrower_open_loans


def receipt_text(*, bank: Bank, borrower: Borrower, loans: list[Loan], today: date) -> str:
    """The receipt: one line per article with its due date, then no fees and whom to call."""
    lines = [
        _("Receipt from %(bank)s, %(date)s, for %(name)s.")
        % {"bank": bank, "date": dateformat.format(today, "j F Y"), "name": borrower.name}
    ]
    if loans:
        lines.append(_("Borrowed:"))
        for loan in loans:
            item = loan.article.type.name
            if loan.article.size:
                item = _("%(item)s in size %(size)s") % {"item": item, "size": loan.article.size}
            lines.append(
                _("- %(item)s (%(code)s), back by %(date)s")
                % {
                    "item": item,
                    "code": loan.article.code,
                    "date": dateformat.format(loan.due_on, "l j F"),
                }
            )
    else:
        lines.append(_("Nothing on loan."))
    lines.append(_("Everything is free: no deposit, no late fee, no charge for damage."))
    phone = bank.organisation.phone
    if phone:
        lines.append(_("Questions? Call %(phone)s.") % {"phone": phone})
    return "\n".join(lines)


def _text(bank: Bank, borrower: Borrower, today: date) -> str:
    loans = list(borrower_open_loans(borrower=borrower))
    with translation.override(settings.LANGUAGE_CODE):
        return receipt_text(bank=bank, borrower=borrower, loans=loans, today=today)


def receipt_send_sms(*, bank: Bank, borrower: Borrower, today: date) -> None:
    """Send the receipt to the borrower's stored mobile number."""
    sms_send(to=borrower.mobile, text=_text(bank, borrower, today))


def receipt_send_email(*, bank: Bank, borrower: Borrower, email: str, today: date) -> None:
    """Email the receipt to ``email``, which is not stored anywhere."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Receipt from %(bank)s") % {"bank": bank}
    send_mail(
        subject=subject,
        message=_text(bank, borrower, today),
        from_email=None,
        recipient_list=[email],
    )
