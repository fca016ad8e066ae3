"""PostgreSQL: drop migration 0007's GIN expression indexes on the tiers' text, which no
query reads any more: this is 0007 undone, so its own steps are used the other way round.

The title and topic tiers have been read from their stored vectors (``ActivitySearchTiers``,
migration 0014) since session 8, and the body tier now from the stored document with weights
A–C: as an expression, a word in nearly every description made the planner read the whole
table and compute each row's vector again (29 s at 200,000 activities). At that size the three
indexes held 92 MB that every index write kept up. SQLite has none of them.
"""

from importlib import import_module

from django.db import migrations

# A module name starting with a digit is imported by name; migrations do not change once
# applied, so 0007's steps stay what they were.
tier_indexes = import_module("sammanhang.directory.migrations.0007_search_tier_indexes")


class Migration(migrations.Migration):
    dependencies = [("directory", "0015_occurrence_start_cover_index")]

    operations = [migrations.RunPython(tier_indexes.backwards, tier_indexes.forwards)]
