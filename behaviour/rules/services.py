"""Writes for behaviour rules: keeping the rules and letter templates, checking a school's switched-on rules after
events are logged (from the outbox, never in the request), and what a hit does: staff told in the app, a task, a
letter home queued and later marked sent, and a detention suggested."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, When
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.dates import uk_date, uk_time
from pastoral.exceptions import PastoralError
from pastoral.selectors import staff_holding

from ..events.models import BehaviourCategory, BehaviourEvent
from ..services import _require
from . import trial as trials
from .models import (
    RISING_KEY,
    BehaviourRule,
    BehaviourRuleHit,
    BehaviourRuleLetter,
    BehaviourRuleRecipient,
    BehaviourRuleTask,
)

MANAGE = "behaviour.manage_rules"
EVALUATE_TASK = "behaviour.tasks.evaluate_rules_task"
RISING_DEFAULTS = {
    "name": "Negative behaviour rising",
    "trigger": BehaviourRule.Trigger.RISING,
    "threshold": 3,
    "period_days": 14,
    "baseline_weeks": 12,
    "factor": 2,
}
PLACEHOLDERS = {
    "pupil_name": "the pupil's name",
    "pupil_first_name": "the pupil's first name",
    "year_group": "the pupil's year group",
    "form": "the pupil's form",
    "school_name": "the school's name",
    "rule_name": "the rule's name",
    "summary": "what reached the rule, e.g. 4 events within 7 days",
    "event_count": "how many events",
    "events": "the events, one a line: date, time, category and lesson",
    "date": "the date the letter was queued",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
NEGATIVE = BehaviourCategory.Kind.NEGATIVE


def unknown_placeholders(text):
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def merge(text, values):
    """The template's text with each known placeholder replaced; the values are plain text, never markup."""
    return PLACEHOLDER.sub(lambda match: str(values.get(match.group(1), match.group(0))), text)


# --- keeping the rules ------------------------------------------------------------------------------------------


def rules_seed_default(*, school, actor=None):
    """The school's negative-behaviour-rising rule (what the home page's rising panel has always shown)."""
    rule, made = BehaviourRule.objects.get_or_create(school=school, key=RISING_KEY, defaults=RISING_DEFAULTS)
    return rule


@transaction.atomic
def rule_save(*, actor, rule, categories, changed):
    _require(actor, rule.school, MANAGE)
    for user in (rule.notify_staff, rule.task_owner):
        if user is not None and not access.is_member_of(user, rule.school):
            raise PastoralError("Staff named on a rule must work at this school.")
    if any(category.school_id != rule.school_id for category in categories):
        raise PastoralError("Choose this school's categories.")
    if rule.trigger in (BehaviourRule.Trigger.COUNT, BehaviourRule.Trigger.FIRST) and not categories:
        raise PastoralError("Choose at least one category.")
    created = rule.pk is None
    if created:
        rule.created_by = actor
    rule.full_clean(exclude=["created_by"])
    rule.save()
    rule.categories.set(categories)
    if changed or created:
        # A changed rule's last trial no longer describes it.
        BehaviourRule.objects.filter(pk=rule.pk).update(trial_hits=None, trial_pupils=None, trial_ran_at=None)
        rule.trial_hits = rule.trial_pupils = rule.trial_ran_at = None
    audit.record(
        "behaviour.rule.created" if created else "behaviour.rule.changed",
        actor=actor,
        obj=rule,
        school=rule.school,
        data={"changed": changed},
    )
    return rule


@transaction.atomic
def rule_switch(*, actor, rule, active):
    _require(actor, rule.school, MANAGE)
    rule = BehaviourRule.objects.select_for_update().get(pk=rule.pk)
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])
    audit.record("behaviour.rule.switched", actor=actor, obj=rule, school=rule.school, data={"active": active})
    return rule


@transaction.atomic
def rule_trial(*, actor, rule, today=None):
    """Tries the rule against last term and keeps the figures on the rule."""
    _require(actor, rule.school, MANAGE)
    start, end = trials.trial_period(rule.school, today)
    hits, pupils = trials.trial(rule, start, end)
    rule.trial_hits, rule.trial_pupils, rule.trial_start, rule.trial_end = hits, pupils, start, end
    rule.trial_ran_at = timezone.now()
    rule.save(update_fields=["trial_hits", "trial_pupils", "trial_start", "trial_end", "trial_ran_at"])
    audit.record("behaviour.rule.tried", actor=actor, obj=rule, school=rule.school, data={"hits": hits})
    return rule


@transaction.atomic
def template_save(*, actor, template, changed):
    _require(actor, template.school, MANAGE)
    unknown = unknown_placeholders(template.subject + template.body)
    if unknown:
        raise PastoralError(f"Unknown placeholder: {', '.join(unknown)}.")
    created = template.pk is None
    template.full_clean()
    template.save()
    audit.record(
        "behaviour.letter_template.created" if created else "behaviour.letter_template.changed",
        actor=actor,
        obj=template,
        school=template.school,
        data={"changed": changed},
    )
    return template


