"""The DSL's dashboard, and the safeguarding panel on the home page. A fixed number of queries, whatever the rows."""

from django.db.models import Count, Q
from django.utils import timezone

from pastoral import audit, counting
from pastoral.accounts import access
from pastoral.dashboard import Panel
from pastoral.dates import uk_date
from pastoral.files import charts
from pastoral.models import AuditEntry, School
from pastoral.paper.selectors import known_at as paper_known_at
from pastoral.selectors import on_roll, pupils_visible_to

from . import escalation, selectors
from .adults.apps import AUDIT_PREFIX as ADULT_ACTIONS
from .models import CaseAction, Concern

# Opening a list is audited but is noise in the dashboard's recent activity.
LIST_READS = ["safeguarding.concerns.listed", "safeguarding.referrals.listed", "safeguarding.transfers.listed"]


def _term_start(school, today):
    term = school.current_term(today)
    if term is not None:
        return term.start
    return today.replace(month=9, day=1) if today.month >= 9 else today.replace(year=today.year - 1, month=9, day=1)


def dashboard_context(user, school, school_ids):
    today = timezone.localdate()
    concerns = selectors.concerns_visible_to(user).filter(school_id__in=school_ids)
    open_concerns = concerns.exclude(status=Concern.Status.CLOSED)
    new = list(
        open_concerns.filter(Q(status=Concern.Status.NEW) | Q(owner__isnull=True))
        .select_related("category", "reporter", "school")
        .prefetch_related("pupils")
        .annotate(known_at=paper_known_at(Concern, "reported_at"))
        .order_by("-urgent", "reported_at")[:50]
    )
    _mark_waiting(new)
    by_owner = list(
        open_concerns.filter(owner__isnull=False)
        .values("owner__first_name", "owner__last_name")
        .annotate(total=Count("id"), urgent=Count("id", filter=Q(urgent=True)))
        .order_by("owner__last_name")
    )
    overdue_actions = list(
        CaseAction.objects.filter(concern__in=open_concerns, done_at__isnull=True, due_on__lt=today)
        .select_related("owner", "concern")
        .prefetch_related("concern__pupils")
        .order_by("due_on")[:50]
    )
    overdue_referrals = list(
        selectors.referrals_visible_to(user)
        .filter(school_id__in=school_ids, outcome="", follow_up_due__lt=today)
        .select_related("pupil", "concern")
        .order_by("follow_up_due")[:50]
    )
    pupils = on_roll(pupils_visible_to(user).filter(school_id__in=school_ids))
    flagged = list(
        pupils.filter(Q(child_protection_plan=True) | Q(child_in_need=True) | Q(looked_after=True)).order_by(
            "legal_last_name", "legal_first_name"
        )[:100]
    )
    transfers = list(
        selectors.transfers_visible_to(user)
        .filter(school_id__in=school_ids, receipt_confirmed_on__isnull=True, destination_unknown=False)
        .select_related("pupil")
        .order_by("due_by")[:50]
    )
    recent = list(
        AuditEntry.objects.filter(school_id__in=school_ids, action__startswith="safeguarding.")
        .exclude(action__in=[*LIST_READS, "safeguarding.dashboard.viewed", "safeguarding.concern.emailed"])
        # Cases about adults are the case manager's alone: not even the fact of one shows to the DSL team.
        .exclude(action__startswith=ADULT_ACTIONS)
        .select_related("actor")
        .order_by("-at")[:15]
    )
    start = _term_start(school, today)
    counts = list(
        concerns.filter(reported_at__date__gte=start)
        .values("category__name")
        .annotate(total=Count("id"))
        .order_by("-total", "category__name")
    )
    chart = charts.bar_chart(
        f"Concerns by category since {uk_date(start)}", [(row["category__name"], row["total"]) for row in counts]
    )
    return {
        "school": school,
        "multi_school": len(school_ids) > 1,
        "schools": School.objects.filter(id__in=school_ids) if len(school_ids) > 1 else [school],
        "new": new,
        "by_owner": by_owner,
        "overdue_actions": overdue_actions,
        "overdue_referrals": overdue_referrals,
        "flagged": flagged,
        "transfers": transfers,
        "recent": [(entry, audit.ACTIONS.get(entry.action, entry.action)) for entry in recent],
        "chart": chart,
        "today": today,
        "can_manage": access.has_school_perm(user, school, selectors.MANAGE),
    }


def _mark_waiting(concerns):
    """Each concern's age, and `waiting` when it is still unassigned a school day after it was raised. The age
    counts from the time it was reported (on paper, if it was written on a paper form); `waiting` counts from
    when the team could first know of it (`known_at`: for a paper form, when it was entered)."""
    now = timezone.now()
    cutoffs = {}
    for concern in concerns:
        if concern.school_id not in cutoffs:
            cutoffs[concern.school_id] = escalation.unassigned_cutoff(concern.school_id)
        cutoff = cutoffs[concern.school_id]
        concern.age = escalation.age_label(concern.reported_at, now)
        known_at = getattr(concern, "known_at", None) or concern.reported_at
        concern.waiting = concern.owner_id is None and cutoff is not None and known_at < cutoff


def overdue_counts(user, school, also=None):
    """How many referrals, CP-file transfers and actions are past their date, read through the user's selectors
    (one query for them all, with any `also` counts: {name: queryset})."""
    today = timezone.localdate()
    open_concerns = selectors.concerns_visible_to(user).filter(school=school).exclude(status=Concern.Status.CLOSED)
    querysets = {
        "referrals": selectors.referrals_visible_to(user).filter(school=school, outcome="", follow_up_due__lt=today),
        "transfers": selectors.transfers_visible_to(user).filter(
            school=school, sent_at__isnull=True, destination_unknown=False, due_by__lt=today
        ),
        "actions": CaseAction.objects.filter(concern__in=open_concerns, done_at__isnull=True, due_on__lt=today),
        "expected": selectors.open_expected(selectors.expected_files_visible_to(user)).filter(
            school=school, expected_by__lt=today
        ),
    }
    cutoff = escalation.unassigned_cutoff(school)
    if cutoff is not None:
        # A concern written on paper is waiting from when it was entered: the team could not know before.
        querysets["unassigned"] = (
            open_concerns.filter(owner__isnull=True, reported_at__lt=cutoff)
            .annotate(known_at=paper_known_at(Concern, "reported_at"))
            .filter(known_at__lt=cutoff)
        )
    return {"unassigned": 0, **counting.counts(**querysets, **(also or {}))}


def safeguarding_panel(request, school):
    """Unread concern notifications, and the count of new concerns, for those who read concerns."""
    user = request.user
    if not access.has_school_perm(user, school, selectors.VIEW):
        return None
    unread = list(
        selectors.notifications_for(user)
        .filter(read_at__isnull=True, concern__school=school)
        .select_related("concern")
        .prefetch_related("concern__pupils")
        .order_by("-concern__urgent", "-created_at")[:10]
    )
    new = selectors.concerns_visible_to(user).filter(school=school, status=Concern.Status.NEW)
    overdue = overdue_counts(user, school, also={"new_count": new, "urgent_count": new.filter(urgent=True)})
    counts = {name: overdue.pop(name) for name in ("new_count", "urgent_count")}
    context = {"unread": unread, **counts, "overdue": overdue}
    return Panel("Safeguarding", "safeguarding/_home_panel.html", context)
