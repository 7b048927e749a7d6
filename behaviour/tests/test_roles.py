"""Every pupil on a shared event or an incident has a role: instigator, target, witness, involved or bystander."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.events.chronology import events_for_chronology
from behaviour.incidents import selectors as incident_selectors
from behaviour.incidents import services as incident_services
from behaviour.incidents.chronology import incidents_for_chronology
from behaviour.models import BehaviourEvent, BehaviourEventRevision, Incident, IncidentPupil, IncidentRevision
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import export_csv
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def _log(client, pupils, category, roles=None, **extra):
    data = {
        "pupils": [str(p.code) for p in pupils],
        "category": category.code,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "description": "Pushing in the lunch queue",
        "submission_key": str(uuid.uuid4()),
        **{f"pupils_role_{pupil.code}": role for pupil, role in (roles or {}).items()},
        **extra,
    }
    return client.post(reverse("behaviour:quick_log"), data)


@pytest.fixture
def trio(school, pupil):
    return [
        pupil,
        PupilFactory(school=school, legal_first_name="Bilal", legal_last_name="Okafor"),
        PupilFactory(school=school, legal_first_name="Cara", legal_last_name="Nwosu"),
    ]


def test_the_quick_log_saves_each_pupils_role(client, teacher, trio, disruption, as_user):
    zoe, bilal, cara = trio
    as_user(teacher)
    response = _log(client, trio, disruption, roles={zoe: "instigator", bilal: "target"})
    assert response.status_code == 302
    roles = {event.pupil: event.role for event in BehaviourEvent.objects.all()}
    # Cara's role was not chosen: she is "involved", the default, so the quick log needs no extra tap.
    assert roles == {zoe: "instigator", bilal: "target", cara: "involved"}
    assert len(set(BehaviourEvent.objects.values_list("group", flat=True))) == 1
    audit = AuditEntry.objects.get(action="behaviour.event.recorded", pupil=bilal)
    assert audit.data["role"] == "target"
    event = BehaviourEvent.objects.get(pupil=zoe)
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert '<dt class="col-sm-3">Role</dt><dd class="col-sm-9">Instigator</dd>' in page
    assert "Bilal Okafor</a> (target)" in page and "Cara Nwosu</a> (involved)" in page
    listing = client.get(reverse("behaviour:event_list")).content.decode()
    assert "<td>Instigator</td>" in listing and "<td>Target</td>" in listing
    only_targets = client.get(reverse("behaviour:event_list"), {"role": "target"})
    assert [row.pupil for row in only_targets.context["page"]] == [bilal]


def test_the_quick_log_shows_a_role_select_beside_each_chosen_pupil(client, teacher, trio, disruption, as_user):
    zoe, bilal, _cara = trio
    as_user(teacher)
    page = client.get(reverse("behaviour:quick_log"), {"pupil": zoe.code}).content.decode()
    assert f'name="pupils_role_{zoe.code}"' in page and 'aria-label="Role of Zoë Ainsworth' in page
    assert 'value="involved" selected' in page
    # Refused for a missing description, the form keeps each chosen pupil's role.
    response = _log(client, [zoe, bilal], disruption, roles={bilal: "witness"}, description="")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index(f'name="pupils_role_{bilal.code}"')
    assert '<option value="witness" selected>' in page[start : page.index("</select>", start)]
    assert not BehaviourEvent.objects.exists()


def test_without_javascript_a_typed_name_can_carry_its_role(client, teacher, trio, disruption, as_user):
    zoe, bilal, cara = trio
    as_user(teacher)
    response = _log(client, [], disruption, pupils_text="Zoë Ainsworth: Instigator\nBilal Okafor: target\nCara Nwosu")
    assert response.status_code == 302
    roles = {event.pupil: event.role for event in BehaviourEvent.objects.all()}
    assert roles == {zoe: "instigator", bilal: "target", cara: "involved"}


def test_a_role_not_on_the_list_is_refused(client, teacher, trio, disruption, as_user):
    as_user(teacher)
    response = _log(client, trio[:1], disruption, roles={trio[0]: "ringleader"})
    assert response.status_code == 200
    assert "Choose a role from the list." in response.context["form"].errors["pupils"]
    assert not BehaviourEvent.objects.exists()


def test_another_schools_pupil_and_event_stay_out_of_reach(
    client, teacher, school, disruption, other_school_pupil, as_user
):
    as_user(teacher)
    response = _log(client, [other_school_pupil], disruption, roles={other_school_pupil: "target"})
    assert response.status_code == 200 and "pupils" in response.context["form"].errors
    elsewhere = BehaviourEventFactory(pupil=other_school_pupil, role="target")
    assert client.get(reverse("behaviour:event_detail", args=[elsewhere.code])).status_code == 404
    assert client.post(reverse("behaviour:event_edit", args=[elsewhere.code]), {"role": "witness"}).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == "target"


def test_an_edit_changes_the_role_with_a_reason_kept_in_the_history(client, teacher, pupil, disruption, as_user):
    event = BehaviourEventFactory(pupil=pupil, category=disruption, recorded_by=teacher)
    assert event.role == "involved"
    as_user(teacher)
    url = reverse("behaviour:event_edit", args=[event.code])
    assert 'name="role"' in client.get(url).content.decode()
    data = {
        "category": disruption.code,
        "role": "instigator",
        "occurred_at": timezone.localtime(event.occurred_at).strftime("%Y-%m-%dT%H:%M"),
        "description": event.description,
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "change_reason" in refused.context["form"].errors
    event.refresh_from_db()
    assert event.role == "involved"
    response = client.post(url, {**data, "change_reason": "The CCTV showed who started it"})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.role == "instigator"
    revision = BehaviourEventRevision.objects.get(event=event)
    assert revision.rows() == [("Role", "Involved", "Instigator")]
    assert revision.reason == "The CCTV showed who started it"
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert "The CCTV showed who started it" in page and "Instigator" in page


def test_the_chronology_line_names_the_role(teacher, pupil, disruption):
    BehaviourEventFactory(pupil=pupil, category=disruption, role="target", description="Pushed over")
    [item] = events_for_chronology(teacher, pupil, 10)
    assert item.summary.startswith("Role: target. Pushed over")


@pytest.fixture
def fight(school, trio):
    """A fight logged for Zoë (instigator) and Bilal (target)."""
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    first = BehaviourEventFactory(pupil=trio[0], category=fighting, role="instigator")
    second = BehaviourEventFactory(pupil=trio[1], category=fighting, role="target", group=first.group)
    return first, second


def test_an_incident_takes_its_events_roles_and_sets_each_pupils(client, teacher, trio, fight, as_user):
    zoe, bilal, cara = trio
    as_user(teacher)
    url = reverse("behaviour:incident_create", args=[fight[0].code])
    page = client.get(url).content.decode()
    # Each event's pupil has a role select, starting at their event's role.
    start = page.index(f'name="role_{bilal.code}"')
    assert '<option value="target" selected>' in page[start : page.index("</select>", start)]
    response = client.post(
        url,
        {
            "submission_key": str(uuid.uuid4()),
            "antecedent": "Queue for lunch",
            "behaviour": "Punches thrown",
            "dysregulated": "no",
            f"role_{zoe.code}": "instigator",
            f"role_{bilal.code}": "target",
            "other_pupils": [str(cara.code)],
            f"other_pupils_role_{cara.code}": "witness",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    roles = dict(IncidentPupil.objects.filter(incident=incident).values_list("pupil__legal_first_name", "role"))
    assert roles == {"Zoë": "instigator", "Bilal": "target", "Cara": "witness"}
    detail = client.get(response.url).content.decode()
    assert "Zoë Ainsworth</a> (instigator)" in detail and "Cara Nwosu</a> (witness)" in detail
    listing = client.get(reverse("behaviour:incident_list")).content.decode()
    assert "Bilal Okafor (target)" in listing
    [line] = incidents_for_chronology(teacher, cara, 10)
    assert line.summary.startswith("Role: witness;")


def test_an_incident_made_by_the_service_defaults_to_the_events_roles(teacher, trio, fight):
    incident = incident_services.incident_record(
        actor=teacher,
        event=fight[1],
        submission_key=uuid.uuid4(),
        other_pupils=[trio[2]],
        antecedent="a",
        behaviour="b",
        dysregulated="no",
    )
    roles = {item.pupil: item.role for item in incident.involvements.all()}
    assert roles == {trio[0]: "instigator", trio[1]: "target", trio[2]: "involved"}


def test_an_incident_edit_changes_roles_with_its_history(client, pastoral_staff, trio, fight, as_user):
    zoe, bilal, cara = trio
    incident = incident_services.incident_record(
        actor=pastoral_staff,
        event=fight[0],
        submission_key=uuid.uuid4(),
        antecedent="a",
        behaviour="b",
        dysregulated="no",
    )
    as_user(pastoral_staff)
    url = reverse("behaviour:incident_edit", args=[incident.code])
    page = client.get(url).content.decode()
    assert f'name="role_{zoe.code}"' in page and f'name="role_{bilal.code}"' in page
    data = {
        "antecedent": "a",
        "behaviour": "b",
        "dysregulated": "no",
        f"role_{zoe.code}": "involved",
        f"role_{bilal.code}": "involved",
        "other_pupils": [str(cara.code)],
        f"other_pupils_role_{cara.code}": "bystander",
        "change_reason": "Both joined in, by the witness statements",
    }
    assert client.post(url, data).status_code == 302
    roles = {item.pupil: item.role for item in incident.involvements.all()}
    assert roles == {zoe: "involved", bilal: "involved", cara: "bystander"}
    revision = IncidentRevision.objects.get(incident=incident)
    assert revision.changes["roles"] == [
        "Bilal Okafor: target; Zoë Ainsworth: instigator",
        "Bilal Okafor: involved; Cara Nwosu: bystander; Zoë Ainsworth: involved",
    ]
    assert ("Roles", *revision.changes["roles"]) in revision.rows()
    # The form shows the other pupil's chip with the role chosen.
    page = client.get(url).content.decode()
    start = page.index(f'name="other_pupils_role_{cara.code}"')
    assert '<option value="bystander" selected>' in page[start : page.index("</select>", start)]


def test_the_csv_exports_carry_the_roles(client, as_user, pastoral_lead, school, trio, fight, capture):
    incident_services.incident_record(
        actor=pastoral_lead,
        event=fight[0],
        submission_key=uuid.uuid4(),
        antecedent="a",
        behaviour="b",
        dysregulated="no",
    )
    as_user(pastoral_lead)
    events = export_csv(client, capture, pastoral_lead, "behaviour.events_csv")
    assert events[0][-2:] == ["Role", "Voided"]
    assert sorted(row[-2] for row in events[1:]) == ["Instigator", "Target"]
    incidents = export_csv(client, capture, pastoral_lead, "behaviour.incidents_csv")
    assert incidents[0][-2:] == ["Roles", "Voided"]
    assert incidents[1][-2] == "Zoë Ainsworth: Instigator; Bilal Okafor: Target"


def test_the_analytics_page_counts_events_by_role(client, as_user, headteacher, school, trio, disruption):
    today = timezone.localdate()
    for pupil, role in [(trio[0], "instigator"), (trio[0], "instigator"), (trio[1], "target"), (trio[2], "witness")]:
        BehaviourEventFactory(pupil=pupil, category=disruption, role=role)
    as_user(headteacher)
    response = client.get(reverse("behaviour:analytics"), {"start": today.isoformat(), "end": today.isoformat()})
    assert response.status_code == 200
    rows = {row["role"]: (row["events"], row["negative"], row["positive"]) for row in response.context["by_role"]}
    assert rows == {
        "Instigator": (2, 2, 0),
        "Target": (1, 1, 0),
        "Witness": (1, 1, 0),
        "Involved": (0, 0, 0),
        "Bystander": (0, 0, 0),
    }
    assert "Events by the pupil's role" in response.content.decode()
    only = client.get(
        reverse("behaviour:analytics"), {"start": today.isoformat(), "end": today.isoformat(), "role": "instigator"}
    )
    assert only.context["totals"]["events"] == 2


def test_the_patterns_page_shows_pupils_most_often_instigator_or_target(client, dsl, school, trio, disruption, as_user):
    zoe, bilal, cara = trio
    for pupil, role in [(zoe, "instigator")] * 3 + [(bilal, "target")] * 2 + [(cara, "target"), (cara, "witness")]:
        BehaviourEventFactory(pupil=pupil, category=disruption, role=role)
    old = BehaviourEventFactory(pupil=cara, category=disruption, role="target")
    BehaviourEvent.objects.filter(pk=old.pk).update(occurred_at=timezone.now() - datetime.timedelta(days=900))
    voided = BehaviourEventFactory(pupil=cara, category=disruption, role="target")
    BehaviourEvent.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    today = timezone.localdate()
    roles = incident_selectors.role_patterns(dsl, school, today - datetime.timedelta(days=30), today)
    assert [(row["name"], row["instigator"], row["target"]) for row in roles["instigators"]] == [
        ("Zoë Ainsworth", 3, 0)
    ]
    # Cara's other targets are outside the dates or voided, so she is a target once: not a pattern.
    assert [(row["name"], row["instigator"], row["target"]) for row in roles["targets"]] == [("Bilal Okafor", 0, 2)]
    as_user(dsl)
    page = client.get(reverse("behaviour:bullying_patterns")).content.decode()
    assert "Most often the instigator" in page and "Most often the target" in page
    assert "Zoë Ainsworth" in page and "Bilal Okafor" in page
