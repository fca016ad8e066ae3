"""Personal data the lending app keeps: a borrower's name and mobile number."""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sammanhang.core.retention import RetentionRule, register


def purge_borrowers(now: datetime) -> int:
    """Delete borrowers with nothing on loan whose last loan or return is older than their
    bank's retention period; their loans keep only the pseudonym. Returns how many."""
    from sammanhang.lending.models import Bank, Borrower, Loan

    purged = 0
    for bank in Bank.objects.order_by("pk"):
        cutoff = now - relativedelta(months=bank.borrower_retention_months)
        with transaction.atomic():
            stale = list(
                Borrower.objects.filter(bank=bank, last_activity_at__lt=cutoff)
                .exclude(
                    # The bank's own open loans (a borrower lends only at their bank): read from
                    # the index of open loans by bank, not from every borrower's history.
                    pk__in=Loan.objects.filter(
                        bank=bank, returned_at__isnull=True, borrower__isnull=False
                    ).values("borrower_id")
                )
                .values_list("pk", flat=True)
            )
            if not stale:
                continue
            Loan.objects.filter(borrower_id__in=stale).update(borrower=None)
            # Holds go with the borrower (cascade); they are counted as the borrower's data.
            _total, per_model = Borrower.objects.filter(pk__in=stale).delete()
            purged += per_model.get(Borrower._meta.label, 0)
    return purged


register(
    RetentionRule(
        key="lending.borrowers",
        data=_("Fritidsbanken borrowers: name and mobile number, and their reservations."),
        purpose=_("To know who has borrowed what, and to remind them when it is due."),
        kept_for=_(
            "Until the bank's set time after the last return (12 months unless the bank "
            "chooses otherwise), then deleted. The loan history keeps only a pseudonym."
        ),
        purge=purge_borrowers,
    )
)
