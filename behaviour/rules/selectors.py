"""Reads for behaviour rules: the rules and letter templates (their managers), the hits staff were told of, their
tasks and letters, and the school's rising-behaviour rule the home page's panel reads."""

from django.db.models import Exists, OuterRef, Q

from pastoral.accounts import access

from .models import (
    RISING_KEY,
    BehaviourRule,
    BehaviourRuleHit,
    BehaviourRuleRecipient,
    BehaviourRuleTask,
    LetterTemplate,
)

MANAGE = "behaviour.manage_rules"


def rules_visible_to(user):
    return BehaviourRule.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def templates_visible_to(user):
    return LetterTemplate.objects.filter(school_id__in=access.schools_with_perm(user, MANAGE))


def get_rule_for_user(user, code):
    rules = BehaviourRule.objects.select_related("school", "notify_staff", "task_owner", "letter_template")
    return access.get_or_refuse(rules, user, code, MANAGE, "rule")


def get_template_for_user(user, code):
    return access.get_or_refuse(LetterTemplate.objects.all(), user, code, MANAGE, "letter template")


def hits_visible_to(user):
    """Every hit of the schools where the user manages rules; elsewhere, the hits they were told of or own the task
    of, in schools where they read behaviour."""
    managed = access.schools_with_perm(user, MANAGE)
    # Where they manage the rules every hit is theirs to read: the told-or-owns test is built only for the rest.
    readers = [s for s in access.schools_with_perm(user, "behaviour.view_event") if s not in managed]
    if not readers:
        return BehaviourRuleHit.objects.filter(school_id__in=managed)
    told = BehaviourRuleRecipient.objects.filter(hit=OuterRef("pk"), user=user)
    owns = BehaviourRuleTask.objects.filter(hit=OuterRef("pk"), owner=user)
    return BehaviourRuleHit.objects.filter(
        Q(school_id__in=managed) | (Q(school_id__in=readers) & (Exists(told) | Exists(owns)))
    )


def get_hit_for_user(user, code):
    """The hit, or 404 outside its school and 403 to its staff who were not told of it."""
    hits = BehaviourRuleHit.objects.select_related("rule", "pupil", "school")
    hit = hits_visible_to(user).select_related("rule", "pupil", "school").filter(code=code).first()
    if hit is not None:
        return hit
    record = hits.filter(code=code).first()
    access.refuse(
        user,
        record,
        code,
        None,
        allowed_to_know=record is not None and access.is_member_of(user, record.school_id),
        noun="rule alert",
    )


def open_tasks_of(user, school):
    return BehaviourRuleTask.objects.filter(owner=user, done_at__isnull=True, hit__school=school)


def rising_rule(school):
    """The school's negative-behaviour-rising rule, or None (a school made before the rules, in a test)."""
    school_id = getattr(school, "pk", school)
    return BehaviourRule.objects.filter(school_id=school_id, key=RISING_KEY).first()
