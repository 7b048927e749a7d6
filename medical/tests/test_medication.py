import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from behaviour.models import StaffTraining
from conftest import make_staff
from medical.emergency.models import settings_for
from medical.medication import selectors, services
from medical.models import DoseAdministration, MedicineAgreement, StockMovement
from medical.tests.factories import AgreementFactory
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry

AGREEMENT = {
    "medicine_name": "Salbutamol 100 micrograms inhaler",
    "expiry_date": "",
    "dose_amount": "2",
    "dose_unit": "puffs",
    "method": "inhaled",
    "timing": "When wheezy",
    "times": "",
    "min_interval_minutes": "240",
    "low_stock_threshold": "20",
    "parent_name": "Mrs Ainsworth",
    "agreed_on": "",
    "quantity_received": "200",
    "received_on": "",
    "brought_by": "Mrs Ainsworth",
    "submission_key": "3d0c3a3e-0d1a-4d4b-8d8e-6b7f1e6f2b01",
}


def _give(agreement, actor, **kw):
    fields = {"outcome": "given", "dose_given": agreement.dose_amount, "given_by": actor}
    fields.update(kw)
    return services.dose_record(actor=actor, agreement=agreement, **fields)


def test_it_records_a_parental_agreement_with_its_stock(as_user, medical_lead, pupil):
    today = timezone.localdate().isoformat()
    data = {
        **AGREEMENT,
        "pupil": str(pupil.code),
        "expiry_date": "2099-01-01",
        "agreed_on": today,
        "received_on": today,
    }
    response = as_user(medical_lead).post(reverse("medical:agreement_create"), data)
    assert response.status_code == 302
    agreement = MedicineAgreement.objects.get()
    assert selectors.stock_of(agreement) == 200
    assert agreement.movements.get().person == "Mrs Ainsworth"
    assert AuditEntry.objects.filter(action="medical.agreement.recorded", pupil=pupil).exists()


def test_it_gives_a_dose_and_takes_it_from_stock(medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, stock=10)
    dose = _give(agreement, medical_lead)
    assert selectors.stock_of(agreement) == 9
    assert StockMovement.objects.get(dose=dose).quantity == 1


def test_it_refuses_a_dose_without_a_current_agreement_and_saves_nothing(medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, status="ended")
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead)
    assert "no current parental agreement" in exc.value.message_dict["agreement"][0]
    assert not DoseAdministration.objects.exists()
    assert selectors.stock_of(agreement) == 28


def test_it_gives_on_the_expiry_day_itself_and_refuses_the_day_after(medical_lead, pupil):
    today = timezone.localdate()
    on_the_day = AgreementFactory(pupil=pupil, recorded_by=medical_lead, expiry_date=today)
    _give(on_the_day, medical_lead)
    expired = AgreementFactory(pupil=pupil, recorded_by=medical_lead, expiry_date=today - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        _give(expired, medical_lead)
    assert "expired on" in exc.value.message_dict["dose_given"][0]
    assert DoseAdministration.objects.count() == 1


def test_it_refuses_more_than_the_agreed_dose(medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead)
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead, dose_given=Decimal("1.5"))
    assert "more than the 1 tablet parents agreed" in exc.value.message_dict["dose_given"][0]


def test_it_allows_a_dose_exactly_at_the_interval_and_refuses_one_a_minute_sooner(medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, min_interval_minutes=240)
    first = timezone.now() - datetime.timedelta(hours=5)
    _give(agreement, medical_lead, given_at=first)
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead, given_at=first + datetime.timedelta(minutes=239))
    assert "Too soon after the last dose" in exc.value.message_dict["given_at"][0]
    _give(agreement, medical_lead, given_at=first + datetime.timedelta(minutes=240))
    assert DoseAdministration.objects.count() == 2


def test_it_refuses_a_late_entry_too_close_before_a_later_dose(medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, min_interval_minutes=240)
    later = timezone.now() - datetime.timedelta(hours=1)
    _give(agreement, medical_lead, given_at=later)
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead, given_at=later - datetime.timedelta(minutes=239))
    assert "Too close before the dose already recorded" in exc.value.message_dict["given_at"][0]
    _give(agreement, medical_lead, given_at=later - datetime.timedelta(minutes=240))
    assert DoseAdministration.objects.count() == 2


