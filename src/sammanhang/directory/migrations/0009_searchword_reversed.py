from django.db import migrations, models


def fill_reversed(apps, schema_editor):
    # The vocabulary is written in Python (the backwards word), so existing words get theirs
    # here, a batch at a time.
    SearchWord = apps.get_model("directory", "SearchWord")
    batch = []
    for word in SearchWord.objects.only("pk", "word").iterator(chunk_size=5000):
        word.reversed_word = word.word[::-1]
        batch.append(word)
        if len(batch) >= 5000:
            SearchWord.objects.bulk_update(batch, ["reversed_word"])
            batch = []
    SearchWord.objects.bulk_update(batch, ["reversed_word"])


class Migration(migrations.Migration):
    dependencies = [("directory", "0008_activity_title_index")]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="reversed_word",
            field=models.CharField(db_index=True, default="", max_length=100),
        ),
        migrations.RunPython(fill_reversed, migrations.RunPython.noop),
    ]
