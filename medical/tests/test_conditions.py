import pytest
from django.urls import reverse

from medical.models import MedicalCondition
from medical.tests.factories import ConditionFactory
from pastoral.models import AuditEntry


def _post(client, **extra):
    data = {
        "pupil": "",
        "other_name": "Anaphylaxis",
        "severity": "life",
        "alert": "Severe nut allergy: two adrenaline pens in the medical room and in her bag",
        "identified_on": "2026-01-05",
        "needs_plan": "on",
        "submission_key": "0b3cbb1e-9d6f-4e2b-9f76-ffcb0f9d4c11",
    }
    data.update(extra)
    return client.post(reverse("medical:condition_create"), data)


def test_it_records_a_condition_and_shows_its_alert_to_every_member_of_staff(as_user, medical_lead, pupil, client):
    response = _post(as_user(medical_lead), pupil=str(pupil.code))
    condition = MedicalCondition.objects.get()
    assert response.status_code == 302
    assert (condition.pupil, condition.severity, condition.recorded_by) == (pupil, "life", medical_lead)
    pupil.refresh_from_db()
    assert pupil.medical_alert.startswith("Severe nut allergy")
    assert AuditEntry.objects.filter(action="medical.condition.recorded", pupil=pupil).exists()
    # A double submit makes one condition.
    _post(client, pupil=str(pupil.code))
    assert MedicalCondition.objects.count() == 1


def test_it_rebuilds_the_alert_most_severe_first_and_drops_a_voided_one(as_user, medical_lead, pupil):
    mild = ConditionFactory(pupil=pupil, severity="mild", alert="Eczema: cream in office", recorded_by=medical_lead)
    client = as_user(medical_lead)
    _post(client, pupil=str(pupil.code))
    pupil.refresh_from_db()
    assert (
        pupil.medical_alert
        == "Severe nut allergy: two adrenaline pens in the medical room and in her bag; Eczema: cream in office"
    )
    client.post(
        reverse("medical:condition_void", args=[MedicalCondition.objects.exclude(pk=mild.pk).get().code]),
        {"reason": "Wrong pupil"},
    )
    pupil.refresh_from_db()
    assert pupil.medical_alert == "Eczema: cream in office"


def test_it_audits_every_read_and_every_refusal(as_user, medical_lead, dsl, teacher, other_school_dsl, pupil):
    condition = ConditionFactory(pupil=pupil, recorded_by=medical_lead)
    url = reverse("medical:condition_detail", args=[condition.code])
    assert as_user(dsl).get(url).status_code == 200
    assert AuditEntry.objects.filter(action="medical.condition.viewed", actor=dsl, pupil=pupil).count() == 1
    assert as_user(teacher).get(url).status_code == 403
    assert as_user(other_school_dsl).get(url).status_code == 404
    refusals = AuditEntry.objects.filter(action="medical.condition.refused")
    assert sorted(refusals.values_list("data__status", flat=True)) == [403, 404]


def test_it_shows_the_pupil_medical_record_to_readers_only(as_user, medical_lead, senco, teacher, pupil):
    ConditionFactory(pupil=pupil, recorded_by=medical_lead, alert="Epilepsy: buccal midazolam in office")
    url = reverse("medical:pupil_record", args=[pupil.code])
    response = as_user(senco).get(url)
    assert "Epilepsy: buccal midazolam in office" in response.content.decode()
    assert AuditEntry.objects.filter(action="medical.pupil.viewed", actor=senco).exists()
    assert as_user(teacher).get(url).status_code == 403


def test_it_refuses_a_record_with_no_condition_named(as_user, medical_lead, pupil):
    response = _post(as_user(medical_lead), pupil=str(pupil.code), other_name="")
    assert response.status_code == 400
    assert "Choose a condition from the list" in response.content.decode()
    assert not MedicalCondition.objects.exists()


def test_it_only_lets_the_medical_lead_record(as_user, dsl, pupil):
    assert _post(as_user(dsl), pupil=str(pupil.code)).status_code == 403


def test_it_needs_post_to_void(as_user, medical_lead, pupil):
    condition = ConditionFactory(pupil=pupil, recorded_by=medical_lead)
    assert as_user(medical_lead).get(reverse("medical:condition_void", args=[condition.code])).status_code == 405


def test_it_lists_conditions_in_a_fixed_number_of_queries(as_user, medical_lead, school, django_assert_max_num_queries):
    from pastoral.tests.factories import PupilFactory

    for _ in range(12):
        ConditionFactory(pupil=PupilFactory(school=school), recorded_by=medical_lead)
    client = as_user(medical_lead)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("medical:condition_list") + "?severity=moderate")
    assert response.status_code == 200
    assert response.content.decode().count("Asthma: blue inhaler") == 12


def test_it_keeps_the_list_of_conditions_per_school(as_user, medical_lead, school, sister_school):
    client = as_user(medical_lead)
    assert "Asthma" in client.get(reverse("medical:condition_type_list")).content.decode()
    client.post(reverse("medical:condition_type_create"), {"name": "Coeliac disease", "active": "on"})
    assert school.medical_condition_types.filter(name="Coeliac disease").exists()
    assert not sister_school.medical_condition_types.filter(name="Coeliac disease").exists()


@pytest.mark.parametrize("role", ["teacher", "pastoral_staff"])
def test_it_shows_the_alert_but_not_the_record_on_the_profile(request, as_user, medical_lead, pupil, role):
    ConditionFactory(pupil=pupil, recorded_by=medical_lead, alert="Diabetes: hypo kit in bag", details="HbA1c results")
    from medical.conditions.services import _sync_alert

    _sync_alert(pupil)
    response = as_user(request.getfixturevalue(role)).get(reverse("pastoral:pupil_detail", args=[pupil.code]))
    body = response.content.decode()
    assert "Diabetes: hypo kit in bag" in body
    assert "HbA1c" not in body and "Medical record" not in body
