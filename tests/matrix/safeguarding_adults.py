"""Concerns and allegations about adults: any member of staff raises one and sees its receipt; only the headteacher
(the case manager) reads and works cases. The DSL here has not been given shared case management (the school
setting is off), so it is refused like everyone else; another school's DSL never learns a case exists."""

import datetime
import uuid

from safeguarding.adults import services
from tests.matrix import POST_ONLY, statuses

RAISERS = statuses(302, 200, 200, 200, 200, 200, 200)
RECEIPT = statuses(302, 200, 403, 403, 403, 403, 404)
MANAGER = statuses(302, 403, 403, 403, 200, 403, 403)
CASE = statuses(302, 403, 403, 403, 200, 403, 404)
C = ("adult_case",)
ROWS = [
    ("safeguarding:adult_raise", (), RAISERS),
    ("safeguarding:adult_receipt", C, RECEIPT),
    ("safeguarding:adult_case_list", (), MANAGER),
    ("safeguarding:adult_patterns", (), MANAGER),
    ("safeguarding:adult_review", (), POST_ONLY),
    ("safeguarding:adult_settings", (), MANAGER),
    ("safeguarding:adult_case_detail", C, CASE),
    ("safeguarding:adult_lado", C, POST_ONLY),
    ("safeguarding:adult_strategy", C, POST_ONLY),
    ("safeguarding:adult_suspension", C, POST_ONLY),
    ("safeguarding:adult_conclude", C, POST_ONLY),
]
KWARG_NAMES = {"adult_case": "code"}


def build(objects, request):
    teacher = request.getfixturevalue("teacher")
    # About a colleague who is in the matrix: the person a case is about is refused it like any other colleague.
    pastoral_staff = request.getfixturevalue("pastoral_staff")
    case = services.adult_case_raise(
        actor=teacher,
        school=objects["school"],
        kind="allegation",
        subject_user=pastoral_staff,
        subject_category="staff",
        behaviour="physical",
        occurred_on=datetime.date.today(),
        account="Grabbed a pupil by the arm",
        submission_key=uuid.uuid4(),
    )
    return {"adult_case": case.code}
