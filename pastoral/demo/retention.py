"""Demo retention: register entries past their six years awaiting the lead's review, one legal hold and one entry
in the disposal log. Written straight to the tables (no audit entries, so the demo can still be reset)."""

import datetime
import uuid

from django.utils import timezone

from ..accounts.roles import Role
from ..models import AttendanceMark
from ..retention import disposal, registry, services
from ..retention.models import DisposalCandidate, DisposalLogEntry, LegalHold

MARK_TYPE = "pastoral.attendance_mark"


def _weekday_before(day):
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


def seed_retention(school, staff_by_role, pupils, rng, term):
    heads = staff_by_role.get(Role.HEADTEACHER, [])
    if not heads or len(pupils) < 4:
        return
    today = timezone.localdate()
    oldest = sorted(pupils, key=lambda p: (p.date_of_birth, p.pk))[:4]
    six_years_ago = registry.cutoff(today, 6)
    marks = []
    for index, pupil in enumerate(oldest):
        day = _weekday_before(six_years_ago - datetime.timedelta(days=7 * (index + 1)))
        for session in ("AM", "PM"):
            marks.append(
                AttendanceMark(
                    school=school,
                    pupil=pupil,
                    date=day,
                    session=session,
                    code="/" if session == "AM" else "\\",
                    counts="present",
                    imported_at=timezone.now() - datetime.timedelta(days=6 * 365),
                )
            )
    AttendanceMark.objects.bulk_create(marks, ignore_conflicts=True)
    # The last pupil's register entries are under a hold in the secondary school (a parent's claim in progress).
    held = oldest[-1]
    if school.phase == school.Phase.SECONDARY:
        LegalHold.objects.create(
            school=school,
            pupil=held,
            record_type=MARK_TYPE,
            reason="Solicitor's letter: an attendance dispute may go to court. Keep until the claim is settled.",
            set_by=heads[0],
            set_at=timezone.now() - datetime.timedelta(days=20),
        )
    services.list_due(today, audited=False)
    # One entry already disposed of by the head a week ago: its mark is removed for real.
    first = (
        DisposalCandidate.objects.filter(school=school, record_type=MARK_TYPE)
        .select_related("pupil", "rule")
        .order_by("due_on", "id")
        .first()
    )
    if first is None:
        return
    disposal.purge(AttendanceMark, [int(first.object_id)], registry.models_registered())
    rule = first.rule
    DisposalLogEntry.objects.create(
        batch=uuid.uuid4(),
        school=school,
        record_type=MARK_TYPE,
        record_label=registry.label(MARK_TYPE),
        object_id=first.object_id,
        pupil_reference=first.pupil.upn,
        record_date=first.record_date,
        basis_date=first.basis_date,
        due_on=first.due_on,
        rule=f"{rule.get_basis_display()} + {rule.years} years, then {rule.get_action_display().lower()}",
        rule_source=rule.source,
        authorised_by=heads[0],
        disposed_at=timezone.now() - datetime.timedelta(days=7),
    )
    first.delete()
