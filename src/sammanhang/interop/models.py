"""What the interop app keeps of imports: which source a record came from, and what of it
Sammanhang could not map.

``ImportedRecord`` ties a published id (an HSDS ``id``) to the ``--source`` that brought it, so
a re-import from the same source updates the record and another source cannot take it over
(``imported_record_once_per_kind``). ``UnmappedAttribute`` keeps the attributes whose taxonomy
is not one of ours, so they are not lost and can be mapped later.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organisation")
    SERVICE = "service", _("Activity")
    LOCATION = "location", _("Place")


class ImportedRecord(models.Model):
    source = models.CharField(_("source"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=RecordKind.choices)
    record_uuid = models.UUIDField(_("id in the source"))
    first_imported_at = models.DateTimeField(_("first imported at"), auto_now_add=True)
    last_imported_at = models.DateTimeField(_("last imported at"))

    class Meta:
        verbose_name = _("imported record")
        verbose_name_plural = _("imported records")
        ordering = ["source", "kind", "record_uuid"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "record_uuid"], name="imported_record_once_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=RecordKind.values), name="imported_record_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=""), name="imported_record_source_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.kind} {self.record_uuid}"


class UnmappedAttribute(models.Model):
    """An HSDS attribute of a taxonomy that is not ours, kept as it came."""

    record = models.ForeignKey(
        ImportedRecord, on_delete=models.CASCADE, related_name="unmapped_attributes"
    )
    attribute_id = models.CharField(_("attribute id"), max_length=100, blank=True)
    taxonomy = models.CharField(_("taxonomy"), max_length=300, blank=True)
    code = models.CharField(_("code"), max_length=300, blank=True)
    name = models.CharField(_("name"), max_length=300, blank=True)
    value = models.TextField(_("value"), blank=True)

    class Meta:
        verbose_name = _("unmapped attribute")
        verbose_name_plural = _("unmapped attributes")
        ordering = ["record", "taxonomy", "code"]

    def __str__(self) -> str:
        return f"{self.taxonomy}: {self.code or self.name}"


class ServiceAtLocationKey(models.Model):
    """Where a derived service_at_location id points: an index, not a record of its own.

    The id is ``ids.service_at_location_id`` of the activity and the place (``place`` empty:
    the activity's online location), a uuid5 nothing in the database can be searched by; this
    table makes ``GET /service_at_locations/{id}`` a primary-key read. It is kept by
    ``interop.hsds.link_keys`` (built on first use, brought up to date when an id is not found)
    and is only a hint: a row whose link is gone is removed when met.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    activity = models.ForeignKey(
        "directory.Activity", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    place = models.ForeignKey(
        "directory.Place", on_delete=models.CASCADE, null=True, related_name="+"
    )

    class Meta:
        indexes = [
            # The refresh's "already keyed?" probe and the activity's cascade.
            models.Index(fields=["activity", "place"], name="salkey_activity_place_idx"),
        ]

    def __str__(self) -> str:
        return str(self.id)


class ServiceAtLocationKeyedActivity(models.Model):
    """The ``updated_at`` an activity had when its keys were last brought in line, so a
    refresh passes over the activities it has already seen in that state."""

    activity = models.OneToOneField(
        "directory.Activity", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.activity_id} {self.updated_at}"


class ServiceAtLocationKeyMark(models.Model):
    """One row: when the ``ServiceAtLocationKey`` table was last brought up to date."""

    # Internal, never shown (not in the admin), so no translated names.
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.refreshed_at)
