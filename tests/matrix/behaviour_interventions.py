"""Physical interventions and staff training in the permission matrix.

The record is made by the DSL and names the pastoral member of staff, so the
teacher (not involved) is refused and the pastoral member of staff sees it.
"""

import datetime
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.matrix import POST_ONLY, statuses

LIST = statuses(302, 200, 200, 200, 200, 403, 200)
RECORD = statuses(302, 200, 200, 200, 200, 403, 200)
DETAIL = statuses(302, 403, 200, 200, 200, 403, 404)
ACT = statuses(302, 403, 200, 200, 200, 403, 404)
REVIEW = statuses(302, 403, 403, 200, 200, 403, 404)
LEADS = statuses(302, 403, 403, 200, 200, 403, 200)
TECHNIQUES = statuses(302, 403, 403, 403, 200, 403, 403)
TRAINING_READ = statuses(302, 403, 403, 200, 200, 200, 200)
TRAINING_LIST = statuses(302, 200, 200, 200, 200, 200, 200)
TRAINING_WRITE = statuses(302, 403, 403, 403, 200, 200, 403)
CERTIFICATE = statuses(302, 403, 200, 200, 200, 200, 404)

REC = ("intervention",)

ROWS = [
    ("behaviour:intervention_list", (), LIST),
    ("behaviour:intervention_create", (), RECORD),
    ("behaviour:intervention_detail", REC, DETAIL),
    ("behaviour:intervention_parent_report", REC, ACT),
    ("behaviour:intervention_withhold", REC, REVIEW),
    ("behaviour:intervention_pupil_debrief", REC, ACT),
    ("behaviour:intervention_staff_debrief", REC, ACT),
    ("behaviour:intervention_review", REC, REVIEW),
    ("behaviour:intervention_void", REC, POST_ONLY),
    ("behaviour:intervention_oversight", (), LEADS),
    ("behaviour:technique_list", (), TECHNIQUES),
    ("behaviour:technique_create", (), TECHNIQUES),
    ("behaviour:technique_edit", ("technique",), TECHNIQUES),
    ("behaviour:technique_seed", (), POST_ONLY),
    ("behaviour:training_list", (), TRAINING_LIST),
    ("behaviour:training_expiring", (), TRAINING_READ),
    ("behaviour:training_create", (), TRAINING_WRITE),
    ("behaviour:training_edit", ("training",), TRAINING_WRITE),
    ("behaviour:training_certificate", ("training",), CERTIFICATE),
    ("behaviour:training_void", ("training",), POST_ONLY),
]

KWARG_NAMES = {"intervention": "code", "technique": "code", "training": "code"}


def build(objects, request):
    from behaviour.models import InterventionTechnique, RestrictiveIntervention, StaffTraining

    school, pupil = objects["school"], objects["pupil"]
    dsl = request.getfixturevalue("dsl")
    pastoral_staff = request.getfixturevalue("pastoral_staff")
    technique = InterventionTechnique.objects.create(school=school, name="Single elbow")
    today = datetime.date.today()
    record = RestrictiveIntervention.objects.create(
        school=school,
        pupil=pupil,
        sen_status=pupil.sen_status,
        age=pupil.age_on(today),
        occurred_on=today,
        started_at=datetime.time(10, 0),
        ended_at=datetime.time(10, 5),
        duration_minutes=5,
        location_detail="Corridor by the hall",
        antecedents="Ran at another pupil",
        intervention_type="reasonable_force",
        technique=technique,
        rationale="To stop a pupil being hurt",
        support_offered="Calm room",
        recorded_by=dsl,
        submission_key=uuid.uuid4(),
    )
    record.staff_involved.add(pastoral_staff)
    training = StaffTraining.objects.create(
        school=school,
        user=pastoral_staff,
        course="team_teach",
        positive_handling=True,
        completed_on=today - datetime.timedelta(days=30),
        expires_on=today + datetime.timedelta(days=300),
        certificate=SimpleUploadedFile(
            "cert.pdf", b"%PDF-1.4\n% test certificate\n%%EOF\n", content_type="application/pdf"
        ),
        certificate_type="application/pdf",
        recorded_by=dsl,
    )
    return {"intervention": record.code, "technique": technique.code, "training": training.code}
