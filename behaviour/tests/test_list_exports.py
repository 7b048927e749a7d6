"""CSV exports of the behaviour lists and the analytics page, built by the export machinery."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.incidents import services
from behaviour.incidents.exports import BULLYING_COLUMNS, INCIDENT_COLUMNS
from behaviour.models import FollowUpAction, Suspension
from behaviour.removals.exports import REMOVAL_COLUMNS
from behaviour.restorative.exports import RESTORATIVE_COLUMNS
from behaviour.restorative.services import restorative_meeting_record
from behaviour.suspensions.exports import SUSPENSION_COLUMNS
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry, Membership
from pastoral.tests.export_helpers import ask, export_csv, latest
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory, RemovalFactory
from .test_suspensions import autumn, calendar, codes, draft, finalised, reason_codes  # noqa: F401


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_removals_csv_matches_the_list_and_quotes_formulas(
    client, as_user, pastoral_lead, teacher, school, pupil, other_school_pupil, capture
):
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_to="=HYPERLINK(1)", lesson="P3 Maths")
    RemovalFactory(pupil=pupil, recorded_by=teacher, voided_at=timezone.now(), void_reason="Wrong pupil")
    RemovalFactory(pupil=other_school_pupil, removed_to="Elsewhere")
    as_user(pastoral_lead)
    page = client.get(reverse("behaviour:removal_list"))
    assert 'value="behaviour.removals_csv"' in page.content.decode()
    rows = export_csv(client, capture, pastoral_lead, "behaviour.removals_csv")
    assert rows[0] == REMOVAL_COLUMNS
    assert len(rows) - 1 == len(page.context["page"]) == 2  # a lead sees the voided one too
    assert {row[1] for row in rows[1:]} == {pupil.display_name}
    assert any(row[5] == "'=HYPERLINK(1)" for row in rows) and any(row[-1] == "Voided: Wrong pupil" for row in rows)
    assert "Elsewhere" not in str(rows)
    assert AuditEntry.objects.filter(action="behaviour.removals.exported", data__rows=2).exists()

    as_user(teacher)  # teachers see the list without voided records
    rows = export_csv(client, capture, teacher, "behaviour.removals_csv")
    assert len(rows) == 2 and rows[1][-1] == ""


def test_restorative_csv(client, as_user, pastoral_staff, teacher, school, pupil, capture):
    first = BehaviourEventFactory(pupil=pupil)
    other = PupilFactory(school=school, legal_first_name="Bilal")
    second = BehaviourEventFactory(pupil=other, group=first.group)
    restorative_meeting_record(
        actor=teacher, school=school, incidents=[first, second], agreed="Shook hands", repair_happened="yes"
    )
    as_user(pastoral_staff)
    rows = export_csv(client, capture, pastoral_staff, "behaviour.restorative_csv")
    assert rows[0] == RESTORATIVE_COLUMNS and len(rows) == 2
    assert rows[1][1] == "; ".join(sorted([pupil.display_name, other.display_name], key=lambda n: n.split()[-1]))
    assert rows[1][2] == "2" and rows[1][4] == "Shook hands"


def _incident(actor, event, **fields):
    data = {"antecedent": "Before", "behaviour": "Threw a chair", "dysregulated": "no", **fields}
    return services.incident_record(actor=actor, event=event, submission_key=uuid.uuid4(), **data)


def test_incidents_csv_keeps_the_overdue_filter(client, as_user, pastoral_lead, teacher, school, pupil, capture):
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    late = _incident(teacher, BehaviourEventFactory(pupil=pupil, category=fighting))
    _incident(teacher, BehaviourEventFactory(pupil=pupil, category=fighting), behaviour="Swore")
    action = services.follow_up_add(
        actor=teacher,
        incident=late,
        description="Call home",
        owner=teacher,
        due_on=timezone.localdate(),
        submission_key=uuid.uuid4(),
    )
    FollowUpAction.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    as_user(pastoral_lead)
    rows = export_csv(client, capture, pastoral_lead, "behaviour.incidents_csv")
    assert rows[0] == INCIDENT_COLUMNS and len(rows) == 3
    page = client.get(reverse("behaviour:incident_list") + "?overdue=1")
    assert 'name="query" value="overdue=1"' in page.content.decode()
    rows = export_csv(client, capture, pastoral_lead, "behaviour.incidents_csv", "overdue=1")
    assert len(rows) == 2 == len(page.context["page"]) + 1
    assert rows[1][2] == "Threw a chair" and rows[1][7] == "1"


def test_bullying_csv_for_the_register_readers_only(
    client, as_user, pastoral_staff, teacher, school, pupil, other_school_pupil, other_school_dsl, capture
):
    bully = PupilFactory(school=school, legal_first_name="Bradley", legal_last_name="Hart")
    services.bullying_record(
        actor=teacher,
        school=school,
        submission_key=uuid.uuid4(),
        types=["verbal"],
        description="Name-calling",
        victims=[pupil],
        perpetrators=[bully],
        occurred_on=timezone.localdate(),
    )
    as_user(pastoral_staff)
    rows = export_csv(client, capture, pastoral_staff, "behaviour.bullying_csv")
    assert rows[0] == BULLYING_COLUMNS and len(rows) == 2
    assert (rows[1][3], rows[1][4]) == (pupil.display_name, bully.display_name)
    as_user(teacher)  # reports bullying, does not read the register
    assert ask(client, capture, "behaviour.bullying_csv").status_code == 403
    as_user(other_school_dsl)
    rows = export_csv(client, capture, other_school_dsl, "behaviour.bullying_csv")
    assert rows == [BULLYING_COLUMNS]


def test_suspensions_csv_uses_the_page_filters(client, as_user, headteacher, dsl, pupil, autumn, capture):  # noqa: F811
    finalised(headteacher, pupil, autumn[0], 8)
    draft(dsl, pupil, autumn[10], 2)
    finalised(headteacher, pupil, autumn[20], None, kind=Suspension.Kind.PERMANENT, reasons=codes("PA"))
    as_user(dsl)
    rows = export_csv(client, capture, dsl, "behaviour.suspensions_csv")
    assert rows[0] == SUSPENSION_COLUMNS and len(rows) == 4
    rows = export_csv(client, capture, dsl, "behaviour.suspensions_csv", "status=finalised&kind=suspension")
    assert len(rows) == 2 and rows[1][:2] == [autumn[0].isoformat(), autumn[3].isoformat()]
    assert rows[1][5] == "Suspension" and rows[1][8] == "Finalised"
    assert rows[1][7].startswith("DB ")
    page = client.get(reverse("behaviour:suspension_list"), {"status": "draft"})
    rows = export_csv(client, capture, dsl, "behaviour.suspensions_csv", "status=draft")
    assert len(rows) - 1 == len(page.context["page"]) == 1


def test_the_permission_is_checked_again_at_download(client, as_user, pastoral_lead, school, pupil, capture):
    RemovalFactory(pupil=pupil)
    as_user(pastoral_lead)
    ask(client, capture, "behaviour.removals_csv")
    generated_file = latest(pastoral_lead, "behaviour.removals_csv")
    assert generated_file.status == "done"
    Membership.objects.filter(user=pastoral_lead).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    make_staff(school, Role.IT_ADMIN, "someone-else")
    pastoral_lead.memberships.create(trust=school.trust, school=school, role=Role.IT_ADMIN)
    as_user(pastoral_lead)
    assert client.get(reverse("pastoral:export_download", args=[generated_file.code])).status_code == 404


def test_every_list_page_offers_its_export(client, as_user, headteacher, pupil, autumn):  # noqa: F811
    as_user(headteacher)
    for url, kind in [
        ("behaviour:removal_list", "behaviour.removals_csv"),
        ("behaviour:restorative_list", "behaviour.restorative_csv"),
        ("behaviour:incident_list", "behaviour.incidents_csv"),
        ("behaviour:bullying_list", "behaviour.bullying_csv"),
        ("behaviour:suspension_list", "behaviour.suspensions_csv"),
        ("behaviour:intervention_list", "behaviour.interventions_csv"),
        ("behaviour:training_list", "behaviour.training_csv"),
        ("behaviour:analytics", "behaviour.analytics_csv"),
        ("behaviour:intervention_oversight", "behaviour.interventions_oversight_csv"),
    ]:
        body = client.get(reverse(url)).content.decode()
        assert f'value="{kind}"' in body, url


def test_the_kind_filter_of_a_page_reaches_the_export(client, as_user, pastoral_lead, school, pupil, capture):
    from pastoral.files import exports

    assert exports.parameters_from_query("kind=negative&page=2") == {"kind": "negative"}
    BehaviourEventFactory(pupil=pupil, category=BehaviourCategoryFactory(school=school, kind="positive"))
    BehaviourEventFactory(pupil=pupil, category=BehaviourCategoryFactory(school=school, kind="negative"))
    as_user(pastoral_lead)
    rows = export_csv(client, capture, pastoral_lead, "behaviour.events_csv", "kind=negative")
    assert len(rows) == 2 and rows[1][4] == "Negative"


def test_a_trust_leader_exports_analytics_for_all_their_schools(
    client, as_user, trust_leader, school, pupil, other_school_pupil, capture
):
    BehaviourEventFactory(pupil=pupil)
    BehaviourEventFactory(pupil=other_school_pupil)
    as_user(trust_leader)
    rows = export_csv(client, capture, trust_leader, "behaviour.analytics_csv", "school=all")
    assert len(rows) == 3 and {row[1] for row in rows[1:]} == {school.name, other_school_pupil.school.name}
