"""The sessions' start index also carries the weekday and the local start and end, so the
finder's walk in start order reads the index alone under a time filter too (see
``Occurrence``). Built before the old one is dropped, so no moment is without a start index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0016_drop_title_topic_text_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="occurrence",
            index=models.Index(
                fields=[
                    "starts_at",
                    "ends_at",
                    "activity",
                    "date",
                    "cancelled",
                    "weekday",
                    "local_start",
                    "local_end",
                ],
                name="occurrence_start_time_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="occurrence",
            name="occurrence_start_cover_idx",
        ),
    ]
