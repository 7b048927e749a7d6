import datetime
from urllib.parse import parse_qs, urlparse

from django.urls import reverse
from django.utils import timezone

from medical.models import Accident
from medical.tests.factories import AccidentFactory
from pastoral.models import AuditEntry
from pastoral.tests.export_helpers import export_pdf_text


def _data(who, medic, **extra):
    data = {
        "person_kind": "pupil",
        "pupil": str(who.code),
        "occurred_at": (timezone.localtime() - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Playground",
        "what_happened": "Ran into the climbing frame",
        "injury": "bump",
        "body_part": "head",
        "treatment": "Cold compress",
        "treated_by": str(medic.code),
        "outcome": "class",
        "submission_key": "7d7c8b7a-1e8c-4f0e-9b71-5b3f3c3a0a01",
    }
    data.update(extra)
    return data


def test_it_logs_a_head_injury_and_prompts_for_parents_and_the_letter(as_user, medical_lead, pupil):
    client = as_user(medical_lead)
    response = client.post(reverse("medical:accident_create"), _data(pupil, medical_lead), follow=True)
    accident = Accident.objects.get()
    assert accident.head_injury is True
    body = response.content.decode()
    assert "parents must be told today and given the head-injury letter" in body
    assert "Head-injury letter (PDF)" in body
    assert AuditEntry.objects.filter(action="medical.accident.viewed", pupil=pupil).exists()
    assert "Accidents: parents not yet told" in client.get(reverse("pastoral:home")).content.decode()
    client.post(
        reverse("medical:accident_informed", args=[accident.code]),
        {"informed_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "how": "phone", "letter_given": "on"},
    )
    accident.refresh_from_db()
    assert accident.parents_informed and accident.head_letter_given and not accident.parents_due


def test_it_builds_the_head_injury_letter_pdf(as_user, medical_lead, pupil, django_capture_on_commit_callbacks):
    accident = AccidentFactory(pupil=pupil, recorded_by=medical_lead, body_part="head", head_injury=True)
    client = as_user(medical_lead)
    text = export_pdf_text(
        client,
        django_capture_on_commit_callbacks,
        medical_lead,
        "medical.head_injury_letter_pdf",
        accident=accident.code,
    )
    assert "Please watch Zoë for the next 48 hours" in text
    assert AuditEntry.objects.filter(action="medical.accident.letter_exported", pupil=pupil).exists()


def test_it_flags_an_accident_taken_to_hospital_for_the_headteachers_riddor_decision(
    as_user, medical_lead, headteacher, pupil
):
    as_user(medical_lead).post(
        reverse("medical:accident_create"),
        _data(pupil, medical_lead, body_part="arm", injury="fracture", outcome="hospital"),
    )
    accident = Accident.objects.get()
    assert accident.riddor_possible and not accident.head_injury
    client = as_user(headteacher)
    assert "Accidents that may be RIDDOR-reportable" in client.get(reverse("pastoral:home")).content.decode()
    client.post(reverse("medical:accident_riddor", args=[accident.code]), {"decision": "reported"})
    accident.refresh_from_db()
    assert (accident.riddor_decision, accident.riddor_decided_by) == ("reported", headteacher)


def test_it_offers_a_safeguarding_concern_with_the_pupil_and_description_carried_over(as_user, medical_lead, pupil):
    as_user(medical_lead).post(
        reverse("medical:accident_create"),
        _data(
            pupil,
            medical_lead,
            body_part="arm",
            injury="bruise",
            possibly_non_accidental="on",
            what_happened="Finger-shaped bruises on the upper arm",
        ),
    )
    accident = Accident.objects.get()
    client = as_user(medical_lead)
    body = client.get(reverse("medical:accident_detail", args=[accident.code])).content.decode()
    assert "Raise a safeguarding concern" in body
    start = body.index(reverse("safeguarding:concern_create") + "?")
    link = body[start : body.index('"', start)].replace("&amp;", "&")
    query = parse_qs(urlparse(link).query)
    assert query["pupil"] == [str(pupil.code)]
    assert "Finger-shaped bruises on the upper arm" in query["account"][0]
    form = client.get(link).content.decode()
    assert "Finger-shaped bruises on the upper arm" in form and pupil.display_name in form


def test_it_logs_a_visitor_without_a_pupil(as_user, medical_lead, pupil):
    response = as_user(medical_lead).post(
        reverse("medical:accident_create"),
        _data(pupil, medical_lead, person_kind="visitor", pupil="", person_name="Mr Delivery", body_part="hand"),
    )
    assert response.status_code == 302
    assert Accident.objects.get().pupil is None


def test_it_shows_trends_with_repeat_pupils(as_user, medical_lead, pupil, dsl):
    for part in ("knee", "head", "arm"):
        AccidentFactory(pupil=pupil, recorded_by=medical_lead, body_part=part, head_injury=part == "head")
    body = as_user(dsl).get(reverse("medical:accident_trends")).content.decode()
    assert "<svg" in body and "Accidents by location" in body
    assert "Show “Accidents by location” as a table" in body
    start = body.index("Pupils with repeated accidents")
    assert "Ainsworth" in body[start:]


def test_it_lists_accidents_in_a_fixed_number_of_queries(as_user, medical_lead, school, django_assert_max_num_queries):
    from pastoral.tests.factories import PupilFactory

    for _ in range(10):
        AccidentFactory(pupil=PupilFactory(school=school), recorded_by=medical_lead)
    client = as_user(medical_lead)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("medical:accident_list") + "?injury=cut")
    assert response.content.decode().count("Playground") == 10


def test_it_keeps_the_log_to_pupils_when_the_school_says_so(as_user, medical_lead, pupil, school):
    from medical.emergency.models import settings_for

    config = settings_for(school)
    config.adult_accidents = False
    config.save()
    response = as_user(medical_lead).post(
        reverse("medical:accident_create"),
        _data(pupil, medical_lead, person_kind="staff", pupil="", person_name="Mr Caretaker", body_part="hand"),
    )
    assert response.status_code == 400
    assert not Accident.objects.exists()


def test_who_treated_and_who_told_home_are_colleagues_typed_by_name(
    as_user, medical_lead, teacher, other_school_dsl, pupil
):
    client = as_user(medical_lead)
    url = reverse("medical:accident_create")
    page = client.get(url).content.decode()
    assert f'name="treated_by" value="{medical_lead.code}"' in page and 'value="Medic Tester"' in page
    assert '<select name="treated_by"' not in page and 'name="parents_informed_by_text"' in page
    outsider = client.post(url, _data(pupil, other_school_dsl))
    assert (
        outsider.status_code in (200, 400) and "Choose a member of staff from this school" in outsider.content.decode()
    )
    typed = _data(pupil, medical_lead, treated_by="", treated_by_text="Otherdsl Tester")
    assert "No member of staff matches" in client.post(url, typed).content.decode()
    assert not Accident.objects.exists()
    told = {
        "parents_informed": "on",
        "parents_informed_at": (timezone.localtime() - datetime.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"),
        "parents_informed_how": "phone",
        "parents_informed_by_text": "teacher tester",
    }
    client.post(url, _data(pupil, medical_lead, treated_by="", treated_by_text="medic tester", **told))
    accident = Accident.objects.get()
    assert accident.treated_by == medical_lead and accident.parents_informed_by == teacher
