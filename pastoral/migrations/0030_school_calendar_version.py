from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pastoral", "0029_paper_forms"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="calendar_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
