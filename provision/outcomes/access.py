"""Who reads and records a pupil's outcome measures and pupil voice (docs/outcome-measures.md, "Who sees what").

- The pastoral lead, pastoral staff, SENCo, DSL and deputy DSL read and record them for every pupil of their school
  (`provision.view_outcomes`, `provision.record_outcomes`).
- A pupil's keyworkers read and record them for that pupil: the keywork area adds its caseload here with
  `add_pupil_scope(scope)`, where scope(user) returns a queryset of pupil ids (`.values("pk")`) or None.
- The SENCo, pastoral lead, DSL and deputy DSL request the annual-review pack (`provision.request_review_pack`).
- The headteacher and trust leaders see counts only, in the termly report (`provision.view_outcome_counts`).
- Teachers, first aiders, AP coordinators and IT admins see none of it.
"""

from django.db.models import Q

from pastoral.accounts import access
from pastoral.models import Pupil

VIEW = "provision.view_outcomes"
RECORD = "provision.record_outcomes"
COUNTS = "provision.view_outcome_counts"
PACK = "provision.request_review_pack"

_PUPIL_SCOPES = []


def add_pupil_scope(scope):
    """scope(user) → a queryset of the pupil ids the user may read and record outcomes for, or None."""
    _PUPIL_SCOPES.append(scope)


def pupil_condition(user, pupil_field="pupil"):
    """Q for the rows (or, with pupil_field="", the pupils) whose outcomes and voice `user` reads."""
    prefix = f"{pupil_field}__" if pupil_field else ""
    condition = Q(**{f"{prefix}school_id__in": access.schools_with_perm(user, VIEW)})
    for scope in _PUPIL_SCOPES:
        ids = scope(user)
        if ids is not None:
            condition |= Q(**{f"{prefix}pk__in": ids})
    return condition


def readable_pupils(user):
    return Pupil.objects.filter(pupil_condition(user, ""))


def can_read_any(user):
    return bool(access.schools_with_perm(user, VIEW)) or any(scope(user) is not None for scope in _PUPIL_SCOPES)


def can_read(user, pupil):
    return access.has_school_perm(user, pupil.school_id, VIEW) or _in_scope(user, pupil)


def can_record(user, pupil):
    return access.has_school_perm(user, pupil.school_id, RECORD) or _in_scope(user, pupil)


def _in_scope(user, pupil):
    for scope in _PUPIL_SCOPES:
        ids = scope(user)
        if ids is not None and Pupil.objects.filter(pk=pupil.pk, pk__in=ids).exists():
            return True
    return False


def get_pupil(user, code, *, write=False):
    """The pupil, 404 to anyone outside its school, 403 to its staff who may not read (or record) outcomes."""
    pupil = Pupil.objects.select_related("school").filter(code=code).first()
    if pupil is not None and (can_record(user, pupil) if write else can_read(user, pupil)):
        return pupil
    access.refuse(
        user,
        pupil,
        code,
        "provision.outcomes.refused",
        allowed_to_know=pupil is not None and access.is_member_of(user, pupil.school_id),
        noun="pupil",
    )
