"""Writes for the school's medical settings and emergency card."""

from django.db import transaction

from pastoral import audit

from ..selectors import MANAGE
from ..services import require
from .models import settings_for

FIELDS = [
    "phone_number",
    "address",
    "postcode",
    "exact_location",
    "best_entrance",
    "untrained_specialist",
    "adult_accidents",
]


@transaction.atomic
def settings_change(*, actor, school, **fields):
    require(actor, school, MANAGE)
    config = settings_for(school)
    changed = {}
    for key in FIELDS:
        if key in fields and getattr(config, key) != fields[key]:
            changed[key] = fields[key]
            setattr(config, key, fields[key])
    config.full_clean()
    config.save()
    audit.record("medical.settings.changed", actor=actor, obj=config, school=school, data={"fields": sorted(changed)})
    return config
