from django.urls import reverse

from medical.emergency.models import settings_for
from medical.tests.factories import AgreementFactory, ConditionFactory, PlanFactory
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import export_pdf_text
from pastoral.tests.factories import FamilyContactFactory, PupilFactory


def test_it_keeps_the_emergency_card_and_prints_it(
    as_user, headteacher, dsl, school, django_capture_on_commit_callbacks
):
    client = as_user(headteacher)
    data = {
        "phone_number": "0113 496 0000",
        "address": "Northfield Road, Leeds",
        "postcode": "LS6 2AB",
        "exact_location": "Main building, medical room next to reception",
        "best_entrance": "Gate B on Moor Lane; a member of staff will meet the crew",
        "untrained_specialist": "block",
        "adult_accidents": "on",
    }
    assert client.post(reverse("medical:emergency_card"), data).status_code == 302
    assert settings_for(school).postcode == "LS6 2AB"
    text = export_pdf_text(client, django_capture_on_commit_callbacks, headteacher, "medical.emergency_card_pdf")
    assert "LS6 2AB" in text and "Gate B on Moor Lane" in text and "Do not hang up" in text
    assert as_user(dsl).post(reverse("medical:emergency_card"), data).status_code == 403


def test_it_prints_a_medical_register_for_a_form(as_user, medical_lead, school, django_capture_on_commit_callbacks):
    asthma = PupilFactory(school=school, year_group=8, form="8B", legal_last_name="Brook")
    ConditionFactory(
        pupil=asthma, recorded_by=medical_lead, alert="Asthma: inhaler in bag", medication_location="Blue bag"
    )
    AgreementFactory(pupil=asthma, recorded_by=medical_lead, storage_location="Medical room cupboard 2")
    other_form = PupilFactory(school=school, year_group=8, form="8C")
    ConditionFactory(pupil=other_form, recorded_by=medical_lead, alert="Epilepsy: midazolam in office")
    PupilFactory(school=school, year_group=8, form="8B", legal_last_name="Healthy")
    client = as_user(medical_lead)
    page = client.get(reverse("medical:register") + "?year_group=8&form_name=8B").content.decode()
    assert "Asthma: inhaler in bag" in page and "Epilepsy" not in page and "Healthy" not in page
    text = export_pdf_text(
        client, django_capture_on_commit_callbacks, medical_lead, "medical.register_pdf", year_group=8, form_name="8B"
    )
    assert "Asthma: inhaler in bag" in text and "Medical room cupboard 2" in text and "Epilepsy" not in text
    assert AuditEntry.objects.filter(action="medical.register.exported").exists()


def test_it_prints_a_pupils_emergency_sheet_from_the_plan_and_contacts(
    as_user, medical_lead, pupil, django_capture_on_commit_callbacks
):
    PlanFactory(pupil=pupil, recorded_by=medical_lead, emergency_action="Give the adrenaline pen in her bag")
    FamilyContactFactory(pupil=pupil, name="Hannah Ainsworth", mobile="07700 900123")
    client = as_user(medical_lead)
    text = export_pdf_text(
        client, django_capture_on_commit_callbacks, medical_lead, "medical.pupil_emergency_pdf", pupil=pupil.code
    )
    assert "Give the adrenaline pen in her bag" in text and "Hannah Ainsworth" in text and "07700 900123" in text


def test_it_prints_the_plan_and_the_template_g_invitation(
    as_user, medical_lead, pupil, django_capture_on_commit_callbacks
):
    plan = PlanFactory(pupil=pupil, recorded_by=medical_lead, triggers="Cold air and pollen")
    client = as_user(medical_lead)
    text = export_pdf_text(client, django_capture_on_commit_callbacks, medical_lead, "medical.plan_pdf", plan=plan.code)
    assert "Cold air and pollen" in text and "Review date" in text
    letter = export_pdf_text(
        client, django_capture_on_commit_callbacks, medical_lead, "medical.plan_invitation_pdf", pupil=pupil.code
    )
    assert "Developing an individual healthcare plan for Zoë Ainsworth" in letter
