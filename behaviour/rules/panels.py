"""Home dashboard panels: the rule alerts a member of staff was told of, and their tasks from behaviour rules."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pastoral import dashboard
from pastoral.accounts import access

from .models import BehaviourRuleHit, BehaviourRuleLetter
from .selectors import MANAGE, hits_visible_to, open_tasks_of

PANEL_ROWS = 5
# Managers of the rules see the school's alerts of the last fortnight; those told, theirs until they open them.
RECENT = datetime.timedelta(days=14)


def _shown(hits, user, manager):
    if manager:
        return hits.filter(fired_at__gte=timezone.now() - RECENT)
    return hits.filter(recipients__user=user, recipients__seen_at__isnull=True)


def _unsent_letters(hits):
    return BehaviourRuleLetter.objects.filter(hit__in=hits, sent_at__isnull=True)


def rule_alerts_probe(request, school):
    """The school's recent alerts and unsent letters (managers), or the alerts the viewer was told of and has not
    opened, before asking which of them the viewer may read."""
    user = request.user
    if school is None or not access.has_school_perm(user, school, "behaviour.view_event"):
        return None
    hits = BehaviourRuleHit.objects.filter(school=school)
    if access.has_school_perm(user, school, MANAGE):
        # The second is read by the panel through dashboard.probe_found(..., 1).
        return [_shown(hits, user, True), _unsent_letters(hits)]
    return _shown(hits, user, False)


def rule_alerts_panel(request, school):
    """The alerts the viewer was told of and has not opened (managers of rules: the school's of the last
    fortnight), newest first, and for managers the letters waiting to be sent."""
    user = request.user
    if school is None or not access.has_school_perm(user, school, "behaviour.view_event"):
        return None
    visible = hits_visible_to(user).filter(school=school)
    manager = access.has_school_perm(user, school, MANAGE)
    shown = _shown(visible, user, manager)
    rows = list(shown.select_related("pupil", "rule").order_by("-fired_at", "-pk")[: PANEL_ROWS + 1])
    # The probe asked whether the school has any unsent letter at all: without one there is nothing to count.
    found = dashboard.probe_found(request, "behaviour_rule_alerts", 1)
    waiting = _unsent_letters(visible).count() if manager and found else 0
    if not rows and not waiting:
        return None
    return dashboard.Panel(
        "Behaviour rule alerts",
        "behaviour/rules/_alerts_panel.html",
        {
            "rows": rows[:PANEL_ROWS],
            "more": len(rows) > PANEL_ROWS,
            "letters": waiting,
            "url": reverse("behaviour:rule_alerts"),
        },
    )


def rule_tasks_probe(request, school):
    if school is None or not access.has_school_perm(request.user, school, "behaviour.view_event"):
        return None
    return open_tasks_of(request.user, school)


def rule_tasks_panel(request, school):
    user = request.user
    if school is None or not access.has_school_perm(user, school, "behaviour.view_event"):
        return None
    tasks = list(open_tasks_of(user, school).select_related("hit__pupil").order_by("due_on", "pk")[: PANEL_ROWS + 1])
    if not tasks:
        return None
    return dashboard.Panel(
        "My tasks from behaviour rules",
        "behaviour/rules/_tasks_panel.html",
        {"tasks": tasks[:PANEL_ROWS], "more": len(tasks) > PANEL_ROWS},
    )
