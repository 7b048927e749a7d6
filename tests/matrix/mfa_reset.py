"""Two-factor resets for safeguarding staff: headteachers and DSLs approve; the IT admin who asks cannot."""

from pastoral import services
from tests.matrix import POST_ONLY

ROWS = [
    ("pastoral:mfa_reset_approve", ("mfa_reset",), POST_ONLY),
    ("pastoral:mfa_reset_decline", ("mfa_reset",), POST_ONLY),
]

KWARG_NAMES = {"mfa_reset": "reset_code"}


def build(objects, request):
    from conftest import make_staff
    from pastoral.accounts.roles import Role

    it_admin = request.getfixturevalue("it_admin")
    deputy = make_staff(objects["school"], Role.DEPUTY_DSL, "matrix.deputy")
    reset = services.staff_reset_mfa(actor=it_admin, user=deputy, school=objects["school"], reason="Lost phone")
    return {"mfa_reset": reset.code}
