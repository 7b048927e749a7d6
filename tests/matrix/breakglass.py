"""Break-glass and leavers: the emergency opening of a record, the review list, and the records-sent log.

Only the headteacher (and a trust DSL) may open a record outside its access list; the DSL, already on the list of a
pupil's keywork notes, is sent straight to them. The DSL team and the headteacher review the openings.
"""

import datetime

from django.utils import timezone

from pastoral.models import BreakGlassAccess
from pastoral.tests.factories import PupilFactory
from provision.keywork.selectors import NOTES_KIND
from tests.matrix import POST_ONLY, statuses

ROWS = [
    ("pastoral:break_glass_list", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("pastoral:break_glass_review", ("break_glass_use",), POST_ONLY),
    (
        "pastoral:break_glass_open",
        ("break_glass_kind", "break_glass_pupil"),
        statuses(302, 403, 403, 302, 200, 403, 404),
    ),
    ("pastoral:records_sent_create", ("pupil",), POST_ONLY),
]

KWARG_NAMES = {"break_glass_kind": "kind", "break_glass_pupil": "code", "break_glass_use": "code"}


def build(objects, request):
    headteacher = request.getfixturevalue("headteacher")
    pupil = PupilFactory(school=objects["school"])
    now = timezone.now()
    use = BreakGlassAccess.objects.create(
        user=headteacher,
        kind=NOTES_KIND,
        record_code=pupil.code,
        school=objects["school"],
        pupil=pupil,
        reason="A child missing from home; the keyworker is on leave",
        at=now - datetime.timedelta(hours=2),
        expires_at=now - datetime.timedelta(hours=1),
    )
    return {"break_glass_kind": NOTES_KIND, "break_glass_pupil": pupil.code, "break_glass_use": use.code}
