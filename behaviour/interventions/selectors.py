"""Reads for physical interventions and staff training.

Every list, chart, CSV, dashboard panel, digest and task takes its rows from
`restrictive_interventions_visible_to(user)` or `training_visible_to(user)`.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from pastoral import counting
from pastoral.accounts import access
from pastoral.calendar.school_days import CalendarError, SchoolCalendar

from .models import InterventionTechnique, RestrictiveIntervention, StaffTraining

# Debriefs are due within this many school days after the day of the incident (Monday to Friday without term dates).
DEBRIEF_WORKING_DAYS = 2
EXPIRY_WINDOW_DAYS = 60

StaffInvolved = RestrictiveIntervention.staff_involved.through


def restrictive_interventions_visible_to(user):
    """Leads and the SENCo see their schools' records; other staff only those they recorded or were named in."""
    all_schools = access.schools_with_perm(user, "behaviour.view_intervention")
    # Their own records count only where they do not see every record anyway: for a lead the selector is then one
    # indexed filter, with no subquery to build or plan.
    own_schools = [s for s in access.schools_with_perm(user, "behaviour.record_intervention") if s not in all_schools]
    if not own_schools:
        return RestrictiveIntervention.objects.filter(school_id__in=all_schools)
    named = StaffInvolved.objects.filter(user_id=user.pk).values("restrictiveintervention_id")
    own = Q(school_id__in=own_schools) & (Q(recorded_by_id=user.pk) | Q(pk__in=named))
    return RestrictiveIntervention.objects.filter(Q(school_id__in=all_schools) | own)


def get_intervention_for_user(user, code):
    """The record, or 404 to anyone outside its school, or 403 to its school's staff who may not see it."""
    intervention = (
        RestrictiveIntervention.objects.select_related(
            "pupil",
            "school",
            "event__category",
            "location",
            "technique",
            "recorded_by",
            "parent_reported_by",
            "withhold_decided_by",
            "pupil_debrief_by",
            "staff_debrief_by",
            "reviewed_by",
            "voided_by",
        )
        .filter(code=code)
        .first()
    )
    if intervention is None:
        raise Http404("No such record")
    if restrictive_interventions_visible_to(user).filter(pk=intervention.pk).exists():
        return intervention
    if access.is_member_of(user, intervention.school_id):
        raise PermissionDenied
    raise Http404("No such record")


def can_see_all(user, school):
    return access.has_school_perm(user, school, "behaviour.view_intervention")


def can_review(user, school):
    return access.has_school_perm(user, school, "behaviour.review_intervention")


# -- training ----------------------------------------------------------------


def training_visible_to(user):
    """Training records of the schools where the user may read training, and the user's own."""
    schools = access.schools_with_perm(user, "behaviour.view_training")
    if not user or not user.is_authenticated:
        return StaffTraining.objects.none()
    return StaffTraining.objects.filter(Q(school_id__in=schools) | Q(user_id=user.pk))


def get_training_for_user(user, code):
    record = StaffTraining.objects.select_related("user", "school", "recorded_by").filter(code=code).first()
    if record is None:
        raise Http404("No such training record")
    if training_visible_to(user).filter(pk=record.pk).exists():
        return record
    if access.is_member_of(user, record.school_id):
        raise PermissionDenied
    raise Http404("No such training record")


def in_date_positive_handling(day):
    """Positive-handling training completed on or before `day` and expiring on or after it (expiry day counts)."""
    return StaffTraining.objects.filter(
        voided_at__isnull=True, positive_handling=True, completed_on__lte=day, expires_on__gte=day
    )


