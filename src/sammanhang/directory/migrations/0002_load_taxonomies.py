from django.db import migrations


def load(apps, schema_editor):
    from sammanhang.directory.taxonomy import taxonomy_sync

    taxonomy_sync(apps.get_model("directory", "Term"))


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
