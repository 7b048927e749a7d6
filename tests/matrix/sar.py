"""Subject access requests: the data-protection lead's work (the headteacher by default)."""

from datetime import date

from pastoral.sar.models import SubjectAccessRequest
from tests.matrix import POST_ONLY, statuses

LEAD = statuses(302, 403, 403, 403, 200, 403, 404)

ROWS = [
    # The list is of the current school, so another school's DSL is refused rather than told it does not exist.
    ("pastoral:sar_list", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("pastoral:sar_create", ("pupil",), LEAD),
    ("pastoral:sar_detail", ("sar",), LEAD),
    ("pastoral:sar_identity", ("sar",), POST_ONLY),
    ("pastoral:sar_extend", ("sar",), POST_ONLY),
    ("pastoral:sar_close", ("sar",), POST_ONLY),
]

KWARG_NAMES = {"sar": "code"}


def build(objects, request):
    head = request.getfixturevalue("headteacher")
    sar = SubjectAccessRequest.objects.create(
        school=objects["school"],
        pupil=objects["pupil"],
        requester_name="A Parent",
        relationship="parent",
        received_on=date(2026, 11, 2),
        due_on=date(2026, 12, 2),
        created_by=head,
    )
    return {"sar": sar.code}
