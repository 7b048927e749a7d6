"""Behaviour incidents and physical interventions on paper: their blank forms and "enter from paper" (see
pastoral/paper).

A physical intervention entered from paper is "recorded at" the time written on the sheet, so one written on the
day is not flagged as recorded late for having waited on paper. An incident's detail hangs off its behaviour event:
the event is logged first (at the time on the sheet), then its incident detail is entered from paper.
"""

from django.urls import reverse

from pastoral.paper.apps import register_kind

INCIDENT = "behaviour.incident"
INTERVENTION = "behaviour.intervention"


def _incident_stamp(incident, written_at):
    from .models import Incident

    Incident.objects.filter(pk=incident.pk).update(created_at=written_at)
    incident.created_at = written_at


def _intervention_stamp(record, written_at):
    from .models import RestrictiveIntervention

    RestrictiveIntervention.objects.filter(pk=record.pk).update(recorded_at=written_at)
    record.recorded_at = written_at


def _incident_form(user, school):
    from .incidents.forms import IncidentForm

    return IncidentForm(user=user, school=school)


def _intervention_form(user, school):
    from .interventions.forms import InterventionForm

    return InterventionForm(user=user, school=school)


def register():
    from .incidents.selectors import incidents_visible_to
    from .interventions.selectors import restrictive_interventions_visible_to
    from .models import Incident, RestrictiveIntervention

    register_kind(
        INCIDENT,
        title="Behaviour incident",
        permission="behaviour.record_event",
        model=Incident,
        visible=incidents_visible_to,
        url=lambda incident: reverse("behaviour:incident_detail", args=[incident.code]),
        blank_form=_incident_form,
        skip=("submission_key",),
        extra=(
            ("Pupils", "Every pupil whose behaviour this is (others involved are asked below)"),
            ("When it happened", "", "datetime"),
            ("Where", ""),
            ("Behaviour category", "As on the behaviour log (e.g. Disruption, Defiance, Physical aggression)"),
        ),
        stamp=_incident_stamp,
        how_to_enter="log the behaviour event with the time on the sheet, open it, choose “Add incident detail”, "
        "then “Enter it from paper”",
    )
    register_kind(
        INTERVENTION,
        title="Physical intervention (reasonable force)",
        permission="behaviour.record_intervention",
        model=RestrictiveIntervention,
        visible=restrictive_interventions_visible_to,
        url=lambda record: reverse("behaviour:intervention_detail", args=[record.code]),
        blank_form=_intervention_form,
        skip=("submission_key",),
        stamp=_intervention_stamp,
        create_url="behaviour:intervention_create",
    )
