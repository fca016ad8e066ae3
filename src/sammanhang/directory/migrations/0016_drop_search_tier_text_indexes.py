"""PostgreSQL: drop migration 0007's GIN expression indexes on the tiers' text, which no
query reads any more.

The title and topic tiers have been read from their stored vectors (``ActivitySearchTiers``,
migration 0014) since session 8, and the body tier now from the stored document with weights
A–C: as an expression, a word in nearly every description made the planner read the whole
table and compute each row's vector again (29 s at 200,000 activities). At that size the three
indexes held 92 MB that every index write kept up. SQLite has none of them.
"""

from django.db import migrations

TIER_TEXT = {
    "title": "title",
    "topic": "title || ' ' || topic",
    "text": "title || ' ' || topic || ' ' || body",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TIER_TEXT:
        schema_editor.execute(f"DROP INDEX IF EXISTS activity_search_{name}_idx")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, text in TIER_TEXT.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS activity_search_{name}_idx ON directory_activitysearch"
            f" USING gin (to_tsvector('swedish', {text}))"
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0015_occurrence_start_cover_index")]

    operations = [migrations.RunPython(forwards, backwards)]
