"""Reads for suspensions and permanent exclusions, and the statutory rules they are checked against.

The rules (DfE suspension and permanent exclusion guidance, see the README):
- at most 45 school days of suspension per pupil per academic year (exactly 45 is allowed);
- a lunchtime suspension counts as half a day;
- a suspension taking the pupil over 5 school days (10 lunchtimes) in a term, a permanent exclusion,
  or a missed public exam: the governing board is told without delay;
- over 15 days in a term, a permanent exclusion or a missed public exam: the board must meet to
  consider reinstatement within 15 school days;
- over 5 and up to 15 days in a term: the board must consider reinstatement if the parents make
  representations, within 50 school days;
- from the 6th school day, full-time provision (school for suspensions, LA for a permanent exclusion).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from pastoral.accounts import access
from pastoral.calendar.school_days import SchoolCalendar
from pastoral.dates import uk_date
from pastoral.models import Professional

from . import school_days
from .models import GovernorTask, Suspension, SuspensionNotification

YEAR_LIMIT_UNITS = 90  # 45 school days, in half days
TERM_NOTIFY_UNITS = 10  # 5 school days, or 10 lunchtimes
TERM_MEETING_UNITS = 30  # 15 school days
PROVISION_AFTER_UNITS = 10  # provision is due from the 6th school day, i.e. after 5 days (10 half days)
MEETING_WITHIN_DAYS = 15
REPRESENTATIONS_WITHIN_DAYS = 50
R = SuspensionNotification.Recipient


def suspensions_visible_to(user):
    return Suspension.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_suspension"))


def sees_voided(user, school):
    """Voided suspensions stay visible to whoever records or decides them, not to those who only read them."""
    return access.has_school_perm(user, school, "behaviour.record_suspension") or access.has_school_perm(
        user, school, "behaviour.decide_suspension"
    )


def governor_tasks_visible_to(user):
    return GovernorTask.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_suspension"))


def get_suspension_for_user(user, code):
    """The suspension, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    suspensions = Suspension.objects.select_related("pupil", "school", "recorded_by", "decided_by", "voided_by")
    return access.get_or_refuse(suspensions, user, code, "behaviour.view_suspension", "suspension")


def terms_of(school):
    """The school's calendar (terms and closures, two queries); it iterates as the ordered list of terms."""
    return SchoolCalendar.for_school(school)


def covered_slots(suspension, terms):
    """The half-day slots a suspension covers; none for a permanent exclusion. A cancelled suspension covers only
    the slots before the pupil came back."""
    if suspension.kind == Suspension.Kind.PERMANENT or not suspension.length_units:
        return []
    covered = school_days.slots(
        suspension.start_date,
        suspension.start_session,
        suspension.length_units,
        terms,
        lunchtime=suspension.kind == Suspension.Kind.LUNCHTIME,
    )
    if suspension.cancelled_at and suspension.returns_on:
        back = (suspension.returns_on, suspension.returns_session)
        covered = [slot for slot in covered if _slot_order(slot) < _slot_order(back)]
    return covered


def _slot_order(slot):
    day, session = slot
    # A lunchtime sits between the morning and the afternoon.
    return (day, {school_days.AM: 0, school_days.LUNCH: 1, school_days.PM: 2}.get(session, 0))


def required_recipients(pupil, on=None):
    """[(recipient, why)] who must be told about this pupil's suspension or exclusion."""
    on = on or timezone.localdate()
    kinds = set(
        Professional.objects.filter(
            pupil=pupil, kind__in=[Professional.Kind.SOCIAL_WORKER, Professional.Kind.VIRTUAL_SCHOOL]
        )
        .filter(Q(involved_until__isnull=True) | Q(involved_until__gte=on))
        .values_list("kind", flat=True)
    )
    required = [(R.PARENTS, "Always, without delay"), (R.LOCAL_AUTHORITY, "Every suspension and exclusion")]
    has_social_worker = (
        pupil.looked_after
        or pupil.child_in_need
        or pupil.child_protection_plan
        or Professional.Kind.SOCIAL_WORKER in kinds
    )
    if has_social_worker:
        required.append((R.SOCIAL_WORKER, "The pupil has a social worker"))
    if pupil.looked_after or Professional.Kind.VIRTUAL_SCHOOL in kinds:
        required.append((R.VIRTUAL_SCHOOL, "The pupil is looked after"))
    return required


