"""Roles awaiting approval: headteachers and DSLs approve; the IT admin who grants cannot."""

from pastoral import services
from tests.matrix import POST_ONLY, statuses

ROWS = [
    ("pastoral:role_approvals", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("pastoral:membership_approve", ("pending_membership",), POST_ONLY),
    ("pastoral:membership_decline", ("pending_membership",), POST_ONLY),
]

KWARG_NAMES = {"pending_membership": "membership_code"}


def build(objects, request):
    from pastoral.tests.factories import UserFactory

    it_admin = request.getfixturevalue("it_admin")
    newcomer = UserFactory(username="pending.dsl")
    membership = services.membership_grant(actor=it_admin, user=newcomer, school=objects["school"], role="dsl")
    return {"pending_membership": membership.code}