# --- from the write path ----------------------------------------------------------------------------------------


def rules_after_events(*, school, events):
    """Called in the transaction that logged `events`: when the school has a rule switched on, a task checks the
    rules for these events once the transaction commits (the quick log itself waits for nothing)."""
    if events and BehaviourRule.objects.filter(school=school, active=True).exists():
        outbox.enqueue(EVALUATE_TASK, [event.pk for event in events])


def rules_evaluate(*, event_ids, audited=True):
    """Checks the schools' switched-on rules for the pupils of these events; returns the hits made. Running it again
    makes nothing new (a hit is once per pupil, rule and window). The demo seeder alone passes audited=False."""
    events = list(
        BehaviourEvent.objects.filter(pk__in=event_ids, voided_at__isnull=True).values(
            "pk", "school_id", "pupil_id", "category_id", "category__kind", "occurred_at"
        )
    )
    made = []
    for school_id in sorted({event["school_id"] for event in events}):
        rules = BehaviourRule.objects.filter(school_id=school_id, active=True).prefetch_related("categories")
        for rule in rules:
            categories = {category.pk for category in rule.categories.all()}
            latest = {}
            for event in events:
                if event["school_id"] != school_id or not _counts_for(rule, categories, event):
                    continue
                if event["pupil_id"] not in latest or event["occurred_at"] > latest[event["pupil_id"]]["occurred_at"]:
                    latest[event["pupil_id"]] = event
            for event in latest.values():
                reached = _reached(rule, categories, event)
                if reached is not None:
                    hit = _fire(rule, event, *reached, audited=audited)
                    if hit is not None:
                        made.append(hit)
    return made


def _counts_for(rule, categories, event):
    if rule.trigger == BehaviourRule.Trigger.RISING:
        return event["category__kind"] == NEGATIVE
    return not categories or event["category_id"] in categories


def _reached(rule, categories, event):
    """(summary, event ids) when the rule is met at this event, else None. One aggregate on the pupil's events
    (the pupil and time index), over the same window the trial uses."""
    at = event["occurred_at"]
    period = datetime.timedelta(days=rule.period_days)
    pupil_events = BehaviourEvent.objects.filter(
        pupil_id=event["pupil_id"], school_id=event["school_id"], voided_at__isnull=True, occurred_at__lte=at
    )
    recent = pupil_events.filter(occurred_at__gte=at - period)
    if categories and rule.trigger != BehaviourRule.Trigger.RISING:
        recent = recent.filter(category_id__in=categories)
        pupil_events = pupil_events.filter(category_id__in=categories)
    days = f"{rule.period_days} day{'s' if rule.period_days != 1 else ''}"
    if rule.trigger == BehaviourRule.Trigger.FIRST:
        if pupil_events.filter(occurred_at__gte=at - period, occurred_at__lt=at).exists():
            return None
        return f"First event of these categories within {days}", [event["pk"]]
    if rule.trigger == BehaviourRule.Trigger.RISING:
        baseline = datetime.timedelta(weeks=rule.baseline_weeks)
        negative = pupil_events.filter(category__kind=NEGATIVE, occurred_at__gte=at - period - baseline)
        figures = negative.aggregate(
            recent=Count("pk", filter=Q(occurred_at__gte=at - period)),
            earlier=Count("pk", filter=Q(occurred_at__lt=at - period)),
        )
        r, e = figures["recent"], figures["earlier"]
        if r < rule.threshold or r * rule.baseline_weeks * 7 < rule.factor * e * rule.period_days:
            return None
        ids = list(negative.filter(occurred_at__gte=at - period).values_list("pk", flat=True))
        return f"{r} negative events within {days} ({e} in the {rule.baseline_weeks} weeks before)", ids
    if rule.trigger == BehaviourRule.Trigger.POINTS:
        signed = Case(
            When(category__kind=NEGATIVE, then=-F("category__points")),
            default=F("category__points"),
            output_field=IntegerField(),
        )
        total = recent.aggregate(total=Sum(signed))["total"] or 0
        if (rule.threshold < 0 and total > rule.threshold) or (rule.threshold > 0 and total < rule.threshold):
            return None
        return f"{total:+d} points within {days}", list(recent.values_list("pk", flat=True))
    ids = list(recent.values_list("pk", flat=True))
    if len(ids) < rule.threshold:
        return None
    return f"{len(ids)} events within {days}", ids


