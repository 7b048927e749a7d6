"""The termly report form: headteachers (and trust leaders) only; everyone else with a role gets 403."""

from tests.matrix import statuses

ROWS = [
    ("pastoral:termly_report", (), statuses(302, 403, 403, 403, 200, 403, 403)),
]

KWARG_NAMES = {}


def build(objects, request):
    return {}
