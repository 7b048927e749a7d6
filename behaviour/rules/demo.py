"""Demo behaviour rules: two switched on (three lates in a week with a letter home; a points total in a fortnight
with a task and a detention suggested), one switched off with its trial against last term, and the hits the two
that are on make over the demo events, one letter sent."""

import datetime

from django.db.models import Max
from django.utils import timezone

from pastoral.accounts.roles import Role

from ..events.models import BehaviourCategory, BehaviourEvent
from . import services, trial
from .models import BehaviourRule, BehaviourRuleHit, BehaviourRuleLetter, BehaviourRuleTask, LetterTemplate

LETTER = (
    "Dear parent or carer,\n\n"
    "We are writing because {{ pupil_name }} ({{ year_group }}) has been late to lessons several times recently "
    "({{ summary }}):\n\n"
    "{{ events }}\n\n"
    "Being on time matters for {{ pupil_first_name }}'s learning. Please talk with {{ pupil_first_name }} about "
    "this, and contact the school if there is anything we should know.\n\n"
    "Yours faithfully,\n\n"
    "{{ school_name }}"
)


def seed_rules(school, staff_by_role, pupils, rng, term):
    services.rules_seed_default(school=school)
    lead = (staff_by_role.get(Role.PASTORAL_LEAD) or staff_by_role.get(Role.HEADTEACHER))[0]
    categories = {c.name: c for c in BehaviourCategory.objects.filter(school=school)}
    template = LetterTemplate.objects.create(
        school=school, name="Lateness letter", subject="{{ pupil_name }}: lateness to lessons", body=LETTER
    )
    lates = BehaviourRule.objects.create(
        school=school,
        name="Two lates in a week",
        active=True,
        trigger=BehaviourRule.Trigger.COUNT,
        threshold=2,
        period_days=7,
        notify_keyworker=True,
        letter_template=template,
        created_by=lead,
    )
    lates.categories.set([categories["Lateness to lesson"]])
    points = BehaviourRule.objects.create(
        school=school,
        name="Minus 10 points in a fortnight",
        active=True,
        trigger=BehaviourRule.Trigger.POINTS,
        threshold=-10,
        period_days=14,
        notify_pastoral_leads=True,
        task_owner=lead,
        task_text="Meet the pupil and their parents to agree a behaviour plan",
        task_due_days=5,
        suggest_detention=True,
        created_by=lead,
    )
    fighting = BehaviourRule.objects.create(
        school=school,
        name="First fight this year",
        trigger=BehaviourRule.Trigger.FIRST,
        period_days=365,
        notify_pastoral_leads=True,
        letter_template=template,
        created_by=lead,
    )
    fighting.categories.set([categories["Fighting"]])
    # The demo writes nothing to the audit log, so the trial and the sending below are set directly.
    start, end = trial.trial_period(school)
    fighting.trial_hits, fighting.trial_pupils = trial.trial(fighting, start, end)
    fighting.trial_start, fighting.trial_end, fighting.trial_ran_at = start, end, timezone.now()
    fighting.save()
    # The two rules that are on, checked week by week over the term's last four weeks of events, as the quick log
    # would have checked them.
    now = timezone.now()
    for weeks_ago in (4, 3, 2, 1):
        week = BehaviourEvent.objects.filter(
            school=school,
            occurred_at__gte=now - datetime.timedelta(weeks=weeks_ago),
            occurred_at__lt=now - datetime.timedelta(weeks=weeks_ago - 1),
        )
        services.rules_evaluate(event_ids=list(week.values_list("pk", flat=True)), audited=False)
    # Each hit dated a few minutes after the event that reached it, as the outbox would have made it then.
    hits = BehaviourRuleHit.objects.filter(school=school).annotate(reached=Max("events__occurred_at"))
    for hit in hits:
        when = min(hit.reached + datetime.timedelta(minutes=rng.randint(1, 5)), now)
        BehaviourRuleHit.objects.filter(pk=hit.pk).update(fired_at=when)
        BehaviourRuleLetter.objects.filter(hit=hit).update(queued_at=when)
    letter = BehaviourRuleLetter.objects.filter(hit__school=school).order_by("queued_at", "pk").first()
    if letter is not None:
        letter.sent_at = min(letter.queued_at + datetime.timedelta(days=1), now)
        letter.sent_how, letter.sent_by = BehaviourRuleLetter.SentHow.POST, lead
        letter.save()
    task = points.hits.filter(task__isnull=False).order_by("fired_at", "pk").first() if points.hits.exists() else None
    if task is not None:
        BehaviourRuleTask.objects.filter(hit=task).update(done_at=now, done_by=lead)
