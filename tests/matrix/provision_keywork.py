"""Keywork, interventions and the external visits log.

The pastoral member of staff keyworks the pupil, so they read the pupil's keywork notes; the DSL reads every
note; the teacher and headteacher see only who the keyworker is (on the pupil card), never the notes. Everyone
who reads pupils may see intervention groups; the pastoral team runs them; the headteacher edits the catalogue.
"""

import datetime

from django.utils import timezone

from provision.interventions import services as intervention_services
from provision.interventions.models import Programme
from provision.keywork import services as keywork_services
from provision.visits.models import ExternalVisit
from tests.matrix import POST_ONLY, statuses

KEYWORKERS = statuses(302, 403, 200, 200, 403, 403, 200)
NOTES = statuses(302, 403, 200, 200, 403, 403, 404)
SEE = statuses(302, 200, 200, 200, 200, 403, 200)
SEE_RECORD = statuses(302, 200, 200, 200, 200, 403, 404)
RUN = statuses(302, 403, 200, 200, 200, 403, 200)
RUN_RECORD = statuses(302, 403, 200, 200, 200, 403, 404)
P = ("pupil",)
ROWS = [
    ("provision:caseload", (), KEYWORKERS),
    ("provision:keywork_sessions", (), KEYWORKERS),
    ("provision:keywork_assign", (), statuses(302, 403, 403, 200, 403, 403, 200)),
    ("provision:keywork_assignment_end", ("keywork_assignment",), POST_ONLY),
    ("provision:keywork_frequency", ("keywork_assignment",), POST_ONLY),
    ("provision:keywork_pupil", P, NOTES),
    ("provision:keywork_log", P, NOTES),
    ("provision:keywork_session", ("keywork_session",), NOTES),
    ("provision:keywork_concern", ("keywork_session",), POST_ONLY),
    ("provision:keywork_action_done", ("keywork_action",), POST_ONLY),
    ("provision:intervention_groups", (), SEE),
    ("provision:group_start", (), RUN),
    ("provision:programme_list", (), SEE),
    ("provision:programme_create", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("provision:programme_edit", ("intervention_programme",), statuses(302, 403, 403, 403, 200, 403, 404)),
    ("provision:programme_impact", ("intervention_programme",), SEE_RECORD),
    ("provision:group_detail", ("intervention_group",), SEE_RECORD),
    ("provision:group_member_add", ("intervention_group",), POST_ONLY),
    ("provision:group_session", ("intervention_group",), RUN_RECORD),
    ("provision:group_finish", ("intervention_group",), POST_ONLY),
    ("provision:group_impact", ("intervention_group",), SEE_RECORD),
    ("provision:group_member_rate", ("group_member",), RUN_RECORD),
    ("provision:visit_list", (), RUN),
    ("provision:visit_create", (), RUN),
    ("provision:visit_edit", ("external_visit",), RUN_RECORD),
]
KWARG_NAMES = {
    "keywork_assignment": "code",
    "keywork_session": "code",
    "keywork_action": "code",
    "intervention_programme": "code",
    "intervention_group": "code",
    "group_member": "code",
    "external_visit": "code",
}


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    keyworker = request.getfixturevalue("pastoral_staff")
    pupil, school = objects["pupil"], objects["school"]
    today = timezone.localdate()
    assignment = keywork_services.assignment_create(actor=dsl, pupil=pupil, keyworker=keyworker)
    session = keywork_services.session_log(
        actor=keyworker,
        pupil=pupil,
        held_on=today,
        minutes=15,
        kind="check_in",
        mood=3,
        actions=[{"text": "Call home", "owner": keyworker, "due_on": today}],
    )
    programme = Programme.objects.get(school=school, name="ELSA")
    group = intervention_services.group_start(
        actor=dsl,
        programme=programme,
        name="ELSA group",
        facilitators=[keyworker],
        schedule="Tuesdays",
        starts_on=today - datetime.timedelta(weeks=2),
        ends_on=today + datetime.timedelta(weeks=4),
        pupils=[pupil],
    )
    visit = ExternalVisit.objects.create(
        school=school, visitor="PCSO Hart", organisation="Police", topic="Road safety", year_groups="7", recorded_by=dsl
    )
    return {
        "keywork_assignment": assignment.code,
        "keywork_session": session.code,
        "keywork_action": session.actions.get().code,
        "intervention_programme": programme.code,
        "intervention_group": group.code,
        "group_member": group.members.get().code,
        "external_visit": visit.code,
    }
