"""PostgreSQL: drop two of migration 0007's GIN expression indexes, on the title tier's and
the topic tier's text, which no query reads.

Those tiers have been read from their stored vectors (``ActivitySearchTiers``, migration 0014)
since session 8; at 200,000 activities the two indexes held 45 MB that every index write kept
up. The description tier's index stays: it answers that tier where it is small (see
``search.tier_is_dense``). SQLite has none of them.
"""

from importlib import import_module

from django.db import migrations

# A module name starting with a digit is imported by name; an applied migration does not
# change, so 0007's index texts stay what they were.
TIER_TEXT = import_module("sammanhang.directory.migrations.0007_search_tier_indexes").TIER_TEXT
UNREAD = ("title", "topic")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in UNREAD:
        schema_editor.execute(f"DROP INDEX IF EXISTS activity_search_{name}_idx")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in UNREAD:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS activity_search_{name}_idx ON directory_activitysearch"
            f" USING gin (to_tsvector('swedish', {TIER_TEXT[name]}))"
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0015_occurrence_start_cover_index")]

    operations = [migrations.RunPython(forwards, backwards)]
