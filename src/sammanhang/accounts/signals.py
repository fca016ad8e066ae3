"""Signals the accounts app sends, for apps above it that show organisations in their own
records (accounts imports none of them).

``organisation_changed`` is sent (``sender=Organisation``, ``organisation=``,
``changed_fields=``) inside the transaction of a change to an organisation's fields or logo,
after the change is saved, by ``accounts.services`` and the admin. The directory listens so
that the activities whose open-data records show the organisation (its name, links and
profile in the v1 and HSDS records) move their ``updated_at`` too, and incremental sync
(``modified_after``) sends them again.
"""

from __future__ import annotations

from django.dispatch import Signal

organisation_changed = Signal()
