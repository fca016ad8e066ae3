"""The sessions' start index also carries the activity, the date and whether the session is
cancelled, so the finder's walk in start order reads the index alone (see ``Occurrence``).
Built before the old one is dropped, so no moment is without a start index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0014_search_tiers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="occurrence",
            index=models.Index(
                fields=["starts_at", "ends_at", "activity", "date", "cancelled"],
                name="occurrence_start_cover_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="occurrence",
            name="occurrence_start_end_idx",
        ),
    ]
