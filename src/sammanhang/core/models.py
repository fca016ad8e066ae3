from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Who did what to which object, and when.

    Deliberately holds no personal data beyond the acting staff account: objects are named by
    type and id, and changes by field name only, never by value (a value can be a phone number).
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    # A plain id rather than a foreign key: core sits below the app that owns organisations.
    organisation_id = models.BigIntegerField(_("organisation id"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["organisation_id", "-occurred_at"], name="audit_org_idx"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
        )

    @property
    def action_label(self) -> str:
        from sammanhang.core.audit import action_label

        return str(action_label(self.action))


class PeriodicJobState(models.Model):
    """When each scheduled job last ran and when it is next due.

    The row is the claim: a run takes a job by moving ``next_due_at`` forward in one
    conditional UPDATE, so two overlapping ``runperiodic`` processes never run a job twice.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_due_at = models.DateTimeField(_("next due at"))
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_succeeded = models.BooleanField(_("last run succeeded"), null=True, blank=True)
    last_message = models.TextField(_("last message"), blank=True)

    class Meta:
        verbose_name = _("periodic job state")
        verbose_name_plural = _("periodic job states")

    def __str__(self) -> str:
        return self.name


class TombstoneKind(models.TextChoices):
    """The public records a tombstone can stand for (names as the open-data APIs use them)."""

    ACTIVITY = "activity", _("Activity")
    PLACE = "place", _("Place")
    ORGANISATION = "organisation", _("Organisation")


class TombstoneReason(models.TextChoices):
    """Why a record is gone; the open-data feeds differ only on ``withdrawn``."""

    DELETED = "deleted", _("Deleted")
    # Back to draft: no open-data feed shows it any more.
    UNPUBLISHED = "unpublished", _("Unpublished")
    # Cancelled or ended: gone from the v1 API, still an inactive service in HSDS.
    WITHDRAWN = "withdrawn", _("Cancelled or ended")


class Tombstone(models.Model):
    """A public record that was deleted or left public view, kept so a mirror can drop it.

    In core because organisations (accounts) and activities and places (directory) are all
    deleted by services that sit above core. The UUID is the record's v1 and HSDS id; no other
    data is kept. A record that comes back (an activity published again) simply appears as
    modified after its tombstone, so a consumer that replays the feeds in time order ends up
    with it again. ``reason`` tells the feeds apart: HSDS still lists a cancelled or ended
    activity (as an inactive service), the v1 API does not.
    """

    Kind = TombstoneKind

    kind = models.CharField(_("kind"), max_length=20, choices=TombstoneKind.choices)
    uuid = models.UUIDField(_("UUID"))
    reason = models.CharField(
        _("reason"),
        max_length=20,
        choices=TombstoneReason.choices,
        default=TombstoneReason.DELETED,
    )
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now)

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        ordering = ["deleted_at", "id"]
        indexes = [models.Index(fields=["deleted_at", "id"], name="tombstone_deleted_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TombstoneKind.values), name="tombstone_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(reason__in=TombstoneReason.values),
                name="tombstone_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid} {self.deleted_at:%Y-%m-%d %H:%M}"
