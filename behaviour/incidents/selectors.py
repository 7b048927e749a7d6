"""Reads for incidents, follow-up actions, attachments and bullying records."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from pastoral.accounts import access

from ..events.models import PupilRole
from ..events.selectors import events_visible_to
from ..selectors import PUPIL_FIELDS, _pupil_row
from .models import (
    BullyingIncident,
    BullyingInvolvement,
    BullyingType,
    FollowUpAction,
    Incident,
    IncidentAttachment,
    IncidentPupil,
)


def incidents_visible_to(user):
    return Incident.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_incident_for_user(user, code):
    """The incident; voided incidents only for those who may void (others get 403, as for events)."""
    incidents = Incident.objects.select_related("school", "recorded_by", "parents_informed_by", "voided_by")
    incident = access.get_or_refuse(incidents, user, code, "behaviour.view_event", "incident")
    if incident.voided_at and not access.has_school_perm(user, incident.school_id, "behaviour.void_event"):
        raise PermissionDenied
    return incident


def incident_for_group(user, group):
    """The current incident detailing an event group, if there is one the user can see."""
    return incidents_visible_to(user).filter(group=group, voided_at__isnull=True).first()


def follow_up_actions_visible_to(user):
    return FollowUpAction.objects.filter(incident__in=incidents_visible_to(user))


def get_follow_up_action_for_user(user, code):
    action = FollowUpAction.objects.select_related("incident__school").filter(code=code).first()
    if action is None:
        raise Http404("No such action")
    get_incident_for_user(user, action.incident.code)
    return action


def attachments_visible_to(user):
    """Injury photos and files: the pastoral team (behaviour.view_attachments) in its schools, and the uploader."""
    team_schools = access.schools_with_perm(user, "behaviour.view_attachments")
    return IncidentAttachment.objects.filter(incident__in=incidents_visible_to(user)).filter(
        Q(incident__school_id__in=team_schools) | Q(uploaded_by_id=getattr(user, "pk", None))
    )


def get_attachment_for_user(user, code):
    """Re-checks the incident's visibility on every download: its school, the role, and whether it is voided;
    then that the user is on the pastoral team or uploaded the file (403 for other staff who see the incident)."""
    attachment = IncidentAttachment.objects.select_related("incident").filter(code=code).first()
    if attachment is None:
        raise Http404("No such attachment")
    get_incident_for_user(user, attachment.incident.code)
    if not attachments_visible_to(user).filter(pk=attachment.pk).exists():
        raise PermissionDenied
    return attachment


def incident_list_rows(user, school, *, include_voided=False):
    today = timezone.localdate()
    incidents = incidents_visible_to(user).filter(school=school)
    if not include_voided:
        incidents = incidents.filter(voided_at__isnull=True)
    return (
        incidents.select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=IncidentPupil.objects.select_related("pupil").order_by(
                    "pupil__legal_last_name", "pupil__legal_first_name"
                ),
            )
        )
        .annotate(
            open_actions=Count("actions", filter=Q(actions__done_at__isnull=True), distinct=True),
            overdue_actions=Count(
                "actions", filter=Q(actions__done_at__isnull=True, actions__due_on__lt=today), distinct=True
            ),
        )
        .order_by("-created_at", "-pk")
    )


def bullying_visible_to(user):
    return BullyingIncident.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_bullying"))


def bullying_flags_visible_to(user):
    """Records whose existence (never their detail) staff who see behaviour may know, for a redacted line."""
    return BullyingIncident.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_bullying_for_user(user, code):
    records = BullyingIncident.objects.select_related("school", "recorded_by", "voided_by", "incident")
    record = access.get_or_refuse(records, user, code, "behaviour.view_bullying", "record")
    if record.voided_at and not access.has_school_perm(user, record.school_id, "behaviour.void_event"):
        raise PermissionDenied
    return record


def bullying_list_rows(user, school, *, include_voided=False):
    records = bullying_visible_to(user).filter(school=school)
    if not include_voided:
        records = records.filter(voided_at__isnull=True)
    return (
        records.select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "involvements",
                queryset=BullyingInvolvement.objects.select_related("pupil").order_by(
                    "role", "pupil__legal_last_name", "pupil__legal_first_name"
                ),
            )
        )
        .order_by("-occurred_on", "-pk")
    )


def bullying_patterns(user, school, start, end, *, types=(), minimum=2, limit=50):
    """Repeat victims and perpetrators, and counts by type, over days start..end, all counted by the database.

    Voided records do not count. With `types`, only records of at least one of those types count.
    """
    records = bullying_visible_to(user).filter(
        school=school, voided_at__isnull=True, occurred_on__gte=start, occurred_on__lte=end
    )
    if types:
        records = records.filter(types__overlap=list(types))
    involvements = BullyingInvolvement.objects.filter(bullying__in=records)

    def repeat(role):
        rows = (
            involvements.filter(role=role)
            .values(*PUPIL_FIELDS)
            .annotate(times=Count("bullying", distinct=True), last=Max("bullying__occurred_on"))
            .filter(times__gte=minimum)
            .order_by("-times", "-last", "pupil__legal_last_name", "pupil__code")[:limit]
        )
        return [{**_pupil_row(values), "times": values["times"], "last": values["last"]} for values in rows]

    by_type = records.aggregate(
        total=Count("pk"), **{value: Count("pk", filter=Q(types__contains=[value])) for value in BullyingType.values}
    )
    return {
        "victims": repeat(BullyingInvolvement.Role.VICTIM),
        "perpetrators": repeat(BullyingInvolvement.Role.PERPETRATOR),
        "total": by_type.pop("total"),
        "by_type": [(BullyingType(value).label, by_type[value]) for value in BullyingType.values],
    }


# The roles compared on the patterns page: who starts things and who they happen to.
PATTERN_ROLES = [PupilRole.INSTIGATOR, PupilRole.TARGET]


def role_patterns(user, school, start, end, *, minimum=2, limit=50):
    """Pupils most often instigator and most often target of live behaviour events on days start..end.

    One grouped query over the events the user may see: each pupil named at least `minimum` times in either
    role, with their count in each role and the day of their latest such event.
    """
    tz = timezone.get_current_timezone()
    low = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    counts = {role.value: Count("pk", filter=Q(role=role)) for role in PATTERN_ROLES}
    rows = list(
        events_visible_to(user)
        .filter(school=school, voided_at__isnull=True, occurred_at__gte=low, occurred_at__lt=high)
        .filter(role__in=PATTERN_ROLES)
        .values(*PUPIL_FIELDS)
        .annotate(**counts, last=Max("occurred_at"))
        .filter(Q(instigator__gte=minimum) | Q(target__gte=minimum))
        .order_by("pupil__legal_last_name", "pupil__code")
    )
    pupils = [
        {
            **_pupil_row(row),
            "instigator": row["instigator"],
            "target": row["target"],
            "last": timezone.localtime(row["last"]).date(),
        }
        for row in rows
    ]

    def most(role, other):
        chosen = [row for row in pupils if row[role] >= minimum]
        return sorted(chosen, key=lambda row: (-row[role], row[other], row["name"]))[:limit]

    return {"instigators": most("instigator", "target"), "targets": most("target", "instigator")}
