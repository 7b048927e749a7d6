import datetime
import uuid

from django.utils import timezone

from behaviour.models import InterventionTechnique, RestrictiveIntervention, StaffTraining


def make_intervention(school, pupil, recorder, staff=(), *, occurred_on=None, **fields):
    occurred_on = occurred_on or timezone.localdate()
    values = {
        "sen_status": pupil.sen_status,
        "age": pupil.age_on(occurred_on),
        "occurred_on": occurred_on,
        "started_at": datetime.time(10, 0),
        "ended_at": datetime.time(10, 6),
        "duration_minutes": 6,
        "location_detail": "Corridor",
        "antecedents": "Ran at another pupil with a raised fist",
        "intervention_type": RestrictiveIntervention.Type.RESTRAINT,
        "rationale": "To stop another pupil being hurt",
        "support_offered": "Calm room with keyworker",
        "recorded_by": recorder,
        "submission_key": uuid.uuid4(),
        **fields,
    }
    record = RestrictiveIntervention.objects.create(school=school, pupil=pupil, **values)
    record.staff_involved.set(staff or [recorder])
    return record


def make_training(school, user, recorder, *, completed_on, expires_on, course="team_teach", **fields):
    return StaffTraining.objects.create(
        school=school,
        user=user,
        course=course,
        positive_handling=course in ("team_teach", "norfolk_steps") or fields.pop("positive_handling", False),
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=recorder,
        **fields,
    )


def make_technique(school, name="Single elbow"):
    return InterventionTechnique.objects.create(school=school, name=name)
