"""Reads for pupil voice: every list, export, chronology line and pack section reads through
`voices_visible_to(user)`. The same people read pupil voice as read outcome measures (outcomes/access.py)."""

from ..outcomes.access import pupil_condition
from .models import PupilVoice


def voices_visible_to(user, *, with_voided=False):
    rows = PupilVoice.objects.filter(pupil_condition(user))
    return rows if with_voided else rows.filter(voided_at__isnull=True)
