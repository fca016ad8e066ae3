"""Stored UUIDs for schedules and opening hours, filled with the ids they are published under.

Until now the HSDS id of a schedule (and the iCalendar UID built on it) was derived from the
row's key, which another database does not share. Existing rows keep exactly that id, so
nothing a consumer or a subscribed calendar holds changes. Added nullable, filled, then made
unique and required: the same steps on SQLite and PostgreSQL.
"""

import uuid

from django.db import migrations, models

# interop.hsds.ids.part_id(owner, kind, key) == uuid5(owner, f"{kind}:{key}"), written out
# here because a migration must not depend on code that may change (and directory must not
# import interop). Schedules were published as part_id(activity.uuid, "schedule", pk), a
# place's opening hours as part_id(place.uuid, "schedule", pk).


def _published_id(owner: uuid.UUID, pk: int) -> uuid.UUID:
    return uuid.uuid5(owner, f"schedule:{pk}")


def fill(apps, schema_editor):
    Schedule = apps.get_model("directory", "Schedule")
    OpeningHours = apps.get_model("directory", "OpeningHours")
    for model, owner in ((Schedule, "activity__uuid"), (OpeningHours, "place__uuid")):
        batch = []
        for pk, owner_uuid in model.objects.values_list("pk", owner).iterator(chunk_size=5000):
            batch.append(model(pk=pk, uuid=_published_id(owner_uuid, pk)))
            if len(batch) >= 5000:
                model.objects.bulk_update(batch, ["uuid"])
                batch = []
        model.objects.bulk_update(batch, ["uuid"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0009_searchword_reversed")]

    operations = [
        migrations.AddField(
            model_name="schedule",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="UUID"),
        ),
        migrations.AddField(
            model_name="openinghours",
            name="uuid",
            field=models.UUIDField(editable=False, null=True, verbose_name="UUID"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="schedule",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="UUID"
            ),
        ),
        migrations.AlterField(
            model_name="openinghours",
            name="uuid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="UUID"
            ),
        ),
    ]
