"""Permission matrix rows for incidents with detail, follow-up actions, attachments and bullying records."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from behaviour.incidents.services import attachment_add
from behaviour.models import BullyingIncident, BullyingInvolvement, FollowUpAction, Incident
from behaviour.tests.factories import BehaviourEventFactory
from tests.matrix import POST_ONLY, statuses

BEHAVIOUR_READ = statuses(302, 200, 200, 200, 200, 403, 404)
BEHAVIOUR_SCHOOL_PAGE = statuses(302, 200, 200, 200, 200, 403, 200)
# The pastoral team reads bullying records; teachers may report bullying but do not read the register.
BULLYING_READ = statuses(302, 403, 200, 200, 200, 403, 404)
BULLYING_SCHOOL_PAGE = statuses(302, 403, 200, 200, 200, 403, 200)
# Repeat victims and perpetrators: the anti-bullying lead (headteacher, pastoral lead, DSL and deputy).
PATTERNS = statuses(302, 403, 403, 200, 200, 403, 200)
# Injury photos: the pastoral team and whoever uploaded the file (here the pastoral lead), not every teacher.
ATTACHMENT_READ = statuses(302, 403, 200, 200, 200, 403, 404)

ROWS = [
    ("behaviour:incident_create", ("incident_event",), BEHAVIOUR_READ),
    ("behaviour:incident_list", (), BEHAVIOUR_SCHOOL_PAGE),
    ("behaviour:incident_detail", ("incident",), BEHAVIOUR_READ),
    # Recorded by the teacher: the recorder and the leads change it, not other colleagues.
    ("behaviour:incident_edit", ("incident",), statuses(302, 200, 403, 200, 200, 403, 404)),
    ("behaviour:incident_void", ("incident",), POST_ONLY),
    ("behaviour:follow_up_create", ("incident",), POST_ONLY),
    ("behaviour:follow_up_done", ("follow_up",), POST_ONLY),
    ("behaviour:attachment_upload", ("incident",), POST_ONLY),
    ("behaviour:attachment_download", ("attachment",), ATTACHMENT_READ),
    ("behaviour:bullying_list", (), BULLYING_SCHOOL_PAGE),
    ("behaviour:bullying_create", (), BEHAVIOUR_SCHOOL_PAGE),
    ("behaviour:bullying_patterns", (), PATTERNS),
    ("behaviour:bullying_detail", ("bullying",), BULLYING_READ),
    ("behaviour:bullying_void", ("bullying",), POST_ONLY),
    ("behaviour:bullying_outcome", ("bullying",), POST_ONLY),
]

KWARG_NAMES = {
    "incident_event": "code",
    "incident": "code",
    "follow_up": "code",
    "attachment": "code",
    "bullying": "code",
}


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), "red").save(buffer, "PNG")
    return SimpleUploadedFile("bruise.png", buffer.getvalue(), content_type="image/png")


def build(objects, request):
    """An incident on the world's (negative) event, with an action, an attachment and a bullying record."""
    teacher = request.getfixturevalue("teacher")
    school, event, pupil = objects["school"], objects["event"], objects["pupil"]
    incident = Incident.objects.create(
        school=school,
        group=event.group,
        antecedent="Asked to move seat",
        behaviour="Threw a chair",
        dysregulated="yes",
        recorded_by=teacher,
        submission_key=event.submission_key,
    )
    incident.events.add(event)
    incident.pupils.add(pupil)
    action = FollowUpAction.objects.create(
        incident=incident,
        description="Call home",
        owner=teacher,
        due_on=timezone.localdate() + datetime.timedelta(days=2),
        created_by=teacher,
        submission_key=event.submission_key,
    )
    attachment = attachment_add(actor=request.getfixturevalue("pastoral_lead"), incident=incident, upload=_png())
    record = BullyingIncident.objects.create(
        school=school, types=["verbal"], description="Name-calling", recorded_by=teacher, submission_key=event.code
    )
    BullyingInvolvement.objects.create(bullying=record, pupil=pupil, role="victim")
    # A second event, with no incident detail yet, for the "Add incident detail" page.
    undetailed = BehaviourEventFactory(pupil=pupil, category=objects["category"], recorded_by=teacher)
    return {
        "incident_event": undetailed.code,
        "incident": incident.code,
        "follow_up": action.code,
        "attachment": attachment.code,
        "bullying": record.code,
    }