# Recipients without whose notification the decision cannot be finalised (the rule).
BLOCKING_RECIPIENTS = {R.SOCIAL_WORKER, R.VIRTUAL_SCHOOL}


@dataclass
class TermTotal:
    term: object
    before: int
    after: int

    @property
    def before_days(self):
        return school_days.as_days(self.before)

    @property
    def after_days(self):
        return school_days.as_days(self.after)


@dataclass
class Assessment:
    """What the rules say about one suspension, against the pupil's other finalised ones."""

    end_date: datetime.date | None = None
    day6: datetime.date | None = None
    terms: list = field(default_factory=list)  # [TermTotal]
    year_units: int = 0
    year_name: str = ""
    problems: list = field(default_factory=list)  # refusals, clear sentences
    deadline_problems: list = field(default_factory=list)  # only block the decision, not a draft
    tasks: list = field(default_factory=list)  # [(GovernorTask.Kind, reason, due_on)]
    required: list = field(default_factory=list)  # [(recipient, why, notified)]

    @property
    def year_days(self):
        return school_days.as_days(self.year_units)

    @property
    def needs_provision(self):
        return self.day6 is not None


def _other_slots(suspension, terms):
    others = (
        Suspension.objects.filter(
            pupil_id=suspension.pupil_id,
            status=Suspension.Status.FINALISED,
            voided_at__isnull=True,
            kind__in=[Suspension.Kind.SUSPENSION, Suspension.Kind.LUNCHTIME],
        )
        .exclude(pk=suspension.pk)
        .order_by("start_date")
    )
    covered = []
    for other in others:
        try:
            covered += covered_slots(other, terms)
        except school_days.CalendarError:
            continue  # a calendar edited after the decision; that suspension cannot be counted by term
    return covered


def assess(suspension, *, decided_on=None, terms=None, notified=None):
    """Apply the rules; `decided_on` (default today) is the day the deadlines count from."""
    decided_on = decided_on or timezone.localdate()
    terms = terms if terms is not None else terms_of(suspension.school)
    result = Assessment()
    pupil = suspension.pupil
    if not terms:
        result.problems.append("Set the school's term dates first: school days are counted from the calendar.")
        return result
    try:
        mine = covered_slots(suspension, terms)
    except school_days.CalendarError as exc:
        result.problems.append(str(exc))
        return result
    if suspension.kind == Suspension.Kind.PERMANENT and not school_days.is_school_day(suspension.start_date, terms):
        result.problems.append("The start date is not a school day (a weekend, a holiday or outside the term dates).")
        return result
    if mine:
        result.end_date = mine[-1][0]
    others = _other_slots(suspension, terms)
    before_terms = school_days.units_by_term(others, terms)
    mine_terms = school_days.units_by_term(mine, terms)
    for term in terms:
        if term in mine_terms:
            before = before_terms.get(term, 0)
            result.terms.append(TermTotal(term, before, before + mine_terms[term]))
    before_years = school_days.units_by_year(others, terms)
    mine_years = school_days.units_by_year(mine, terms)
    names = {term.academic_year_id: term.academic_year.name for term in terms}
    start_term = next((t for t in terms if t.start <= suspension.start_date <= t.end), None)
    year_ids = list(mine_years) or ([start_term.academic_year_id] if start_term else [])
    for year_id in year_ids:
        total = before_years.get(year_id, 0) + mine_years.get(year_id, 0)
        if total >= result.year_units:
            result.year_units, result.year_name = total, names[year_id]
        if total > YEAR_LIMIT_UNITS:
            result.problems.append(
                f"This would take {pupil.display_name} to {school_days.format_days(total)} of suspension in "
                f"{names[year_id]}. The legal maximum is 45 school days in an academic year "
                f"({school_days.format_days(before_years.get(year_id, 0))} already)."
            )
    # Provision from the 6th school day: only a suspension of more than 5 days (10 half days) reaches it,
    # so 5 days from an afternoon, which touches 6 dates, does not.
    if suspension.kind == Suspension.Kind.SUSPENSION and len(mine) > PROVISION_AFTER_UNITS:
        result.day6 = mine[PROVISION_AFTER_UNITS][0]
    elif suspension.kind == Suspension.Kind.PERMANENT:
        try:
            result.day6 = school_days.add_school_days(suspension.start_date, 5, terms)
        except school_days.CalendarError:
            result.day6 = None
    result.tasks = _governor_tasks(suspension, result, decided_on, terms)
    if notified is None:
        notified = set(suspension.notifications.values_list("recipient", flat=True)) if suspension.pk else set()
    result.required = [(who, why, who in notified) for who, why in required_recipients(pupil, decided_on)]
    return result


