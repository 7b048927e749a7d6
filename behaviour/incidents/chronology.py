"""Incidents and bullying records on a pupil's chronology."""

from django.db.models import Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from pastoral.accounts import access
from pastoral.chronology import ChronologyItem, as_datetime, as_window
from pastoral.voiding import hide_voided_unless

from ..events.models import PupilRole
from .models import BullyingInvolvement, IncidentPupil
from .selectors import bullying_flags_visible_to, bullying_visible_to, incidents_visible_to


def incidents_for_chronology(user, pupil, limit):
    window = as_window(limit)
    roles = IncidentPupil.objects.filter(incident=OuterRef("pk"), pupil=pupil)
    incidents = (
        incidents_visible_to(user)
        .filter(pupils=pupil)
        .annotate(first_event=Min("events__occurred_at"))
        .annotate(moment=Coalesce("first_event", "created_at"))
        .annotate(pupil_role=Subquery(roles.values("role")[:1]))
        .select_related("recorded_by")
    )
    incidents = hide_voided_unless(incidents, user, pupil.school_id, "behaviour.void_event")
    items = []
    for incident in window.rows(incidents, when="moment", text=("behaviour",)):
        title = f"Incident detail: {incident.behaviour[:80]}"
        notes = [f"role: {PupilRole(incident.pupil_role or PupilRole.INVOLVED).label.lower()}"]
        notes.append(f"dysregulated: {incident.get_dysregulated_display().lower()}")
        if incident.injuries:
            notes.append("injuries recorded")
        notes.append("parents informed" if incident.parents_informed else "parents not yet informed")
        summary = f"{'; '.join(notes).capitalize()} — recorded by {incident.recorded_by}"
        tone = "danger"
        if incident.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:incident_detail", args=[incident.code])
        items.append(
            ChronologyItem(incident.moment, "behaviour", title, summary, url, tone, key=window.key(incident.pk))
        )
    return items


def bullying_for_chronology(user, pupil, limit):
    """The pastoral team sees whether the pupil was harmed or did the harm; other staff see only that a record
    exists, because who bullied whom is for the people following it up."""
    window = as_window(limit)
    if not access.has_school_perm(user, pupil.school_id, "behaviour.view_bullying"):
        if not access.has_school_perm(user, pupil.school_id, "behaviour.view_event"):
            return []
        records = bullying_flags_visible_to(user).filter(pupils=pupil, voided_at__isnull=True)
        records = window.rows(records, when="occurred_on", is_date=True, sub="flag", label="Bullying record")
        return [
            ChronologyItem(
                as_datetime(occurred_on),
                "behaviour",
                "Bullying record",
                "Details are with the pastoral team.",
                "",
                "secondary",
                key=window.key(pk, "flag"),
            )
            for pk, occurred_on in records.values_list("pk", "occurred_on")
        ]
    involvements = BullyingInvolvement.objects.filter(
        pupil=pupil,
        bullying__in=hide_voided_unless(bullying_visible_to(user), user, pupil.school_id, "behaviour.void_event"),
    ).select_related("bullying__recorded_by")
    involvements = window.rows(
        involvements, when="bullying__occurred_on", is_date=True, text=("bullying__description",)
    )
    items = []
    for involvement in involvements:
        record = involvement.bullying
        role = "bullied (victim)" if involvement.role == involvement.Role.VICTIM else "bullying others (perpetrator)"
        title = f"Bullying – {role}: {', '.join(record.type_labels())}"
        summary = f"Outcome: {record.get_outcome_display().lower()} — recorded by {record.recorded_by}"
        tone = "danger" if involvement.role == involvement.Role.VICTIM else "warning"
        if record.voided_at:
            title, tone = f"Voided – {title}", "dark"
        url = reverse("behaviour:bullying_detail", args=[record.code])
        when = as_datetime(record.occurred_on)
        items.append(ChronologyItem(when, "behaviour", title, summary, url, tone, key=window.key(involvement.pk)))
    return items
