"""Rows of the permission matrix, one module per duty area (see tests/test_permission_matrix.py)."""

ROLES = ["anonymous", "teacher", "pastoral_staff", "dsl", "headteacher", "it_admin", "other_school_dsl"]


def statuses(anonymous, teacher, pastoral_staff, dsl, headteacher, it_admin, other_school_dsl):
    values = [anonymous, teacher, pastoral_staff, dsl, headteacher, it_admin, other_school_dsl]
    return dict(zip(ROLES, values, strict=True))


POST_ONLY = statuses(302, 405, 405, 405, 405, 405, 405)
