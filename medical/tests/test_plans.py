import datetime

from django.urls import reverse
from django.utils import timezone

from behaviour.models import StaffTraining
from medical.models import HealthcarePlan
from medical.plans.models import default_review_date
from medical.tests.factories import ConditionFactory, PlanFactory
from pastoral.models import AuditEntry

TEMPLATE_A = {
    "status": "active",
    "plan_date": "",
    "diagnosis": "Asthma since age 4",
    "symptoms": "Wheeze, cough",
    "emergency_signs": "Cannot speak in full sentences",
    "emergency_action": "Ten puffs of the blue inhaler, call 999",
    "emergency_responsible": "Medical lead",
    "training_course": "medication",
    "developed_with_parents": "on",
    "developed_with_parent_names": "Mrs Ainsworth",
    "developed_with_professional": "Kerry Lomas, school nurse",
}


def test_it_draws_up_a_plan_with_a_default_review_in_12_months(as_user, medical_lead, pupil):
    today = timezone.localdate()
    client = as_user(medical_lead)
    page = client.get(reverse("medical:plan_create"))
    assert default_review_date(today).isoformat() in page.content.decode()
    condition = ConditionFactory(pupil=pupil, recorded_by=medical_lead)
    data = {
        **TEMPLATE_A,
        "pupil": str(pupil.code),
        "plan_date": today.isoformat(),
        "review_date": default_review_date(today).isoformat(),
        "supporters": [str(medical_lead.code)],
        "conditions": [str(condition.code)],
        "submission_key": "6a0d5a2e-54b8-4bb8-9b7a-2d0f7c1d3f01",
    }
    response = client.post(reverse("medical:plan_create"), data)
    body = response.content.decode()
    assert response.status_code == 302, body[body.find("error-summary") : body.find("error-summary") + 600]
    plan = HealthcarePlan.objects.get()
    assert plan.review_date == default_review_date(today)
    assert list(plan.conditions.all()) == [condition]
    assert AuditEntry.objects.filter(action="medical.plan.created", pupil=pupil).exists()


def test_it_refuses_a_plan_without_a_review_date(as_user, medical_lead, pupil):
    data = {**TEMPLATE_A, "pupil": str(pupil.code), "plan_date": timezone.localdate().isoformat(), "review_date": ""}
    response = as_user(medical_lead).post(reverse("medical:plan_create"), data)
    assert response.status_code == 400
    assert not HealthcarePlan.objects.exists()


def test_it_keeps_every_earlier_version(as_user, medical_lead, pupil):
    plan = PlanFactory(pupil=pupil, recorded_by=medical_lead, symptoms="Wheeze")
    client = as_user(medical_lead)
    data = {
        **TEMPLATE_A,
        "plan_date": plan.plan_date.isoformat(),
        "review_date": plan.review_date.isoformat(),
        "symptoms": "Wheeze and a tight chest",
        "change_reason": "New symptoms from the nurse",
    }
    assert client.post(reverse("medical:plan_edit", args=[plan.code]), data).status_code == 302
    plan.refresh_from_db()
    assert plan.version == 2 and plan.symptoms == "Wheeze and a tight chest"
    old = plan.versions.get()
    assert (old.version, old.data["symptoms"], old.reason) == (1, "Wheeze", "New symptoms from the nurse")
    page = client.get(reverse("medical:plan_version", args=[plan.code, 1]))
    assert "Wheeze" in page.content.decode()


def test_it_flags_a_supporter_without_in_date_training(as_user, medical_lead, teacher, pupil, school):
    plan = PlanFactory(pupil=pupil, recorded_by=medical_lead, training_course="medication")
    plan.supporters.set([medical_lead, teacher])
    today = timezone.localdate()
    StaffTraining.objects.create(
        school=school,
        user=medical_lead,
        course="medication",
        completed_on=today - datetime.timedelta(days=30),
        expires_on=today,
        recorded_by=medical_lead,
    )
    StaffTraining.objects.create(
        school=school,
        user=teacher,
        course="medication",
        completed_on=today - datetime.timedelta(days=400),
        expires_on=today - datetime.timedelta(days=1),
        recorded_by=medical_lead,
    )
    body = as_user(medical_lead).get(reverse("medical:plan_detail", args=[plan.code])).content.decode()
    assert body.count("In-date training") == 1  # expiry day itself still counts
    assert "No in-date medication administration training" in body


