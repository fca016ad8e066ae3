"""PostgreSQL: a GIN index for each search tier's text (title; title and topic; title, topic
and description), so that a tier's matches come from an index.

A weight-labelled query on the whole document (``fika:A``) finds every document holding the
word in the index and then reads each to check the weight: for a word in most descriptions
that is most of the table. These expression indexes answer "in the title" directly. The
expressions must match ``search.TIER_TEXT`` exactly. SQLite's FTS5 table answers column
filters from its own index and needs nothing more.
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
    for name, text in TIER_TEXT.items():
        schema_editor.execute(
            f"CREATE INDEX activity_search_{name}_idx ON directory_activitysearch"
            f" USING gin (to_tsvector('swedish', {text}))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TIER_TEXT:
        schema_editor.execute(f"DROP INDEX IF EXISTS activity_search_{name}_idx")


class Migration(migrations.Migration):
    dependencies = [("directory", "0006_occurrence_start_end_index")]

    operations = [migrations.RunPython(forwards, backwards)]
