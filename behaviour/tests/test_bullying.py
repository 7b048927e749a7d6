import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.incidents import selectors, services
from behaviour.incidents.chronology import bullying_for_chronology
from behaviour.models import BullyingIncident, BullyingInvolvement
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourEventFactory


@pytest.fixture
def bully(school):
    return PupilFactory(school=school, legal_first_name="Bradley", legal_last_name="Hart")


def _form(victims, perpetrators=(), **overrides):
    data = {
        "submission_key": str(uuid.uuid4()),
        "types": ["verbal", "racist"],
        "occurred_on": timezone.localdate().isoformat(),
        "victims": [pupil.code for pupil in victims],
        "perpetrators": [pupil.code for pupil in perpetrators],
        "description": "Racist name-calling in the corridor, three times this week",
        "outcome": "investigating",
        "outcome_notes": "Statements being taken",
    }
    data.update(overrides)
    return data


def _record(actor, victims, perpetrators=(), *, types=("verbal",), days_ago=0, **fields):
    return services.bullying_record(
        actor=actor,
        school=victims[0].school,
        submission_key=uuid.uuid4(),
        types=list(types),
        description="Happened",
        victims=victims,
        perpetrators=perpetrators,
        occurred_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        **fields,
    )


def test_it_records_victims_and_perpetrators_in_their_roles(client, pastoral_staff, pupil, bully, as_user):
    as_user(pastoral_staff)
    response = client.post(reverse("behaviour:bullying_create"), _form([pupil], [bully]))
    record = BullyingIncident.objects.get()
    assert response.status_code == 302 and response.url == reverse("behaviour:bullying_detail", args=[record.code])
    assert record.types == ["verbal", "racist"] and record.prejudice_related
    roles = set(BullyingInvolvement.objects.values_list("pupil__legal_first_name", "role"))
    assert roles == {("Zoë", "victim"), ("Bradley", "perpetrator")}
    assert AuditEntry.objects.filter(action="behaviour.bullying.recorded", pupil=pupil).count() == 1
    page = client.get(response.url).content.decode()
    assert "Verbal, Racist" in page and "Prejudice-related" in page and "Bradley" in page
    assert AuditEntry.objects.filter(action="behaviour.bullying.viewed", actor=pastoral_staff).count() == 1


def test_it_creates_one_record_when_the_form_is_sent_twice(client, pastoral_staff, pupil, bully, as_user):
    as_user(pastoral_staff)
    data = _form([pupil], [bully])
    first = client.post(reverse("behaviour:bullying_create"), data)
    second = client.post(reverse("behaviour:bullying_create"), data)
    assert BullyingIncident.objects.count() == 1 and BullyingInvolvement.objects.count() == 2
    assert first.url == second.url


def test_a_teacher_reports_bullying_but_does_not_read_the_register(client, teacher, pupil, bully, as_user):
    as_user(teacher)
    page = client.get(reverse("behaviour:event_list")).content.decode()
    assert f'href="{reverse("behaviour:bullying_create")}">Bullying' in page
    response = client.post(reverse("behaviour:bullying_create"), _form([pupil], [bully]))
    assert response.status_code == 302 and response.url == reverse("behaviour:event_list")
    record = BullyingIncident.objects.get()
    assert record.recorded_by == teacher
    assert client.get(reverse("behaviour:bullying_detail", args=[record.code])).status_code == 403
    assert client.get(reverse("behaviour:bullying_list")).status_code == 403
    assert client.get(reverse("behaviour:bullying_patterns")).status_code == 403


