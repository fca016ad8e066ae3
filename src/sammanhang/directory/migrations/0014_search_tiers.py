"""PostgreSQL: the title and topic tiers' vectors in a narrow table with their own GIN
indexes (see ``ActivitySearchTiers``), filled from the index as it stands. SQLite's FTS5
table answers the tiers itself; there the table stays empty."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in ("title", "topic"):
        schema_editor.execute(
            f"CREATE INDEX activity_search_tiers_{column}_idx"
            f" ON directory_activitysearchtiers USING gin ({column})"
        )
    schema_editor.execute(
        "INSERT INTO directory_activitysearchtiers (activity_id, title, topic)"
        " SELECT activity_id, to_tsvector('swedish', title),"
        " to_tsvector('swedish', title || ' ' || topic) FROM directory_activitysearch"
    )
    schema_editor.execute("ANALYZE directory_activitysearchtiers")


def backwards(apps, schema_editor):
    pass  # the table, and its indexes with it, go when the model's table is dropped


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0013_choices_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="ActivitySearchTiers",
            fields=[
                (
                    "activity",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="directory.activity",
                    ),
                ),
                ("title", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("topic", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