def _governor_tasks(suspension, result, decided_on, terms):
    reasons_meeting, reasons_notify = [], []
    representations = None
    if suspension.kind == Suspension.Kind.PERMANENT:
        reasons_meeting.append("permanent exclusion")
    if suspension.misses_public_exam:
        reasons_meeting.append("the pupil will miss a public exam or national curriculum test")
    for total in result.terms:
        label = f"{school_days.format_days(total.after)} in {total.term.name} {total.term.academic_year.name}"
        if total.after > TERM_MEETING_UNITS:
            reasons_meeting.append(f"over 15 school days in a term ({label})")
        elif total.after > TERM_NOTIFY_UNITS:
            reasons_notify.append(f"over 5 school days in a term ({label})")
            representations = label
    tasks = []
    try:
        if reasons_meeting or reasons_notify:
            tasks.append((GovernorTask.Kind.NOTIFY, "; ".join(reasons_meeting + reasons_notify), decided_on))
        if reasons_meeting:
            due = school_days.add_school_days(decided_on, MEETING_WITHIN_DAYS, terms)
            tasks.append((GovernorTask.Kind.REINSTATEMENT_MEETING, "; ".join(reasons_meeting), due))
        elif representations:
            due = school_days.add_school_days(decided_on, REPRESENTATIONS_WITHIN_DAYS, terms)
            tasks.append(
                (
                    GovernorTask.Kind.REPRESENTATIONS,
                    f"over 5 and up to 15 school days in a term ({representations})",
                    due,
                )
            )
    except school_days.CalendarError:
        result.deadline_problems.append(
            "The school calendar does not reach far enough to set the governors' deadline: add the next term's dates."
        )
    return [(kind, reason[:200], due) for kind, reason, due in tasks]


def open_governor_tasks(user, school):
    return (
        governor_tasks_visible_to(user)
        .filter(school=school, done_at__isnull=True, suspension__voided_at__isnull=True)
        .select_related("suspension__pupil")
        .order_by("due_on", "pk")
    )


def finalise_blockers(suspension, assessment, reason_count=None):
    """Every reason the headteacher cannot finalise this decision yet, as sentences."""
    problems = assessment.problems + assessment.deadline_problems
    count = reason_count if reason_count is not None else suspension.reasons.count()
    if not 1 <= count <= 3:
        problems.append("Choose one to three reasons from the DfE list.")
    if suspension.kind != Suspension.Kind.LUNCHTIME and not suspension.work_set.strip():
        problems.append("Record the work set for days 1–5 and who arranges it.")
    if (
        suspension.kind == Suspension.Kind.SUSPENSION
        and assessment.needs_provision
        and not suspension.provision.strip()
    ):
        problems.append(
            f"This suspension runs past 5 school days: record the full-time provision from day 6 "
            f"({uk_date(assessment.day6)}) and who arranges it."
        )
    if suspension.misses_public_exam and not suspension.exam_details.strip():
        problems.append("Say which public exam or test the pupil will miss, and when.")
    for who, _why, notified in assessment.required:
        if who in BLOCKING_RECIPIENTS and not notified:
            problems.append(
                f"Record the notification to the {R(who).label.lower()} first: it is required for this pupil."
            )
    return problems


def suspension_incidents(user, suspension):
    from ..events.selectors import events_visible_to

    return list(
        events_visible_to(user).filter(suspensions=suspension).select_related("category").order_by("occurred_at")
    )
