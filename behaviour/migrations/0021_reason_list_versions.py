"""The longer census reason list (29 codes) as an unconfirmed list version.

Its only source is a public code repository describing it as "DfE Common Basic Data Set (CBDS), version May 2026";
the DfE's own list has not been checked. It is loaded unconfirmed, so no form offers it, until an operator has
compared it with the published census guide and runs `manage.py confirm_reason_list` with the date the school
census starts using it: the 2020/21 list then ends the day before, and every recorded suspension keeps the
reasons (and so the list version) it was given.
"""

import datetime

from django.db import migrations, models

VERSION = "DfE CBDS May 2026 (unconfirmed)"
VALID_FROM = datetime.date(2026, 5, 1)
CODES = [
    ("PP", "Physical assault against a pupil"),
    ("PA", "Physical assault against an adult"),
    ("VP", "Verbal abuse / threatening behaviour against a pupil"),
    ("VA", "Verbal abuse / threatening behaviour against an adult"),
    ("OW", "Use or threat of use of an offensive weapon or prohibited item"),
    ("BW", "Found to have brought a weapon or prohibited item into school"),
    ("BU", "Bullying"),
    ("TB", "Cyber-bullying or threatening behaviour online"),
    ("RA", "Racist abuse, including bullying"),
    ("LG", "Abuse against sexual orientation and gender identity, including bullying"),
    ("DS", "Abuse relating to disability, including bullying"),
    ("SM", "Sexual misconduct"),
    ("SB", "Harmful sexual behaviour"),
    ("MB", "Misogynistic behaviour"),
    ("AB", "Misandry behaviour"),
    ("DA", "Drug and alcohol related"),
    ("DR", "Drug related"),
    ("AR", "Alcohol related"),
    ("SR", "Smoking related"),
    ("VR", "Vape related"),
    ("DM", "Damage to property"),
    ("TH", "Theft"),
    ("DB", "Persistent or general disruptive behaviour"),
    ("LD", "Persistent disruptive behaviour – low level disruption"),
    ("CB", "Persistent disruptive behaviour – challenging behaviour"),
    ("MT", "Inappropriate use of social media or online technology"),
    ("MP", "Use of mobile phone"),
    ("OS", "Misbehaviour outside of school"),
    ("PH", "Wilful and repeated transgression of protective measures in place to protect public health"),
]


def add_codes(apps, schema_editor):
    ExclusionReasonCode = apps.get_model("behaviour", "ExclusionReasonCode")
    for order, (code, label) in enumerate(CODES):
        ExclusionReasonCode.objects.update_or_create(
            list_version=VERSION,
            census_code=code,
            defaults={"label": label, "valid_from": VALID_FROM, "order": order, "confirmed": False},
        )


def remove_codes(apps, schema_editor):
    apps.get_model("behaviour", "ExclusionReasonCode").objects.filter(list_version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0020_governors_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="exclusionreasoncode",
            name="confirmed",
            field=models.BooleanField(default=True),
        ),
        migrations.RunPython(add_codes, remove_codes),
    ]