def in_date_course_holders(school, user_ids, courses, day):
    """For `pastoral.staff_training`: who among `user_ids` holds in-date training at `school` in one of `courses`."""
    rows = StaffTraining.objects.filter(
        school=school, user_id__in=user_ids, course__in=courses, voided_at__isnull=True, completed_on__lte=day
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    return set(rows.values_list("user_id", flat=True))


def latest_course_records(school, user_ids, courses):
    """For `pastoral.staff_training.latest`: each person's newest live record of each course at `school`."""
    rows = (
        StaffTraining.objects.filter(school=school, user_id__in=user_ids, course__in=courses, voided_at__isnull=True)
        .order_by("user_id", "course", "-completed_on", "-pk")
        .distinct("user_id", "course")
        .values_list("user_id", "course", "completed_on", "expires_on")
    )
    return {(user_id, course): (completed_on, expires_on) for user_id, course, completed_on, expires_on in rows}


def trained_user_ids(user_ids, day):
    return set(in_date_positive_handling(day).filter(user_id__in=user_ids).values_list("user_id", flat=True))


def _untrained_staff():
    """Staff links of an intervention whose person had no in-date positive-handling training that day (used inside
    a query of interventions)."""
    trained = StaffTraining.objects.filter(
        user_id=OuterRef("user_id"),
        voided_at__isnull=True,
        positive_handling=True,
        # The intervention's own date, from the query this one is inside (no join back to the intervention).
        completed_on__lte=OuterRef(OuterRef("occurred_on")),
        expires_on__gte=OuterRef(OuterRef("occurred_on")),
    )
    return StaffInvolved.objects.filter(restrictiveintervention_id=OuterRef("pk")).filter(~Exists(trained))


def with_untrained_count(queryset):
    counts = _untrained_staff().order_by().values("restrictiveintervention_id").annotate(n=Count("pk")).values("n")
    return queryset.annotate(
        untrained_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0)),
    )


def expiring_training(user, school, today=None, days=EXPIRY_WINDOW_DAYS):
    """Current training at the school expiring from today to `days` ahead, inclusive, soonest first."""
    today = today or timezone.localdate()
    return (
        training_visible_to(user)
        .filter(school=school, voided_at__isnull=True, expires_on__gte=today)
        .filter(expires_on__lte=today + datetime.timedelta(days=days))
        .select_related("user")
        .order_by("expires_on", "user__last_name", "user__first_name")
    )


# -- deadlines -----------------------------------------------------------------


def add_working_days(day, count):
    """`count` weekdays after `day`: the count for a school whose calendar has no term dates."""
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def debrief_calendar(school):
    """The school's calendar for debrief deadlines (one query; weekdays count when it has no terms)."""
    return SchoolCalendar.dates_for_school(school, weekdays_without_terms=True)


def debrief_due(occurred_on, calendar=None):
    """`DEBRIEF_WORKING_DAYS` school days after the incident (half terms, INSET days and bank holidays skipped).

    Without a calendar, or beyond the last term it knows, Monday to Friday count.
    """
    if calendar is not None:
        try:
            return calendar.add_school_days(occurred_on, DEBRIEF_WORKING_DAYS)
        except CalendarError:
            pass
    return add_working_days(occurred_on, DEBRIEF_WORKING_DAYS)


def latest_day_with_overdue_debrief(today, calendar=None):
    """The last incident date whose debriefs are overdue today (their due date is before today)."""
    day = today
    while debrief_due(day, calendar) >= today:
        day -= datetime.timedelta(days=1)
    return day


def current(queryset):
    return queryset.filter(voided_at__isnull=True)


def outstanding_parent_report(queryset):
    return queryset.filter(parent_reported_at__isnull=True, withheld=False)


def overdue_debriefs(queryset, today=None, calendar=None):
    cutoff = latest_day_with_overdue_debrief(today or timezone.localdate(), calendar)
    return queryset.filter(occurred_on__lte=cutoff).filter(
        Q(pupil_debrief_on__isnull=True) | Q(staff_debrief_on__isnull=True)
    )


def awaiting_review(queryset):
    return queryset.filter(reviewed_at__isnull=True)


def with_untrained_staff(queryset):
    return queryset.filter(Exists(_untrained_staff()))


FILTERS = {
    "parents": ("Parent report outstanding", outstanding_parent_report),
    "debriefs": ("Debrief overdue", overdue_debriefs),
    "review": ("Awaiting sign-off", awaiting_review),
    "untrained": ("Staff without in-date training", with_untrained_staff),
}


def attention_counts(user, school, today=None, also=None):
    """The counts behind the leads' dashboard panel and digest, with any `also` counts ({name: queryset}), in one
    query."""
    today = today or timezone.localdate()
    records = current(restrictive_interventions_visible_to(user).filter(school=school))
    cutoff = latest_day_with_overdue_debrief(today, debrief_calendar(school))
    return counting.counts(
        parents=records.filter(parent_reported_at__isnull=True, withheld=False),
        debriefs=records.filter(
            Q(occurred_on__lte=cutoff) & (Q(pupil_debrief_on__isnull=True) | Q(staff_debrief_on__isnull=True))
        ),
        review=records.filter(reviewed_at__isnull=True),
        untrained=records.filter(Exists(_untrained_staff())),
        **(also or {}),
    )


def techniques_for(school, *, active_only=False):
    techniques = InterventionTechnique.objects.filter(school=school)
    return techniques.filter(active=True) if active_only else techniques
