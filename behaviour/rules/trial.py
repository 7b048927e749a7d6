"""Trying a rule against a past term: how many times it would have fired, for how many pupils, computed in
PostgreSQL with window functions over the school's live events (the `behaviour_event_live_idx` index: school and
time, holding the category and pupil). The live check in services.py uses the same windows and the same once-per-
block key, so the figure is what switching the rule on would have done."""

import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WINDOW_ANCHOR, BehaviourRule

EVENTS = "behaviour_behaviourevent"
CATEGORIES = "behaviour_behaviourcategory"


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def trial_period(school, today=None):
    """The last term that has ended; failing that (or when nothing was logged in it: a school new to the app this
    term), the current term so far; failing that, the last 12 weeks."""
    from pastoral.models import Term

    from ..events.models import BehaviourEvent

    today = today or timezone.localdate()
    terms = Term.objects.filter(academic_year__school=school)
    last = terms.filter(end__lt=today).order_by("-end").first()
    if last is not None:
        logged = BehaviourEvent.objects.filter(
            school=school,
            voided_at__isnull=True,
            occurred_at__gte=_midnight(last.start),
            occurred_at__lt=_midnight(last.end + datetime.timedelta(days=1)),
        )
        if logged.exists():
            return last.start, last.end
    current = terms.filter(start__lte=today, end__gte=today).first()
    if current is not None:
        return current.start, today
    return today - datetime.timedelta(weeks=12), today


def _per_event(rule):
    """The SELECT giving, for each event of the rule's kind, whether the rule was met at that event."""
    period = "make_interval(days => %(days)s)"
    rolling = f"OVER (PARTITION BY e.pupil_id ORDER BY e.occurred_at RANGE BETWEEN {period} PRECEDING AND CURRENT ROW)"
    if rule.trigger == BehaviourRule.Trigger.POINTS:
        points = "CASE WHEN c.kind = 'negative' THEN -c.points ELSE c.points END"
        test = "<=" if rule.threshold < 0 else ">="
        return f"sum({points}) {rolling} {test} %(threshold)s", True
    if rule.trigger == BehaviourRule.Trigger.FIRST:
        earlier = "lag(e.occurred_at) OVER (PARTITION BY e.pupil_id ORDER BY e.occurred_at)"
        return f"({earlier} IS NULL OR {earlier} < e.occurred_at - {period})", False
    if rule.trigger == BehaviourRule.Trigger.RISING:
        whole = (
            "OVER (PARTITION BY e.pupil_id ORDER BY e.occurred_at RANGE BETWEEN "
            "make_interval(days => %(days)s + %(baseline_days)s) PRECEDING AND CURRENT ROW)"
        )
        recent = f"count(*) {rolling}"
        return (
            f"({recent} >= %(threshold)s AND {recent} * %(baseline_days)s >= "
            f"%(factor)s * (count(*) {whole} - {recent}) * %(days)s)"
        ), True
    return f"count(*) {rolling} >= %(threshold)s", False


def trial(rule, start, end):
    """(hits, pupils): the hits the rule would have made for events from `start` to `end` (local dates)."""
    met, needs_category = _per_event(rule)
    lookback = datetime.timedelta(days=rule.period_days)
    if rule.trigger == BehaviourRule.Trigger.RISING:
        lookback += datetime.timedelta(weeks=rule.baseline_weeks)
    params = {
        "school": rule.school_id,
        "start": _midnight(start),
        "from": _midnight(start) - lookback,
        "to": _midnight(end + datetime.timedelta(days=1)),
        "days": rule.period_days,
        "baseline_days": rule.baseline_weeks * 7,
        "factor": rule.factor,
        "threshold": rule.threshold,
        "tz": settings.TIME_ZONE,
        "anchor": WINDOW_ANCHOR,
    }
    where = ["e.school_id = %(school)s", "e.voided_at IS NULL", "e.occurred_at >= %(from)s", "e.occurred_at < %(to)s"]
    join = ""
    if rule.trigger == BehaviourRule.Trigger.RISING:
        join = f"JOIN {CATEGORIES} c ON c.id = e.category_id"
        where.append("c.kind = 'negative'")
    else:
        categories = list(rule.categories.values_list("pk", flat=True))
        if categories:
            params["categories"] = categories
            where.append("e.category_id = ANY(%(categories)s)")
        elif rule.trigger != BehaviourRule.Trigger.POINTS:
            return 0, 0
        if needs_category:
            join = f"JOIN {CATEGORIES} c ON c.id = e.category_id"
    sql = f"""
        WITH per_event AS (
            SELECT e.pupil_id, e.occurred_at, {met} AS met
            FROM {EVENTS} e {join}
            WHERE {" AND ".join(where)}
        ), hits AS (
            SELECT DISTINCT pupil_id,
                ((occurred_at AT TIME ZONE %(tz)s)::date - %(anchor)s::date) / %(days)s AS block
            FROM per_event
            WHERE met AND occurred_at >= %(start)s
        )
        SELECT count(*), count(DISTINCT pupil_id) FROM hits
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        hits, pupils = cursor.fetchone()
    return hits, pupils
