"""The medical alert beside the pupil: the one line only, for every member of staff of the pupil's school."""

from django.urls import reverse

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from medical.conditions.services import condition_record
from medical.tests.factories import ConditionFactory

ALERT = "Severe nut allergy: two adrenaline pens in the medical room and in her bag"


def _condition(medical_lead, pupil):
    from django.utils import timezone

    return condition_record(
        actor=medical_lead,
        school=pupil.school,
        pupil=pupil,
        other_name="Anaphylaxis",
        severity="life",
        alert=ALERT,
        details="Reacted to cashew in Year 3; hospital admission",
        identified_on=timezone.localdate(),
    )


def test_it_shows_the_alert_card_on_the_profile_and_nothing_else_of_the_record(as_user, medical_lead, teacher, pupil):
    _condition(medical_lead, pupil)
    body = as_user(teacher).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert body.count(ALERT) >= 1 and "Medical alert" in body
    assert "cashew" not in body
    assert body.count(f"<strong>Medical alert:</strong> {ALERT}") == 0  # the card replaces the old line


def test_it_shows_the_alert_beside_the_pupil_in_the_quick_log_and_incident_form(
    as_user, medical_lead, teacher, school, pupil
):
    _condition(medical_lead, pupil)
    client = as_user(teacher)
    assert ALERT in client.get(reverse("behaviour:quick_log") + f"?pupil={pupil.code}").content.decode()
    event = BehaviourEventFactory(
        pupil=pupil, category=BehaviourCategoryFactory(school=school, kind="negative"), recorded_by=teacher
    )
    assert ALERT in client.get(reverse("behaviour:incident_create", args=[event.code])).content.decode()
    fragment = client.get(reverse("pastoral:pupil_cards", args=[pupil.code])).content.decode()
    assert ALERT in fragment and "cashew" not in fragment


def test_it_shows_the_alert_in_the_pupil_picker_results(as_user, medical_lead, teacher, pupil):
    _condition(medical_lead, pupil)
    body = as_user(teacher).get(reverse("behaviour:pupil_picker") + "?q=ainsw").content.decode()
    assert f"Medical alert: {ALERT}" in body


def test_it_gives_no_card_to_staff_of_another_school(as_user, medical_lead, other_school_dsl, pupil):
    from medical.conditions.cards import medical_alert_card

    ConditionFactory(pupil=pupil, recorded_by=medical_lead)
    _condition(medical_lead, pupil)
    pupil.refresh_from_db()
    assert medical_alert_card(other_school_dsl, pupil) is None
    assert medical_alert_card(medical_lead, pupil).context["text"].startswith(ALERT)
