"""Reads for behaviour: one `<thing>_visible_to(user)` per model, used by every list, search, export and task."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Max, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from pastoral.accounts import access
from pastoral.models import AcademicYear, Pupil, YearGroup

from .models import (
    BehaviourCategory,
    BehaviourEvent,
    BullyingIncident,
    BullyingInvolvement,
    BullyingType,
    FollowUpAction,
    Incident,
    IncidentAttachment,
    Location,
    Removal,
    RestorativeMeeting,
    RewardMilestone,
)


def events_visible_to(user):
    return BehaviourEvent.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def removals_visible_to(user):
    return Removal.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_removal_for_user(user, code):
    """The removal, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    removals = Removal.objects.select_related(
        "pupil", "school", "event__category", "recorded_by", "parents_told_by", "voided_by"
    )
    return access.get_or_refuse(removals, user, code, "behaviour.view_event", "removal")


def restorative_meetings_visible_to(user):
    return RestorativeMeeting.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_restorative_meeting_for_user(user, code):
    """The meeting, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    meetings = RestorativeMeeting.objects.select_related("school", "recorded_by", "voided_by")
    return access.get_or_refuse(meetings, user, code, "behaviour.view_event", "meeting")


def restorative_candidates(user, school, chosen=(), *, days=14, limit=50):
    """Incidents offered on the restorative form: those already chosen, events logged with them, and
    the school's recent negative events (of the chosen events' pupils, when there are any)."""
    events = events_visible_to(user).filter(school=school, voided_at__isnull=True)
    chosen_ids = [event.pk for event in chosen]
    since = timezone.now() - datetime.timedelta(days=days)
    recent = Q(category__kind=BehaviourCategory.Kind.NEGATIVE, occurred_at__gte=since)
    if chosen_ids:
        recent &= Q(pupil__in={event.pupil_id for event in chosen})
        recent |= Q(group__in={event.group for event in chosen})
    nearby = events.filter(recent).order_by("-occurred_at").values_list("pk", flat=True)[:limit]
    return (
        events.filter(Q(pk__in=chosen_ids) | Q(pk__in=list(nearby)))
        .select_related("pupil", "category")
        .order_by("-occurred_at", "-pk")
    )


def categories_for(school, *, active_only=False):
    categories = BehaviourCategory.objects.filter(school=school)
    return categories.filter(active=True) if active_only else categories


def locations_for(school, *, active_only=False):
    locations = Location.objects.filter(school=school)
    return locations.filter(active=True) if active_only else locations


def get_event_for_user(user, code):
    """The event, or 404 if the user has no way to know it exists, or 403 if their role stops them."""
    events = BehaviourEvent.objects.select_related(
        "pupil", "school", "category", "location", "recorded_by", "voided_by"
    )
    return access.get_or_refuse(events, user, code, "behaviour.view_event", "event")


def forms_in(school):
    """The school's form / class names, for filtering by form."""
    names = Pupil.objects.filter(school=school).exclude(form="").order_by("form").values_list("form", flat=True)
    return list(names.distinct())


def milestones_for(school, *, active_only=False):
    milestones = RewardMilestone.objects.filter(school=school)
    return milestones.filter(active=True) if active_only else milestones


def academic_year_start(school, day=None):
    """Points run from the start of the school's academic year; without a calendar, from 1 September."""
    day = day or timezone.localdate()
    year = AcademicYear.objects.filter(school=school, start__lte=day, end__gte=day).first()
    if year is not None:
        return year.start
    return datetime.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def week_so_far(today=None):
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=today.weekday()), today


def _positive_events(user, school, start, end):
    """The school's positive, non-voided events on days start..end that the user may see."""
    return events_visible_to(user).filter(
        school=school,
        voided_at__isnull=True,
        category__kind=BehaviourCategory.Kind.POSITIVE,
        occurred_at__date__gte=start,
        occurred_at__date__lte=end,
    )


PUPIL_FIELDS = [
    "pupil__code",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__year_group",
    "pupil__form",
    "pupil__house",
]


def _pupil_row(values):
    first = values["pupil__preferred_first_name"] or values["pupil__legal_first_name"]
    last = values["pupil__preferred_last_name"] or values["pupil__legal_last_name"]
    return {
        "pupil": values["pupil__code"],
        "name": f"{first} {last}",
        "year_group": YearGroup(values["pupil__year_group"]).label,
        "form": values["pupil__form"],
        "house": values["pupil__house"],
    }


def pupil_points(user, school, start, end, *, year_group=None, form="", limit=50):
    """The pupils with the most positive points between start and end, highest first."""
    events = _positive_events(user, school, start, end)
    if year_group is not None:
        events = events.filter(pupil__year_group=year_group)
    if form:
        events = events.filter(pupil__form=form)
    totals = (
        events.values(*PUPIL_FIELDS)
        .annotate(points=Sum("category__points"), events=Count("pk"))
        .order_by("-points", "pupil__legal_last_name", "pupil__legal_first_name", "pupil__code")[:limit]
    )
    return [{**_pupil_row(values), "points": values["points"], "events": values["events"]} for values in totals]


def form_points(user, school, start, end):
    """Positive points per form / class, highest first."""
    totals = (
        _positive_events(user, school, start, end)
        .values("pupil__year_group", "pupil__form")
        .annotate(points=Sum("category__points"), pupils=Count("pupil", distinct=True))
        .order_by("-points", "pupil__year_group", "pupil__form")
    )
    return [
        {
            "year_group": YearGroup(values["pupil__year_group"]).label,
            "form": values["pupil__form"] or "No form",
            "points": values["points"],
            "pupils": values["pupils"],
        }
        for values in totals
    ]


def house_points(user, school, start, end):
    """Positive points per house, highest first."""
    totals = (
        _positive_events(user, school, start, end)
        .values("pupil__house")
        .annotate(points=Sum("category__points"), pupils=Count("pupil", distinct=True))
        .order_by("-points", "pupil__house")
    )
    return [
        {"house": values["pupil__house"] or "No house", "points": values["points"], "pupils": values["pupils"]}
        for values in totals
    ]


def milestones_crossed(school, user, start, end):
    """Pupils whose running total for the year went from below a milestone before `start` to reach it by `end`.

    The year's running total counts from the start of the academic year that `start` falls in. The database
    sums each pupil's points before and through the window; pairing those few rows with the school's handful
    of milestones is left to Python.
    """
    milestones = list(milestones_for(school, active_only=True))
    if not milestones:
        return []
    since = academic_year_start(school, start)
    before_start = Q(occurred_at__date__lt=start)
    totals = (
        _positive_events(user, school, since, end)
        .values(*PUPIL_FIELDS)
        .annotate(
            before=Coalesce(Sum("category__points", filter=before_start), 0),
            through=Sum("category__points"),
        )
        # Only pupils who earned points in the window can have crossed anything.
        .filter(through__gt=F("before"), through__gte=milestones[0].points)
        .order_by("pupil__legal_last_name", "pupil__legal_first_name", "pupil__code")
    )
    rows = []
    for values in totals:
        for milestone in milestones:
            if values["before"] < milestone.points <= values["through"]:
                rows.append(
                    {
                        **_pupil_row(values),
                        "milestone": milestone.name,
                        "threshold": milestone.points,
                        "before": values["before"],
                        "points": values["through"],
                    }
                )
    rows.sort(key=lambda row: -row["threshold"])
    return rows


# Incidents, follow-up actions, attachments and bullying records.


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
        .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("legal_last_name", "legal_first_name")))
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