def test_it_flags_an_overdue_review_on_the_medical_leads_dashboard(as_user, medical_lead, pupil, school):
    from pastoral.tests.factories import PupilFactory

    today = timezone.localdate()
    PlanFactory(
        pupil=pupil,
        recorded_by=medical_lead,
        plan_date=today - datetime.timedelta(days=300),
        review_date=today - datetime.timedelta(days=1),
    )
    # A review due exactly today is due, not overdue.
    PlanFactory(
        pupil=PupilFactory(school=school),
        recorded_by=medical_lead,
        plan_date=today - datetime.timedelta(days=300),
        review_date=today,
    )
    client = as_user(medical_lead)
    listing = client.get(reverse("medical:plan_list") + "?overdue=1").content.decode()
    assert listing.count("Review overdue</span>") == 1
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "Healthcare plan reviews overdue" in home


def test_it_shows_arrangements_due_until_a_plan_is_active(as_user, medical_lead, pupil):
    ConditionFactory(
        pupil=pupil, recorded_by=medical_lead, identified_on=timezone.localdate() - datetime.timedelta(days=15)
    )
    client = as_user(medical_lead)
    assert "Overdue since" in client.get(reverse("medical:overview")).content.decode()
    record = client.get(reverse("medical:pupil_record", args=[pupil.code])).content.decode()
    assert "Arrangements due within 2 weeks: no active healthcare plan yet" in record
    PlanFactory(pupil=pupil, recorded_by=medical_lead, status="draft")
    assert "Overdue since" in client.get(reverse("medical:overview")).content.decode()
    HealthcarePlan.objects.update(status="active")
    assert "Overdue since" not in client.get(reverse("medical:overview")).content.decode()


def test_it_shows_a_teacher_only_the_plans_copied_to_them(as_user, medical_lead, teacher, pupil, school):
    from pastoral.tests.factories import PupilFactory

    mine = PlanFactory(pupil=pupil, recorded_by=medical_lead)
    mine.copied_to.add(teacher)
    other = PlanFactory(pupil=PupilFactory(school=school), recorded_by=medical_lead)
    client = as_user(teacher)
    assert client.get(reverse("medical:plan_detail", args=[mine.code])).status_code == 200
    assert AuditEntry.objects.filter(action="medical.plan.viewed", actor=teacher).exists()
    assert client.get(reverse("medical:plan_detail", args=[other.code])).status_code == 403
    listing = client.get(reverse("medical:plan_list")).content.decode()
    assert pupil.display_name in listing and other.pupil.display_name not in listing


def test_it_records_a_review_and_moves_the_date_on(as_user, medical_lead, pupil):
    today = timezone.localdate()
    plan = PlanFactory(
        pupil=pupil, recorded_by=medical_lead, plan_date=today - datetime.timedelta(days=365), review_date=today
    )
    client = as_user(medical_lead)
    assert client.get(reverse("medical:plan_review", args=[plan.code])).status_code == 405
    nxt = default_review_date(today)
    client.post(
        reverse("medical:plan_review", args=[plan.code]),
        {"reviewed_on": today.isoformat(), "next_review": nxt.isoformat()},
    )
    plan.refresh_from_db()
    assert (plan.reviewed_on, plan.review_date, plan.version) == (today, nxt, 2)


def test_it_puts_medical_items_on_the_chronology_only_for_readers(as_user, medical_lead, dsl, teacher, pupil):
    ConditionFactory(pupil=pupil, recorded_by=medical_lead, other_name="Epilepsy")
    plan = PlanFactory(pupil=pupil, recorded_by=medical_lead)
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    assert "Medical condition recorded: Epilepsy" in as_user(dsl).get(url).content.decode()
    body = as_user(teacher).get(url).content.decode()
    assert "Medical condition recorded" not in body and "Individual healthcare plan (" not in body
    # A teacher the plan was copied to sees it on the chronology and reaches plans from the menu.
    plan.copied_to.add(teacher)
    body = as_user(teacher).get(url).content.decode()
    assert "Individual healthcare plan (active, version 1)" in body
    assert reverse("medical:plan_list") in body
