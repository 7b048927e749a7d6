"""What each role may do (`/staff/roles/`): the headteacher fits the roles; headteachers and DSLs approve."""

from tests.matrix import POST_ONLY, statuses

ROWS = [
    ("pastoral:role_permissions", (), statuses(302, 403, 403, 403, 200, 403, 403)),
    ("pastoral:role_permission_approve", ("pending_role_change",), POST_ONLY),
    ("pastoral:role_permission_decline", ("pending_role_change",), POST_ONLY),
]

KWARG_NAMES = {"pending_role_change": "change_code"}


def build(objects, request):
    from pastoral.accounts.roles import Role
    from pastoral.roleperms import services

    headteacher = request.getfixturevalue("headteacher")
    [change] = services.role_permissions_change(
        actor=headteacher, school=objects["school"], changes=[(Role.TEACHER, "behaviour.view_analytics", True)]
    )
    return {"pending_role_change": change.code}
