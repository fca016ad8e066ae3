"""The finder's choice lists version: one row, changed by the database on every write to the
terms, municipalities and districts (see ``ChoicesVersion``)."""

from django.db import migrations, models

TABLES = ("directory_term", "directory_municipality", "directory_district")

# Random, so that a change rolled back and a later change never leave the same token.
SQLITE_BUMP = (
    "INSERT INTO directory_choicesversion (id, token) VALUES (1, random()) "
    "ON CONFLICT(id) DO UPDATE SET token = excluded.token;"
)


def _sqlite_triggers() -> tuple[list[str], list[str]]:
    create, drop = [], []
    for table in TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_choices_{event.lower()}"
            create.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {SQLITE_BUMP} END;"
            )
            drop.append(f"DROP TRIGGER IF EXISTS {name};")
    return create, drop


POSTGRES_FUNCTION = """
CREATE FUNCTION directory_choices_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO directory_choicesversion (id, token)
    VALUES (1, floor((random() - 0.5) * 1.8e19)::bigint)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$;
"""


def _postgres_triggers() -> tuple[list[str], list[str]]:
    # Once per statement: a bulk load of thousands of rows changes the token once.
    create, drop = [POSTGRES_FUNCTION], []
    for table in TABLES:
        name = f"{table}_choices"
        create.append(
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION directory_choices_changed();"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
    drop.append("DROP FUNCTION IF EXISTS directory_choices_changed();")
    return create, drop


def _statements(schema_editor, *, create: bool) -> list[str]:
    vendor = schema_editor.connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        return []
    made, dropped = _sqlite_triggers() if vendor == "sqlite" else _postgres_triggers()
    return made if create else dropped


def create_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, create=True):
        schema_editor.execute(sql)
    apps.get_model("directory", "ChoicesVersion").objects.create(id=1, token=1)


def drop_triggers(apps, schema_editor):
    for sql in _statements(schema_editor, create=False):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0012_activity_equipment"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChoicesVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.BigIntegerField(default=0, verbose_name="token")),
            ],
            options={"verbose_name": "choice lists version"},
        ),
        migrations.AddConstraint(
            model_name="choicesversion",
            constraint=models.CheckConstraint(condition=models.Q(id=1), name="choices_one_row"),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