@transaction.atomic
def _fire(rule, event, summary, event_ids, *, audited=True):
    pupil_id = event["pupil_id"]
    window = rule.window_start(timezone.localdate(event["occurred_at"]))
    try:
        with transaction.atomic():
            hit = BehaviourRuleHit.objects.create(
                school_id=rule.school_id, rule=rule, pupil_id=pupil_id, window_start=window, summary=summary[:200]
            )
    except IntegrityError:
        return None  # fired for this pupil in this window already
    hit.events.set(event_ids)
    hit = BehaviourRuleHit.objects.select_related("pupil__keyworker", "school", "rule").get(pk=hit.pk)
    recipients = _recipients(rule, hit)
    BehaviourRuleRecipient.objects.bulk_create([BehaviourRuleRecipient(hit=hit, user=user) for user in recipients])
    if rule.task_owner_id and access.has_school_perm(rule.task_owner, rule.school_id, "behaviour.view_event"):
        BehaviourRuleTask.objects.create(
            hit=hit,
            owner=rule.task_owner,
            description=rule.task_text,
            due_on=timezone.localdate() + datetime.timedelta(days=rule.task_due_days),
        )
    if rule.letter_template_id:
        letter_queue(hit=hit, template=rule.letter_template)
    if rule.suggest_detention:
        suggest_detention(hit=hit)
    if not audited:
        return hit
    audit.record(
        "behaviour.rule.fired",
        obj=hit,
        pupil=hit.pupil,
        school=hit.school,
        actor_label="behaviour rules",
        data={"rule": rule.name, "summary": hit.summary, "told": len(recipients)},
    )
    return hit


def _recipients(rule, hit):
    people = {}
    keyworker = hit.pupil.keyworker
    if rule.notify_keyworker and keyworker is not None and keyworker.is_active:
        people[keyworker.pk] = keyworker
    if rule.notify_pastoral_leads:
        people.update({user.pk: user for user in staff_holding(rule.school_id, [Role.PASTORAL_LEAD])})
    if rule.notify_staff_id and rule.notify_staff.is_active:
        people[rule.notify_staff_id] = rule.notify_staff
    return [user for user in people.values() if access.has_school_perm(user, rule.school_id, "behaviour.view_event")]


def suggest_detention(*, hit):
    """The hook the detentions work takes over: for now the suggestion is recorded on the hit and shown with it."""
    BehaviourRuleHit.objects.filter(pk=hit.pk).update(detention_suggested=True)
    hit.detention_suggested = True
    return hit


def letter_values(hit, today=None):
    pupil = hit.pupil
    events = list(hit.events.select_related("category").order_by("occurred_at"))
    lines = [
        f"{uk_date(timezone.localtime(e.occurred_at))}, {uk_time(timezone.localtime(e.occurred_at))}: "
        f"{e.category.name}{f' ({e.period})' if e.period else ''}"
        for e in events
    ]
    return {
        "pupil_name": pupil.display_name,
        "pupil_first_name": pupil.preferred_first_name or pupil.legal_first_name,
        "year_group": pupil.get_year_group_display(),
        "form": pupil.form,
        "school_name": hit.school.name,
        "rule_name": hit.rule.name,
        "summary": hit.summary,
        "event_count": len(events),
        "events": "\n".join(lines),
        "date": uk_date(today or timezone.localdate()),
    }


@transaction.atomic
def letter_queue(*, hit, template):
    """The letter, filled in now: what goes home is what the events were when the rule fired."""
    values = letter_values(hit)
    return BehaviourRuleLetter.objects.create(
        hit=hit, template=template, subject=merge(template.subject, values), body=merge(template.body, values)
    )


# --- what staff do with a hit -----------------------------------------------------------------------------------


def hit_seen(*, user, hit):
    BehaviourRuleRecipient.objects.filter(hit=hit, user=user, seen_at__isnull=True).update(seen_at=timezone.now())


@transaction.atomic
def task_mark(*, actor, task, done):
    """Done or not done again, by the task's owner or a manager of rules."""
    task = BehaviourRuleTask.objects.select_for_update().select_related("hit").get(pk=task.pk)
    if task.owner_id != actor.pk and not access.has_school_perm(actor, task.hit.school_id, MANAGE):
        raise PastoralError("Only the task's owner or a manager of behaviour rules can change it.")
    task.done_at = timezone.now() if done else None
    task.done_by = actor if done else None
    task.save(update_fields=["done_at", "done_by"])
    audit.record(
        "behaviour.rule_task.done" if done else "behaviour.rule_task.reopened",
        actor=actor,
        obj=task.hit,
        pupil=task.hit.pupil,
        school=task.hit.school,
        data={"task": task.description},
    )
    return task


@transaction.atomic
def letter_sent(*, actor, letter, sent_how, sent_at):
    letter = (
        BehaviourRuleLetter.objects.select_for_update().select_related("hit__school", "hit__pupil").get(pk=letter.pk)
    )
    _require(actor, letter.hit.school, "behaviour.record_event")
    if letter.sent_at:
        raise PastoralError("This letter is already recorded as sent.")
    if sent_at > timezone.now() + datetime.timedelta(minutes=5):
        raise PastoralError("A letter cannot be sent in the future.")
    letter.sent_at, letter.sent_how, letter.sent_by = sent_at, sent_how, actor
    letter.save(update_fields=["sent_at", "sent_how", "sent_by"])
    audit.record(
        "behaviour.rule_letter.sent",
        actor=actor,
        obj=letter.hit,
        pupil=letter.hit.pupil,
        school=letter.hit.school,
        data={"how": sent_how, "letter": letter.subject},
    )
    return letter
