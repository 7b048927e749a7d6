"""What the behaviour sub-areas' services share: permission and pupil checks, history values, and one record
per submitted form."""

import datetime

from django.db import IntegrityError

from pastoral.accounts import access
from pastoral.dates import uk_datetime, uk_time
from pastoral.exceptions import PastoralError
from pastoral.selectors import pupils_visible_to


def _require(actor, school, perm):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _is_lead(user, school):
    # Leads (headteacher, pastoral lead, DSL and deputy) are the roles that may void behaviour records.
    return access.has_school_perm(user, school, "behaviour.void_event")


def _require_pupils(actor, school, pupils):
    """Services re-check what the forms offered: every pupil must be one this actor sees, at this school."""
    ids = {pupil.pk for pupil in pupils}
    if pupils_visible_to(actor).filter(school=school, pk__in=ids).count() != len(ids):
        raise PastoralError("Every pupil must be one of this school's pupils that you can see.")


def _display(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return uk_datetime(value)
    if isinstance(value, datetime.time):
        return uk_time(value)
    return str(value)


def _once(model, *, actor, submission_key, create, by="recorded_by"):
    """create() unless this form's submission key already made a record; a racing copy gets the first one's.

    `by` names the field holding who made the record, so one person's key never finds another's record.
    """

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