def test_it_needs_a_different_witness_for_a_controlled_drug(medical_lead, pupil, school):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, controlled_drug=True)
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead)
    assert "witness" in exc.value.message_dict["witness"][0]
    with pytest.raises(ValidationError):
        _give(agreement, medical_lead, witness=medical_lead)
    witness = make_staff(school, Role.TEACHER, "witness")
    assert _give(agreement, medical_lead, witness=witness).witness == witness


def test_it_blocks_or_flags_a_specialist_medicine_given_without_training(medical_lead, pupil, school):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead, specialist="adrenaline", times="")
    with pytest.raises(ValidationError) as exc:
        _give(agreement, medical_lead)
    assert "no in-date medication training" in exc.value.message_dict["given_by"][0]
    config = settings_for(school)
    config.untrained_specialist = "flag"
    config.save()
    assert _give(agreement, medical_lead).flagged_untrained is True
    today = timezone.localdate()
    StaffTraining.objects.create(
        school=school,
        user=medical_lead,
        course="medication",
        completed_on=today,
        expires_on=today,
        recorded_by=medical_lead,
    )
    later = timezone.now() + datetime.timedelta(minutes=1)
    agreement.min_interval_minutes = 0
    agreement.save()
    assert _give(agreement, medical_lead, given_at=later).flagged_untrained is False


def test_it_records_a_refusal_with_its_reason_and_lists_parents_to_tell(as_user, medical_lead, pupil):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead)
    with pytest.raises(ValidationError):
        services.dose_record(actor=medical_lead, agreement=agreement, outcome="refused", reason="")
    dose = services.dose_record(actor=medical_lead, agreement=agreement, outcome="refused", reason="Would not take it")
    assert selectors.stock_of(agreement) == 28
    client = as_user(medical_lead)
    assert "Refused or missed doses: parents not yet told" in client.get(reverse("pastoral:home")).content.decode()
    assert "Parents not yet told" in client.get(reverse("medical:dose_list") + "?parents=1").content.decode()
    client.post(reverse("medical:dose_parents_told", args=[dose.code]), {"told_at": "2026-01-01T15:00", "how": "phone"})
    assert "Parents not yet told" not in client.get(reverse("medical:dose_list") + "?parents=1").content.decode()
    dose.refresh_from_db()
    assert dose.parents_told_by == medical_lead


