import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0015_event_description_optional"),
        ("pastoral", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="behaviourcategory",
            name="sensitive",
            field=models.BooleanField(
                default=False,
                help_text="Only the pastoral and safeguarding teams read these events; other staff see only those they logged",
            ),
        ),
        migrations.AlterModelOptions(
            name="behaviourevent",
            options={
                "default_permissions": (),
                "ordering": ["-occurred_at"],
                "permissions": [
                    ("view_event", "View behaviour events"),
                    ("record_event", "Log and correct behaviour events"),
                    ("void_event", "Void behaviour events"),
                    ("manage_categories", "Manage behaviour categories and locations"),
                    ("view_analytics", "See behaviour analytics for the school or trust"),
                    ("view_alerts", "See pupils whose negative behaviour is rising"),
                    ("view_sensitive_event", "Read events of sensitive categories logged by others"),
                ],
            },
        ),
        migrations.CreateModel(
            name="BehaviourPhrase",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("text", models.CharField(max_length=200, verbose_name="phrase")),
                (
                    "active",
                    models.BooleanField(default=True, help_text="Retired phrases are no longer offered"),
                ),
                ("order", models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first")),
                (
                    "category",
                    models.ForeignKey(
                        blank=True,
                        help_text="Offered when this category is chosen; leave empty to offer it with every category",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="phrases",
                        to="behaviour.behaviourcategory",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="behaviour_phrases",
                        to="pastoral.school",
                    ),
                ),
            ],
            options={
                "ordering": ["order", "text"],
                "default_permissions": (),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("school", "category", "text"),
                        name="behaviour_phrase_unique_text",
                        nulls_distinct=False,
                    )
                ],
            },
        ),
    ]
