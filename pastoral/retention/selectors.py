"""Reads for retention: the "visible to this user" selectors (the data-protection lead's schools) and the review
groups."""

from django.db.models import Count, Min

from ..accounts import access
from ..models import School
from . import registry
from .models import DisposalCandidate, DisposalLogEntry, LegalHold, RetentionRule
from .permissions import MANAGE


def lead_schools(user):
    return access.schools_with_perm(user, MANAGE)


def candidates_visible_to(user):
    return DisposalCandidate.objects.filter(school_id__in=lead_schools(user))


def holds_visible_to(user):
    return LegalHold.objects.filter(school_id__in=lead_schools(user))


def log_visible_to(user):
    return DisposalLogEntry.objects.filter(school_id__in=lead_schools(user))


def groups(user):
    """Candidates counted by school, record type and status: one row per group, for the review page."""
    rows = (
        candidates_visible_to(user)
        .values("school_id", "record_type", "status")
        .annotate(count=Count("id"), first_due=Min("due_on"))
        .order_by("school_id", "record_type", "status")
    )
    schools = {s.pk: s for s in School.objects.filter(pk__in={r["school_id"] for r in rows})}
    grouped = {}
    for row in rows:
        group = grouped.setdefault(
            (row["school_id"], row["record_type"]),
            {
                "school": schools[row["school_id"]],
                "record_type": row["record_type"],
                "label": registry.label(row["record_type"]),
                "awaiting": 0,
                "blocked": 0,
                "extended": 0,
                "first_due": row["first_due"],
            },
        )
        group[row["status"]] = row["count"]
        group["first_due"] = min(group["first_due"], row["first_due"])
    return sorted(grouped.values(), key=lambda g: (g["school"].name, g["label"]))


def school_for_lead(user, code):
    """The school with this code: 404 to anyone outside it, 403 to its staff who are not the lead."""
    school = School.objects.filter(code=code).first()
    if school is not None and access.has_school_perm(user, school, MANAGE):
        return school
    access.refuse(user, school, code, None, allowed_to_know=school is not None and access.is_member_of(user, school))


def get_hold_for_user(user, code):
    holds = LegalHold.objects.select_related("school", "pupil", "set_by", "released_by")
    return access.get_or_refuse(holds, user, code, MANAGE, "legal hold")


def rules_for(school):
    """The rules that apply in this school: its trust's own, else the default, one per record type."""
    rules = {}
    for rule in RetentionRule.objects.filter(trust__in=[None, school.trust_id]).order_by("trust_id"):
        if rule.trust_id is None:
            rules.setdefault(rule.record_type, rule)
        else:
            rules[rule.record_type] = rule
    return [(t, rules.get(t.key)) for t in registry.record_types()]


def describe(candidates, record_type):
    """Attach `.record_text` to each candidate: one query for the page's records, none per row."""
    kind = registry.get(record_type)
    if kind is None:
        return candidates
    model = kind.get_model()
    related = [kind.pupil] if kind.pupil else []
    objects = model._base_manager.select_related(*related).in_bulk([c.object_id for c in candidates])
    by_id = {str(pk): obj for pk, obj in objects.items()}
    for candidate in candidates:
        obj = by_id.get(candidate.object_id)
        candidate.record_text = kind.text(obj) if obj is not None else "Already removed"
    return candidates