def test_it_shows_the_refusal_beside_the_field_and_saves_nothing(as_user, medical_lead, pupil):
    agreement = AgreementFactory(
        pupil=pupil, recorded_by=medical_lead, expiry_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    data = {
        "outcome": "given",
        "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "dose_given": "1",
        "given_by": str(medical_lead.code),
    }
    response = as_user(medical_lead).post(reverse("medical:dose_create", args=[agreement.code]), data)
    assert response.status_code == 400
    assert "it cannot be given. Return it to parents." in response.content.decode()
    assert not DoseAdministration.objects.exists()


def test_it_runs_todays_round_with_one_tap(as_user, medical_lead, pupil, school):
    from pastoral.tests.factories import PupilFactory

    given = AgreementFactory(pupil=pupil, recorded_by=medical_lead, times="12:30")
    other = AgreementFactory(pupil=PupilFactory(school=school), recorded_by=medical_lead, times="08:45, 12:30")
    client = as_user(medical_lead)
    page = client.get(reverse("medical:round")).content.decode()
    assert page.count('name="outcome" value="given"') == 3
    client.post(reverse("medical:round_record", args=[given.code]), {"outcome": "given", "time": "12:30"})
    client.post(reverse("medical:round_record", args=[other.code]), {"outcome": "absent", "time": "08:45"})
    assert DoseAdministration.objects.get(agreement=given).dose_given == 1
    assert DoseAdministration.objects.get(agreement=other).reason == "Not in school"
    # A second tap on the same dose records nothing more.
    client.post(reverse("medical:round_record", args=[given.code]), {"outcome": "given", "time": "12:30"})
    assert DoseAdministration.objects.filter(agreement=given).count() == 1
    assert client.get(reverse("medical:round_record", args=[given.code])).status_code == 405


def test_it_alerts_on_expiry_30_days_ahead_and_on_the_day_and_on_low_stock(medical_lead, pupil, school):
    today = timezone.localdate()
    in_30 = AgreementFactory(pupil=pupil, recorded_by=medical_lead, expiry_date=today + datetime.timedelta(days=30))
    AgreementFactory(pupil=pupil, recorded_by=medical_lead, expiry_date=today + datetime.timedelta(days=31))
    today_one = AgreementFactory(pupil=pupil, recorded_by=medical_lead, expiry_date=today)
    low = AgreementFactory(pupil=pupil, recorded_by=medical_lead, stock=5)
    rows = selectors.agreements_visible_to(medical_lead)
    assert set(selectors.expiring(rows, today)) == {in_30, today_one}
    assert list(selectors.low_stock(rows, today)) == [low]
    services.stock_move(
        actor=medical_lead,
        agreement=low,
        kind="received",
        quantity=10,
        occurred_on=today,
        person="Dad",
        expiry_date=today + datetime.timedelta(days=90),
    )
    assert not selectors.low_stock(rows, today).exists()


def test_it_logs_emergency_kit_use_only_with_consent(as_user, medical_lead, pupil, school):
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.kit_use_record(
            actor=medical_lead,
            school=school,
            pupil=pupil,
            kit="salbutamol",
            used_at=now,
            dose="4 puffs",
            what_happened="Wheezy after PE",
        )
    services.kit_consent_record(
        actor=medical_lead,
        school=school,
        pupil=pupil,
        kit="salbutamol",
        consent_on=timezone.localdate(),
        parent_name="Mrs Ainsworth",
    )
    services.kit_use_record(
        actor=medical_lead,
        school=school,
        pupil=pupil,
        kit="salbutamol",
        used_at=now,
        dose="4 puffs",
        what_happened="Wheezy after PE",
    )
    client = as_user(medical_lead)
    assert "Wheezy after PE" in client.get(reverse("medical:kit")).content.decode()
    consent = pupil.emergency_kit_consents.get()
    client.post(reverse("medical:kit_consent_withdraw", args=[consent.code]))
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()
    with pytest.raises(ValidationError):
        services.kit_use_record(
            actor=medical_lead,
            school=school,
            pupil=pupil,
            kit="salbutamol",
            used_at=now,
            dose="2 puffs",
            what_happened="Wheezy again",
        )


def test_it_lists_medicines_and_doses_in_a_fixed_number_of_queries(
    as_user, medical_lead, school, django_assert_max_num_queries
):
    from pastoral.tests.factories import PupilFactory

    for _ in range(8):
        agreement = AgreementFactory(pupil=PupilFactory(school=school), recorded_by=medical_lead, times="")
        _give(agreement, medical_lead)
    client = as_user(medical_lead)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("medical:agreement_list") + "?alert=low").status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(reverse("medical:dose_list"))
    assert response.content.decode().count("Methylphenidate") == 8


def test_the_giver_and_the_witness_are_colleagues_typed_by_name(as_user, medical_lead, pupil, school, other_school_dsl):
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead)
    client = as_user(medical_lead)
    url = reverse("medical:dose_create", args=[agreement.code])
    page = client.get(url).content.decode()
    assert f'name="given_by" value="{medical_lead.code}"' in page and '<select name="witness"' not in page
    data = {"outcome": "given", "given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "dose_given": "1"}
    outsider = client.post(url, {**data, "given_by": str(medical_lead.code), "witness": str(other_school_dsl.code)})
    assert "Choose a member of staff from this school" in outsider.content.decode()
    assert not DoseAdministration.objects.exists()
    witness = make_staff(school, Role.TEACHER, "witness")
    client.post(url, {**data, "given_by_text": "Medic Tester", "witness_text": "witness tester"})
    dose = DoseAdministration.objects.get()
    assert dose.given_by == medical_lead and dose.witness == witness
