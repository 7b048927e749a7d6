"""Retention and disposal: the data-protection lead's work (the headteacher by default)."""

from pastoral.retention.models import LegalHold
from tests.matrix import POST_ONLY, statuses

# The pages of the current school: another school's DSL is refused rather than told it does not exist.
CURRENT_SCHOOL = statuses(302, 403, 403, 403, 200, 403, 403)

ROWS = [
    ("pastoral:retention_home", (), CURRENT_SCHOOL),
    ("pastoral:retention_holds", (), CURRENT_SCHOOL),
    ("pastoral:retention_log", (), CURRENT_SCHOOL),
    # A school named in the address: its own staff are refused, anyone else is told it does not exist.
    ("pastoral:retention_batch", ("retention_school", "retention_type"), statuses(302, 403, 403, 403, 200, 403, 404)),
    ("pastoral:retention_dispose", ("retention_school", "retention_type"), POST_ONLY),
    ("pastoral:retention_extend", ("retention_school", "retention_type"), POST_ONLY),
    ("pastoral:retention_hold_release", ("legal_hold",), POST_ONLY),
]

KWARG_NAMES = {"retention_school": "school", "retention_type": "record_type", "legal_hold": "code"}


def build(objects, request):
    head = request.getfixturevalue("headteacher")
    hold = LegalHold.objects.create(school=objects["school"], reason="Public inquiry", set_by=head)
    return {
        "retention_school": objects["school"].code,
        "retention_type": "pastoral.attendance_mark",
        "legal_hold": hold.code,
    }
