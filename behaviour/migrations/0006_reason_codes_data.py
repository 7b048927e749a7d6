"""The DfE school census suspension / permanent exclusion reasons in use from the 2020/21 census.

A later census list is added as new rows with their own list_version and valid_from
(and valid_to set on the rows it replaces), by a data migration like this one.
"""

import datetime

from django.db import migrations

VERSION = "DfE census 2020/21"
VALID_FROM = datetime.date(2020, 9, 1)
CODES = [
    ("PP", "Physical assault against a pupil"),
    ("PA", "Physical assault against an adult"),
    ("VP", "Verbal abuse / threatening behaviour against a pupil"),
    ("VA", "Verbal abuse / threatening behaviour against an adult"),
    ("OW", "Use or threat of use of an offensive weapon or prohibited item"),
    ("BU", "Bullying"),
    ("RA", "Racist abuse"),
    ("LG", "Abuse against sexual orientation and gender identity"),
    ("DS", "Abuse relating to disability"),
    ("SM", "Sexual misconduct"),
    ("DA", "Drug and alcohol related"),
    ("DM", "Damage to property"),
    ("TH", "Theft"),
    ("DB", "Persistent or general disruptive behaviour"),
    ("MT", "Inappropriate use of social media or online technology"),
    ("PH", "Wilful and repeated transgression of protective measures in place to protect public health"),
]


def add_codes(apps, schema_editor):
    ExclusionReasonCode = apps.get_model("behaviour", "ExclusionReasonCode")
    for order, (code, label) in enumerate(CODES):
        ExclusionReasonCode.objects.update_or_create(
            list_version=VERSION,
            census_code=code,
            defaults={"label": label, "valid_from": VALID_FROM, "order": order},
        )


def remove_codes(apps, schema_editor):
    apps.get_model("behaviour", "ExclusionReasonCode").objects.filter(list_version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("behaviour", "0005_suspensions"),
    ]

    operations = [migrations.RunPython(add_codes, remove_codes)]
