"""The pickers' search endpoints: anyone who reads pupils (pupils, staff), or records behaviour (incidents),
in their own current school; the IT admin never. A DSL of another school searches only their own school."""

from tests.matrix import statuses

SEARCH = statuses(302, 200, 200, 200, 200, 403, 200)

ROWS = [
    ("pastoral:pupil_picker", (), SEARCH),
    ("pastoral:staff_picker", (), SEARCH),
    ("behaviour:incident_picker", (), SEARCH),
]

KWARG_NAMES = {}


def build(objects, request):
    return {}
