"""Demo break-glass uses (one waiting for the DSL's review, one reviewed) and records sent on for a leaver."""

import datetime

from django.utils import timezone

from ..accounts.roles import Role
from ..models import BreakGlassAccess, BreakGlassNotice, Pupil, RecordsSent

# The keywork area's record kind; the core names it only as data, so `make demo` shows a real use.
KEYWORK_NOTES = "provision.keywork_notes"
REASONS = [
    "Police at reception about a missing pupil; the keyworker is on a course and the DSL is in a meeting off site.",
    "Social care asked by phone for the latest contact with the pupil before a strategy meeting this afternoon.",
]


def seed_break_glass(school, staff_by_role, pupils, rng, term):
    heads = staff_by_role.get(Role.HEADTEACHER, [])
    dsls = staff_by_role.get(Role.DSL, []) + staff_by_role.get(Role.DEPUTY_DSL, [])
    if heads and dsls and len(pupils) >= 2:
        now = timezone.now()
        for index, pupil in enumerate(rng.sample(list(pupils), k=2)):
            at = now - datetime.timedelta(days=2 + index * 5, hours=rng.randint(1, 5))
            reviewed = index == 1
            use = BreakGlassAccess.objects.create(
                user=heads[0],
                kind=KEYWORK_NOTES,
                record_code=pupil.code,
                school=school,
                pupil=pupil,
                reason=REASONS[index],
                at=at,
                expires_at=at + datetime.timedelta(minutes=60),
                reviewed_at=at + datetime.timedelta(days=1) if reviewed else None,
                reviewed_by=dsls[0] if reviewed else None,
                review_note="Checked with the head: the call was genuine and the notes were needed."
                if reviewed
                else "",
            )
            BreakGlassNotice.objects.bulk_create(
                [BreakGlassNotice(access=use, recipient=user, created_at=at, seen_at=use.reviewed_at) for user in dsls]
            )
    leaver = Pupil.objects.filter(school=school, leaving_date__lt=timezone.localdate()).order_by("pk").first()
    if leaver is not None and dsls:
        RecordsSent.objects.create(
            pupil=leaver,
            sent_on=leaver.leaving_date + datetime.timedelta(days=3),
            new_school="Hilltop Academy",
            what="Pupil file, SEN file and support plans",
            method=RecordsSent.Method.SECURE_TRANSFER,
            sent_by=dsls[0],
        )
