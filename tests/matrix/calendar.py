"""School calendar closures: only those who manage the calendar (headteacher, IT admin) reach them."""

from datetime import date

from pastoral.models import SchoolClosure
from tests.matrix import POST_ONLY, statuses

ROWS = [
    ("pastoral:closure_edit", ("closure",), statuses(302, 403, 403, 403, 200, 200, 403)),
    ("pastoral:closure_remove", ("closure",), POST_ONLY),
    ("pastoral:closure_bank_holidays", ("calendar_year",), POST_ONLY),
]

KWARG_NAMES = {"closure": "closure_code", "calendar_year": "year_code"}


def build(objects, request):
    term = objects["term"]
    closure = SchoolClosure.objects.create(
        school=objects["school"],
        kind=SchoolClosure.Kind.HALF_TERM,
        name="Autumn half term",
        start=date(2026, 10, 26),
        end=date(2026, 10, 30),
    )
    return {"closure": closure.code, "calendar_year": term.academic_year.code}
