"""Platform-wide writes: the audit log, the personal-data purge and the periodic-job runner.

Invariants kept here:
- An audit event is written in the same transaction as the change it records, so a rolled
  back change leaves no event and a committed change always has one.
- A periodic job runs at most once per due time: the claim is one conditional UPDATE on
  ``PeriodicJobState.next_due_at`` that only one process can win.
- A tombstone is written in the same transaction as the delete (or unpublishing) it reports,
  like an audit event, so a mirror never misses a record that is gone nor drops one that stayed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from sammanhang.core.models import (
    AuditEvent,
    PeriodicJobState,
    Tombstone,
    TombstoneKind,
    TombstoneReason,
)
from sammanhang.core.periodic import PeriodicJob, registered_jobs
from sammanhang.core.retention import registered_rules

logger = logging.getLogger(__name__)

# How long a deletion stays in the deletions feeds: a mirror that syncs less often than this
# must start again from a full download. A little over a year, so a yearly sync still works.
TOMBSTONE_RETENTION_DAYS = 400


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    target: models.Model,
    organisation_id: int | None = None,
    changed_fields: Iterable[str] = (),
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``target``; call inside the writing transaction.

    Only field names are stored, never values. Raises ``RuntimeError`` outside a transaction,
    because an event written outside the change could disagree with it.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction that makes the change")
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    return AuditEvent.objects.create(
        actor_id=actor_id,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        organisation_id=organisation_id,
        changed_fields=sorted(set(changed_fields)),
    )


def personal_data_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every registered retention rule; return how many records each one purged.

    Each rule runs in its own transaction so one failing rule does not undo the others;
    the failure is re-raised after all rules have had their turn.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    first_error: Exception | None = None
    for rule in registered_rules():
        try:
            with transaction.atomic():
                counts[rule.key] = rule.purge(now)
        except Exception as exc:
            logger.exception("purge failed for %s", rule.key)
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    return counts


def periodic_run_due(
    *, now: datetime | None = None, only: Iterable[str] | None = None
) -> dict[str, str]:
    """Run each registered job that is due (or those named in ``only``, due or not).

    Returns a report line per job that ran. A job that raises is recorded as failed and
    retried at its next due time; the other jobs still run.
    """
    now = now or timezone.now()
    wanted = set(only) if only is not None else None
    reports: dict[str, str] = {}
    for job in registered_jobs():
        if wanted is not None and job.name not in wanted:
            continue
        if not _periodic_claim(job, now=now, force=wanted is not None):
            continue
        try:
            report = job.run(now)
            succeeded = True
        except Exception as exc:
            logger.exception("periodic job %s failed", job.name)
            report = f"failed: {type(exc).__name__}"
            succeeded = False
        PeriodicJobState.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_succeeded=succeeded, last_message=report
        )
        reports[job.name] = report
    return reports


def _periodic_claim(job: PeriodicJob, *, now: datetime, force: bool) -> bool:
    try:
        with transaction.atomic():
            PeriodicJobState.objects.get_or_create(name=job.name, defaults={"next_due_at": now})
    except IntegrityError:
        pass  # another process created the row first; the claim below decides
    due = PeriodicJobState.objects.filter(name=job.name)
    if not force:
        due = due.filter(next_due_at__lte=now)
    return due.update(next_due_at=now + job.every, last_started_at=now) == 1


def tombstone_record(
    *,
    kind: TombstoneKind | str,
    record_uuid: uuid.UUID,
    reason: TombstoneReason | str = TombstoneReason.DELETED,
) -> Tombstone:
    """Report that the public record ``record_uuid`` is gone; call inside the deleting transaction.

    Raises ``RuntimeError`` outside a transaction: a tombstone committed apart from its delete
    could tell mirrors to drop a record that is still there.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("tombstone_record must run inside the transaction that deletes")
    return Tombstone.objects.create(
        kind=TombstoneKind(kind), uuid=record_uuid, reason=TombstoneReason(reason)
    )


def tombstones_purge(*, now: datetime | None = None) -> int:
    """Delete tombstones older than ``TOMBSTONE_RETENTION_DAYS``; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=TOMBSTONE_RETENTION_DAYS)
    deleted, _ = Tombstone.objects.filter(deleted_at__lt=cutoff).delete()
    return deleted
