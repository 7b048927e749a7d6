import uuid

from django.db import migrations, models


def fill_codes(apps, schema_editor):
    for name in ("AcademicYear", "Term"):
        model = apps.get_model("pastoral", name)
        for row in model.objects.filter(code__isnull=True):
            row.code = uuid.uuid4()
            row.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [("pastoral", "0004_pupil_note")]

    operations = [
        migrations.AddField(model_name="academicyear", name="code", field=models.UUIDField(null=True, editable=False)),
        migrations.AddField(model_name="term", name="code", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="academicyear", name="code", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
        migrations.AlterField(
            model_name="term", name="code", field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
        ),
    ]