def test_it_keeps_every_typed_value_when_invalid(client, pastoral_staff, pupil, bully, as_user):
    as_user(pastoral_staff)
    data = _form([pupil, bully], [bully], outcome="monitoring")
    response = client.post(reverse("behaviour:bullying_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"perpetrators"}
    page = response.content.decode()
    assert "cannot be both bullied and bullying" in page and 'href="#id_perpetrators"' in page
    assert re.search(r'value="verbal"[^>]*checked', page) and re.search(r'value="racist"[^>]*checked', page)
    assert not re.search(r'value="cyber"[^>]*checked', page)
    assert f'name="victims" value="{pupil.code}" checked' in page
    assert page.count(f'value="{bully.code}" checked') == 2  # chosen as both, and kept in both for correcting
    assert 'value="monitoring" selected' in page and "Statements being taken" in page
    assert "Racist name-calling in the corridor" in page
    assert not BullyingIncident.objects.exists()


def test_it_requires_a_type_and_a_victim(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    response = client.post(reverse("behaviour:bullying_create"), _form([], types=[]))
    assert set(response.context["form"].errors) == {"types", "victims"}
    assert not BullyingIncident.objects.exists()
    with pytest.raises(PastoralError):
        _record(pastoral_staff, [pupil], [pupil])


def test_it_links_to_an_incident_and_its_events(client, dsl, pupil, bully, as_user):
    event = BehaviourEventFactory(pupil=bully)
    incident = services.incident_record(
        actor=dsl, event=event, submission_key=uuid.uuid4(), antecedent="a", behaviour="b", dysregulated="no"
    )
    as_user(dsl)
    page = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    create = reverse("behaviour:bullying_create") + f"?incident={incident.code}"
    assert create in page
    response = client.post(create, _form([pupil], [bully]))
    record = BullyingIncident.objects.get()
    assert response.status_code == 302 and record.incident == incident and list(record.events.all()) == [event]
    page = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert reverse("behaviour:bullying_detail", args=[record.code]) in page


def test_it_hides_another_schools_records(client, dsl, other_school_dsl, other_school_pupil, as_user):
    record = _record(other_school_dsl, [other_school_pupil])
    as_user(dsl)
    assert client.get(reverse("behaviour:bullying_detail", args=[record.code])).status_code == 404
    assert client.post(reverse("behaviour:bullying_void", args=[record.code]), {"reason": "x"}).status_code == 404
    assert str(record.code) not in client.get(reverse("behaviour:bullying_list")).content.decode()
    assert "Oscar" not in client.get(reverse("behaviour:bullying_patterns")).content.decode()


def test_it_voids_with_a_reason(client, pastoral_staff, pastoral_lead, pupil, as_user):
    record = _record(pastoral_staff, [pupil])
    url = reverse("behaviour:bullying_void", args=[record.code])
    as_user(pastoral_staff)
    assert client.post(url, {"reason": "Wrong"}).status_code == 403
    as_user(pastoral_lead)
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Not bullying: a one-off falling out"}).status_code == 302
    record.refresh_from_db()
    assert record.voided_by == pastoral_lead and record.void_reason.startswith("Not bullying")
    assert AuditEntry.objects.filter(action="behaviour.bullying.voided").count() == 1
    as_user(pastoral_staff)
    assert client.get(reverse("behaviour:bullying_detail", args=[record.code])).status_code == 403


def test_the_chronology_shows_roles_to_the_pastoral_team_only(pastoral_staff, teacher, pupil, bully):
    _record(pastoral_staff, [pupil], [bully], types=("cyber", "hbt"))
    victim_items = bullying_for_chronology(pastoral_staff, pupil, 200)
    assert [item.title for item in victim_items] == [
        "Bullying – bullied (victim): Cyber / online, Homophobic / biphobic / transphobic"
    ]
    assert bullying_for_chronology(pastoral_staff, bully, 200)[0].title.startswith(
        "Bullying – bullying others (perpetrator)"
    )
    for person in (pupil, bully):
        (item,) = bullying_for_chronology(teacher, person, 200)
        assert item.title == "Bullying record" and item.url == "" and "victim" not in item.summary


def test_the_patterns_page_shows_repeat_victims_and_perpetrators(client, dsl, school, pupil, bully, as_user):
    other = PupilFactory(school=school, legal_first_name="Priya")
    _record(dsl, [pupil], [bully], types=("verbal", "racist"))
    _record(dsl, [pupil], [bully], types=("cyber",), days_ago=3)
    _record(dsl, [pupil], [other], types=("verbal",), days_ago=5)
    _record(dsl, [other], [], types=("physical",))
    _record(dsl, [other], [bully], types=("physical",), days_ago=800)  # outside the academic year
    voided = _record(dsl, [other], [bully], types=("verbal",))
    services.bullying_void(actor=dsl, record=voided, reason="Duplicate")
    patterns = selectors.bullying_patterns(
        dsl, school, timezone.localdate() - datetime.timedelta(days=30), timezone.localdate()
    )
    # Priya was bullied twice more, but once outside the dates and once in a voided record.
    assert [(row["name"], row["times"]) for row in patterns["victims"]] == [("Zoë Ainsworth", 3)]
    assert [(row["name"], row["times"]) for row in patterns["perpetrators"]] == [("Bradley Hart", 2)]
    assert patterns["total"] == 4
    by_type = dict(patterns["by_type"])
    assert by_type["Verbal"] == 2 and by_type["Racist"] == 1 and by_type["Cyber / online"] == 1
    assert by_type["Physical"] == 1
    only_cyber = selectors.bullying_patterns(
        dsl, school, timezone.localdate() - datetime.timedelta(days=30), timezone.localdate(), types=["cyber"]
    )
    assert only_cyber["victims"] == [] and only_cyber["total"] == 1
    as_user(dsl)
    page = client.get(reverse("behaviour:bullying_patterns")).content.decode()
    assert "Repeat victims" in page and "Zoë Ainsworth" in page and "Bradley Hart" in page
    assert "Show “Bullying records by type” as a table" in page
    assert AuditEntry.objects.filter(action="behaviour.bullying.patterns_viewed", actor=dsl).count() == 1


def test_the_patterns_page_costs_the_same_queries_as_records_grow(
    client, dsl, school, django_assert_max_num_queries, as_user
):
    as_user(dsl)
    victim = PupilFactory(school=school)
    _record(dsl, [victim], [PupilFactory(school=school)])
    _record(dsl, [victim], [PupilFactory(school=school)])
    client.get(reverse("behaviour:bullying_patterns"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("behaviour:bullying_patterns"))
    for _ in range(10):
        again = PupilFactory(school=school)
        bully = PupilFactory(school=school)
        _record(dsl, [again], [bully], types=("verbal", "cyber"))
        _record(dsl, [again], [bully], types=("physical",))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:bullying_patterns"))
    page = response.content.decode()
    assert page.count('<th scope="row"><a href="/pupils/') == 21


def test_the_list_costs_the_same_queries_as_records_grow(
    client, pastoral_staff, school, django_assert_max_num_queries, as_user
):
    as_user(pastoral_staff)
    _record(pastoral_staff, [PupilFactory(school=school)], [PupilFactory(school=school)])
    client.get(reverse("behaviour:bullying_list"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("behaviour:bullying_list"))
    for _ in range(15):
        _record(pastoral_staff, [PupilFactory(school=school)], [PupilFactory(school=school)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:bullying_list"))
    assert response.content.decode().count("<tr") == 17


def test_the_outcome_moves_on_with_history(client, pastoral_staff, teacher, pupil, bully, as_user):
    record = _record(pastoral_staff, [pupil], [bully])
    url = reverse("behaviour:bullying_outcome", args=[record.code])
    as_user(teacher)
    assert client.post(url, {"outcome": "resolved"}).status_code == 403
    as_user(pastoral_staff)
    assert client.get(url).status_code == 405
    response = client.post(url, {"outcome": "nonsense", "outcome_notes": "Spoke to both families"})
    assert response.status_code == 400 and "Spoke to both families" in response.content.decode()
    # A change says why: without a reason nothing is saved and what was typed stays in the form.
    response = client.post(url, {"outcome": "monitoring", "outcome_notes": "Spoke to both families"})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert "Spoke to both families" in response.content.decode()
    record.refresh_from_db()
    assert record.outcome != "monitoring" and not record.revisions.exists()
    posted = {"outcome": "monitoring", "outcome_notes": "Spoke to both families", "change_reason": "Families met"}
    assert client.post(url, posted).status_code == 302
    record.refresh_from_db()
    assert record.outcome == "monitoring" and record.outcome_notes == "Spoke to both families"
    (revision,) = record.revisions.all()
    assert revision.changed_by == pastoral_staff and revision.reason == "Families met"
    assert revision.changes["outcome"] == ["Being investigated", "Upheld, being monitored"]
    assert AuditEntry.objects.filter(action="behaviour.bullying.changed").count() == 1
    page = client.get(reverse("behaviour:bullying_detail", args=[record.code])).content.decode()
    assert "“Being investigated” → “Upheld, being monitored”" in page and "Why: Families met" in page
