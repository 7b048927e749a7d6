import random

from django.utils import timezone

from conftest import make_staff
from medical.first_aid.models import Accident
from medical.medication import selectors as medicines
from medical.models import DoseAdministration, HealthcarePlan, MedicalCondition, MedicineAgreement
from medical.plans.selectors import overdue_reviews
from medical.report_sections import build_medical
from medical.tests.factories import AccidentFactory, AgreementFactory, PlanFactory
from pastoral.accounts.roles import Role
from pastoral.demo import registered_seeders
from pastoral.tests.factories import PupilFactory


def test_it_seeds_demo_data_in_every_state(school, medical_lead, headteacher):
    alerts = [
        "Asthma – blue inhaler carried; spare in the medical room",
        "Anaphylaxis (egg) – two adrenaline pens in the main office",
        "Epilepsy – care plan in the medical room; buccal midazolam in the office",
        "Asthma – blue inhaler carried; spare in the medical room",
    ]
    pupils = [PupilFactory(school=school, medical_alert=a) for a in alerts] + [
        PupilFactory(school=school) for _ in range(20)
    ]
    staff = {Role.MEDICAL_LEAD: [medical_lead], Role.HEADTEACHER: [headteacher]}
    # The paper forms' demo pad is seeded (and tested) with the paper forms.
    medical = [
        fn for name, fn in registered_seeders().items() if name.startswith("medical_") and name != "medical_paper_forms"
    ]
    assert len(medical) == 5
    for seeder in medical:
        seeder(school, staff, pupils, random.Random(4), None)
    today = timezone.localdate()
    assert MedicalCondition.objects.filter(school=school).count() == 4
    assert overdue_reviews(HealthcarePlan.objects.filter(school=school), today).count() == 1
    agreements = MedicineAgreement.objects.filter(school=school)
    assert medicines.expiring(agreements, today).exists()
    assert medicines.low_stock(agreements, today).exists()
    assert agreements.filter(ends_on__lt=today).exists()  # a lapsed agreement: no current one
    assert DoseAdministration.objects.filter(outcome="refused", parents_told_at__isnull=True).exists()
    assert Accident.objects.filter(head_injury=True, head_letter_given=False).exists()
    assert Accident.objects.filter(riddor_possible=True).exists()


def test_it_adds_a_counts_only_section_to_the_termly_report(school, medical_lead, headteacher, trust_leader, pupil):
    today = timezone.localdate()
    PlanFactory(pupil=pupil, recorded_by=medical_lead, plan_date=today.replace(day=1), review_date=today)
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, times="")
    DoseAdministration.objects.create(
        school=school,
        pupil=pupil,
        agreement=agreement,
        outcome="refused",
        reason="No",
        given_by=medical_lead,
        recorded_by=medical_lead,
    )
    AccidentFactory(pupil=pupil, recorded_by=medical_lead, body_part="head", head_injury=True, riddor_possible=True)
    start, end = today.replace(day=1), today
    for reader in (headteacher, trust_leader):
        section = build_medical(
            reader, [school], start, end, start.replace(year=start.year - 1), end.replace(year=end.year - 1)
        )
        figures = {row[0]: row[1] for row in section.tables[0].rows}
        assert figures["Healthcare plans in place"] == 1
        assert figures["Plan reviews on time"] == 1  # review date exactly the last day: on time
        assert figures["Doses refused or missed"] == 1
        assert figures["Head injuries"] == 1 and figures["Flagged as possibly RIDDOR-reportable"] == 1
    outsider = make_staff(school, Role.TEACHER, "outsider")
    section = build_medical(outsider, [school], start, end, start, end)
    assert {row[0]: row[1] for row in section.tables[0].rows}["Accidents"] == 0
