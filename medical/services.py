"""What the medical sub-areas' services share: permission checks, audited reads and one record per form."""

from django.db import IntegrityError, transaction

from pastoral import audit
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.selectors import pupils_visible_to

from .selectors import RECORD


def require(actor, school, perm=RECORD):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def require_pupil(actor, school, pupil):
    if pupil.school_id != getattr(school, "pk", school) or not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PastoralError("Choose a pupil of this school that you can see.")


def record_read(*, actor, action, obj=None, pupil=None, school=None, data=None):
    """Every read of a medical record is written to the audit log, like safeguarding reads."""
    with transaction.atomic():
        return audit.record(action, actor=actor, obj=obj, pupil=pupil, school=school, data=data)


def once(model, *, actor, submission_key, create, by="recorded_by"):
    """create() unless this form's submission key already made a record (a double submit makes one record)."""

    def earlier():
        if submission_key is None:
            return None
        return model.objects.filter(submission_key=submission_key, **{by: actor}).first()

    existing = earlier()
    if existing is not None:
        return existing
    try:
        return create()
    except IntegrityError:
        existing = earlier()
        if existing is None:
            raise
        return existing
