"""The trust leader's Schools pages: nobody in the matrix leads a trust, so all are refused."""

from tests.matrix import statuses

TRUST_LEADERS_ONLY = statuses(302, 403, 403, 403, 403, 403, 403)

ROWS = [
    ("pastoral:trust_schools", (), TRUST_LEADERS_ONLY),
    ("pastoral:school_add", (), TRUST_LEADERS_ONLY),
]

KWARG_NAMES = {}


def build(objects, request):
    return {}
