"""Behaviour analytics: behaviour leads and trust leaders only; teachers, pastoral staff and IT admins get 403."""

from tests.matrix import statuses

LEADS_ONLY = statuses(302, 403, 403, 200, 200, 403, 200)

ROWS = [
    ("behaviour:analytics", (), LEADS_ONLY),
]

KWARG_NAMES = {}


def build(objects, request):
    return {}
