import uuid

from django.db import migrations, models


def give_each_location_a_code(apps, schema_editor):
    Location = apps.get_model("behaviour", "Location")
    for location in Location.objects.filter(code__isnull=True):
        location.code = uuid.uuid4()
        location.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("behaviour", "0001_initial")]

    # Added in three steps so rows that already exist each get their own code.
    operations = [
        migrations.AddField(model_name="location", name="code", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(give_each_location_a_code, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="location",
            name="code",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
