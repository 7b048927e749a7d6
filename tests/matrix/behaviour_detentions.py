"""Detentions: read by everyone who reads behaviour, set by teachers and the pastoral team, types and sessions kept
(and attendance marked) by the pastoral team and leads."""

import datetime

from django.utils import timezone

from behaviour.detentions.models import Detention, DetentionSession, DetentionType
from tests.matrix import POST_ONLY, statuses

READ = statuses(302, 200, 200, 200, 200, 403, 200)
READ_ONE = statuses(302, 200, 200, 200, 200, 403, 404)
KEEPERS = statuses(302, 403, 200, 403, 200, 403, 403)
D = ("detention",)
ROWS = [
    ("behaviour:detention_sessions", (), READ),
    ("behaviour:detention_create", (), READ),
    ("behaviour:detention_day", (), READ),
    ("behaviour:detention_types", (), KEEPERS),
    ("behaviour:detention_type_create", (), KEEPERS),
    ("behaviour:detention_type_edit", ("detention_type",), statuses(302, 403, 200, 403, 200, 403, 404)),
    ("behaviour:detention_type_sessions", ("detention_type",), POST_ONLY),
    ("behaviour:detention_session", ("detention_session",), READ_ONE),
    ("behaviour:detention_session_edit", ("detention_session",), POST_ONLY),
    ("behaviour:detention_pupil_list", ("pupil",), READ_ONE),
    ("behaviour:detention_detail", D, READ_ONE),
    ("behaviour:detention_notice", D, POST_ONLY),
    ("behaviour:detention_mark", D, POST_ONLY),
    ("behaviour:detention_reschedule", D, POST_ONLY),
    ("behaviour:detention_void", D, POST_ONLY),
]
KWARG_NAMES = {"detention": "code", "detention_type": "code", "detention_session": "code"}


def build(objects, request):
    school, pupil = objects["school"], objects["pupil"]
    teacher = request.getfixturevalue("teacher")
    kind = DetentionType.objects.create(
        school=school,
        name="Lunch detention",
        kind="lunch",
        start_time=datetime.time(12, 30),
        duration_minutes=30,
        capacity=10,
        location="Room 12",
        run_by=teacher,
    )
    session = DetentionSession.objects.create(
        school=school,
        type=kind,
        date=timezone.localdate() + datetime.timedelta(days=2),
        start_time=kind.start_time,
        duration_minutes=30,
        capacity=10,
        location="Room 12",
        run_by=teacher,
    )
    detention = Detention.objects.create(
        school=school,
        pupil=pupil,
        session=session,
        starts_at=session.starts_at,
        event=None,
        reason="Homework not done",
        set_by=teacher,
    )
    return {"detention": detention.code, "detention_type": kind.code, "detention_session": session.code}
