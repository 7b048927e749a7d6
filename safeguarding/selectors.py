"""Reads for safeguarding: one `<thing>_visible_to(user)` per model, used by every list, search, export and task.

Who reads what:
- DSL, deputy DSL, trust DSL and headteacher hold `safeguarding.view_concerns`: every concern of the school.
- A named member of staff the DSL shared one concern with (guardian `read_concern`): that concern only,
  while they still hold a role in its school.
- The reporter: a receipt (received, by whom), never the case work.
- Everyone else, the IT admin and a superuser with no role: nothing.
"""

import datetime

from django.db.models import Q

from pastoral.accounts import access
from pastoral.accounts.permissions import objects_granted_to
from pastoral.calendar.school_days import CalendarError, SchoolCalendar
from pastoral.models import AuditEntry, Pupil

from .models import (
    Concern,
    ConcernCategory,
    ExpectedFile,
    FileTransfer,
    IncomingFile,
    Notification,
    Referral,
)

VIEW = "safeguarding.view_concerns"
MANAGE = "safeguarding.manage_concerns"
RAISE = "safeguarding.raise_concern"
MARKER = "safeguarding.see_record_marker"


def concerns_visible_to(user):
    """Concerns the user may read in full."""
    schools = access.schools_with_perm(user, VIEW)
    # A share counts only while the grantee still reads pupils in that school (so never for an IT admin).
    # A share in a school whose concerns the user reads anyway adds nothing, so it is looked for only elsewhere:
    # for a DSL the whole selector is then one indexed filter instead of four permission subqueries.
    share_schools = [s for s in access.schools_with_perm(user, "pastoral.view_pupil") if s not in schools]
    if not share_schools:
        return Concern.objects.filter(school_id__in=schools)
    granted = objects_granted_to(user, "safeguarding.read_concern", Concern.objects.filter(school_id__in=share_schools))
    return Concern.objects.filter(Q(school_id__in=schools) | Q(pk__in=granted.values("pk")))


def receipts_visible_to(user):
    """The reporter's own concerns, for the receipt page only (never the case work)."""
    return Concern.objects.filter(reporter=user, school_id__in=access.schools_with_perm(user, RAISE))


def referrals_visible_to(user):
    return Referral.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def transfers_visible_to(user):
    return FileTransfer.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def incoming_files_visible_to(user):
    return IncomingFile.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def notifications_for(user):
    """A notification leads only to a concern the recipient may still read."""
    return Notification.objects.filter(recipient=user, concern__in=concerns_visible_to(user))


def categories_for(school, *, active_only=False):
    categories = ConcernCategory.objects.filter(school=school)
    return categories.filter(active=True) if active_only else categories


def get_concern_for_user(user, code):
    """The concern, or 403 to its school's staff who may not read it and 404 to everyone else."""
    concern = Concern.objects.select_related("school", "category", "reporter", "owner", "closed_by").filter(code=code)
    concern = concern.first()
    if concern is not None and concerns_visible_to(user).filter(pk=concern.pk).exists():
        return concern
    known = concern is not None and access.is_member_of(user, concern.school_id)
    access.refuse(user, concern, code, "safeguarding.concern.refused", allowed_to_know=known, noun="concern")


def can_manage(user, concern):
    return access.has_school_perm(user, concern.school_id, MANAGE)


def can_read_all(user, school_id):
    return access.has_school_perm(user, school_id, VIEW)


def get_receipt_for_user(user, code):
    concern = Concern.objects.select_related("school", "reporter").filter(code=code).first()
    if concern is not None and receipts_visible_to(user).filter(pk=concern.pk).exists():
        return concern
    known = concern is not None and access.is_member_of(user, concern.school_id)
    access.refuse(user, concern, code, "safeguarding.receipt.refused", allowed_to_know=known, noun="concern")


def get_referral_for_user(user, code):
    referrals = Referral.objects.select_related("school", "concern", "pupil", "made_by")
    return access.get_or_refuse(referrals, user, code, VIEW, "referral", refused="safeguarding.referral.refused")


def get_transfer_for_user(user, code):
    transfers = FileTransfer.objects.select_related("school", "pupil", "created_by", "sent_by")
    return access.get_or_refuse(transfers, user, code, VIEW, "transfer", refused="safeguarding.transfer.refused")


def expected_files_visible_to(user):
    return ExpectedFile.objects.filter(school_id__in=access.schools_with_perm(user, VIEW))


def open_expected(expected):
    """Of `expected`, those still waiting: neither received nor closed."""
    return expected.filter(received__isnull=True, closed_at__isnull=True)


def get_expected_for_user(user, code):
    expected = ExpectedFile.objects.select_related("school", "pupil")
    return access.get_or_refuse(expected, user, code, VIEW, "expected file", refused="safeguarding.incoming.refused")


def get_incoming_for_user(user, code):
    files = IncomingFile.objects.select_related("school", "pupil")
    return access.get_or_refuse(files, user, code, VIEW, "file", refused="safeguarding.incoming.refused")


def get_safeguarding_pupil(user, code):
    """A pupil for the safeguarding chronology: 404 outside the user's schools, 403 without the role."""
    pupils = Pupil.objects.select_related("school")
    return access.get_or_refuse(pupils, user, code, VIEW, "pupil", refused="safeguarding.chronology.refused")


def viewers_of(concern):
    """Every recorded read of the concern, newest first."""
    from django.contrib.contenttypes.models import ContentType

    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Concern),
            object_id=str(concern.pk),
            action__in=["safeguarding.concern.viewed", "safeguarding.attachment.viewed"],
        )
        .select_related("actor")
        .order_by("-at")
    )


# --- School days, for CP-file transfer deadlines -------------------------------------------------


def transfer_due_by(school, leave_date, kind, *, calendar=None):
    """In-year: 5 school days after the leaving date. New term: the 5th school day of the next term.

    School days come from the school's terms and closures (half terms, INSET days,
    bank holidays); with no term dates set, every weekday that is not a closure counts.
    """
    if calendar is None:
        calendar = SchoolCalendar.dates_for_school(school, weekdays_without_terms=True)
    if kind == FileTransfer.Kind.NEW_TERM:
        following = [term for term in calendar.terms if term.start > leave_date]
        if following:
            return _fifth_school_day_after(calendar, following[0].start - datetime.timedelta(days=1))
    return _fifth_school_day_after(calendar, leave_date)


def _fifth_school_day_after(calendar, day):
    try:
        return calendar.add_school_days(day, 5)
    except CalendarError:
        # The term dates run out: count weekdays (less closures) beyond them rather than refuse.
        return SchoolCalendar([], calendar.closures, weekdays_without_terms=True).add_school_days(day, 5)
