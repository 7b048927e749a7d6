"""Writes for medicines: the parents' agreement, stock, doses and the emergency kit.

A dose that breaks a rule is refused before anything is saved: the refusal names the field it is about, so the
form shows it beside that field. The rules (statutory guidance, "Supporting pupils at school with medical
conditions"): a current written agreement from parents; medicine in date (the expiry day itself still counts);
no more than the agreed dose; not sooner than the agreed interval after the last dose (exactly the interval is
allowed); enough in stock; a witness for a controlled drug; and, for adrenaline auto-injectors, buccal
midazolam and insulin, in-date medication training, or the dose is flagged (the school's setting).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit, staff_training
from pastoral.accounts import access
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError

from ..emergency.models import MedicalSettings, settings_for
from ..selectors import RECORD
from ..services import once, require, require_pupil
from . import selectors
from .models import DoseAdministration, EmergencyKitConsent, EmergencyKitUse, MedicineAgreement, StockMovement

AGREEMENT_FIELDS = [
    "condition",
    "medicine_name",
    "date_dispensed",
    "expiry_date",
    "dose_amount",
    "dose_unit",
    "method",
    "timing",
    "times",
    "min_interval_minutes",
    "precautions",
    "side_effects",
    "self_administers",
    "emergency_procedures",
    "controlled_drug",
    "specialist",
    "storage_location",
    "low_stock_threshold",
    "parent_name",
    "parent_contact",
    "agreed_on",
    "ends_on",
]


def agreement_record(*, actor, submission_key=None, **fields):
    return once(
        MedicineAgreement,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _agreement_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _agreement_create(*, actor, submission_key, school, pupil, quantity_received, received_on, brought_by, **fields):
    require(actor, school)
    require_pupil(actor, school, pupil)
    agreement = MedicineAgreement(
        school=school,
        pupil=pupil,
        recorded_by=actor,
        submission_key=submission_key,
        **{k: v for k, v in fields.items() if k in AGREEMENT_FIELDS},
    )
    if agreement.condition_id and agreement.condition.pupil_id != pupil.pk:
        raise ValidationError({"condition": "Choose one of this pupil's conditions."})
    agreement.full_clean()
    agreement.save()
    StockMovement.objects.create(
        agreement=agreement,
        kind=StockMovement.Kind.RECEIVED,
        quantity=quantity_received,
        occurred_on=received_on,
        person=brought_by,
        notes="Received with the agreement",
        recorded_by=actor,
    )
    audit.record(
        "medical.agreement.recorded",
        actor=actor,
        obj=agreement,
        pupil=pupil,
        data={"medicine": agreement.medicine_name, "received": str(quantity_received)},
    )
    return agreement


@transaction.atomic
def agreement_end(*, actor, agreement, reason):
    require(actor, agreement.school)
    if agreement.status == MedicineAgreement.Status.ENDED:
        raise PastoralError("This agreement has already ended.")
    agreement.status = MedicineAgreement.Status.ENDED
    agreement.ends_on = min(agreement.ends_on or timezone.localdate(), timezone.localdate())
    agreement.save(update_fields=["status", "ends_on"])
    audit.record("medical.agreement.ended", actor=actor, obj=agreement, pupil=agreement.pupil, data={"reason": reason})
    return agreement


@transaction.atomic
def stock_move(*, actor, agreement, kind, quantity, occurred_on, person="", notes="", expiry_date=None):
    """Stock in (received, with the new container's expiry) or out (returned to parents, disposed of)."""
    require(actor, agreement.school)
    if kind == StockMovement.Kind.GIVEN:
        raise PastoralError("Doses are recorded in the administration log, which takes them from stock.")
    if kind in StockMovement.OUT and quantity > selectors.stock_of(agreement):
        raise ValidationError({"quantity": "That is more than the school holds."})
    if kind in StockMovement.OUT and not (person or "").strip():
        raise ValidationError({"person": "Say who it was returned to or who disposed of it."})
    movement = StockMovement(
        agreement=agreement,
        kind=kind,
        quantity=quantity,
        occurred_on=occurred_on,
        person=person,
        notes=notes,
        recorded_by=actor,
    )
    movement.full_clean()
    movement.save()
    if kind == StockMovement.Kind.RECEIVED and expiry_date:
        agreement.expiry_date = expiry_date
        agreement.save(update_fields=["expiry_date"])
    audit.record(
        "medical.stock.moved",
        actor=actor,
        obj=agreement,
        pupil=agreement.pupil,
        data={"kind": kind, "quantity": str(quantity), "person": person},
    )
    return movement


def _refuse_given(actor, agreement, given_at, dose_given, given_by, witness):
    """The reasons a 'given' dose may not be saved, by field; and whether it is flagged for missing training."""
    day = timezone.localdate(given_at)
    errors = {}
    if not agreement.current_on(day):
        errors["agreement"] = "There is no current parental agreement for this medicine: nothing was saved."
    if not agreement.in_date_on(day):
        errors["dose_given"] = (
            f"This medicine expired on {uk_date(agreement.expiry_date)}: it cannot be given. Return it to parents."
        )
    if dose_given is None:
        errors.setdefault("dose_given", "Give the dose.")
    elif dose_given > agreement.dose_amount:
        errors.setdefault(
            "dose_given",
            f"The dose is more than the {agreement.dose_amount.normalize()} {agreement.dose_unit} parents agreed.",
        )
    elif dose_given > selectors.stock_of(agreement):
        errors.setdefault("dose_given", "There is not enough of this medicine in stock.")
    last = selectors.last_given(agreement, before=given_at)
    if last is not None:
        earliest = last.given_at + datetime.timedelta(minutes=agreement.min_interval_minutes)
        if given_at < earliest:
            errors["given_at"] = (
                f"Too soon after the last dose at {timezone.localtime(last.given_at):%H:%M}: "
                f"the next may be given from {timezone.localtime(earliest):%H:%M}."
            )
    following = selectors.next_given(agreement, after=given_at)
    if following is not None and "given_at" not in errors:
        latest = following.given_at - datetime.timedelta(minutes=agreement.min_interval_minutes)
        if given_at > latest:
            errors["given_at"] = (
                f"Too close before the dose already recorded at {timezone.localtime(following.given_at):%H:%M}: "
                f"an earlier dose must be no later than {timezone.localtime(latest):%H:%M}."
            )
    if given_at > timezone.now() + datetime.timedelta(minutes=5):
        errors["given_at"] = "This cannot be in the future."
    if agreement.controlled_drug:
        if witness is None:
            errors["witness"] = "A controlled drug needs a second member of staff as witness."
        elif witness.pk == given_by.pk:
            errors["witness"] = "The witness must be someone other than the person giving the dose."
    flagged = False
    if agreement.specialist:
        trained = staff_training.trained_user_ids(agreement.school, [given_by.pk], [staff_training.MEDICATION], day)
        if given_by.pk not in trained:
            if settings_for(agreement.school).untrained_specialist == MedicalSettings.TrainingRule.BLOCK:
                errors["given_by"] = (
                    f"{given_by} has no in-date medication training, which {agreement.get_specialist_display().lower()}"
                    " needs."
                )
            else:
                flagged = True
    return errors, flagged


def dose_record(*, actor, submission_key=None, **fields):
    return once(
        DoseAdministration,
        actor=actor,
        submission_key=submission_key,
        create=lambda: _dose_create(actor=actor, submission_key=submission_key, **fields),
    )


@transaction.atomic
def _dose_create(
    *,
    actor,
    submission_key,
    agreement,
    outcome,
    given_at=None,
    dose_given=None,
    given_by=None,
    witness=None,
    reactions="",
    reason="",
    round_time=None,
):
    require(actor, agreement.school)
    # One dose at a time per medicine, so two staff cannot both pass the interval check.
    agreement = MedicineAgreement.objects.select_for_update().select_related("pupil", "school").get(pk=agreement.pk)
    given_at = given_at or timezone.now()
    given_by = given_by or actor
    if not access.has_school_perm(given_by, agreement.school, RECORD):
        raise ValidationError({"given_by": "Choose a member of staff who gives medicines at this school."})
    flagged = False
    if outcome == DoseAdministration.Outcome.GIVEN:
        errors, flagged = _refuse_given(actor, agreement, given_at, dose_given, given_by, witness)
        if errors:
            raise ValidationError(errors)
    else:
        if not (reason or "").strip():
            raise ValidationError({"reason": "Say why the dose was not given."})
        dose_given, witness = None, None
    if round_time is not None and (
        DoseAdministration.objects.filter(
            agreement=agreement, round_time=round_time, given_at__date=timezone.localdate(given_at)
        ).exists()
    ):
        raise PastoralError("This dose on today's round has already been recorded.")
    dose = DoseAdministration(
        school=agreement.school,
        pupil=agreement.pupil,
        agreement=agreement,
        outcome=outcome,
        given_at=given_at,
        round_time=round_time,
        dose_given=dose_given,
        given_by=given_by,
        witness=witness,
        reactions=reactions,
        reason=reason,
        flagged_untrained=flagged,
        recorded_by=actor,
        submission_key=submission_key,
    )
    dose.full_clean()
    dose.save()
    if outcome == DoseAdministration.Outcome.GIVEN:
        StockMovement.objects.create(
            agreement=agreement,
            kind=StockMovement.Kind.GIVEN,
            quantity=dose_given,
            occurred_on=timezone.localdate(given_at),
            person=str(given_by),
            dose=dose,
            recorded_by=actor,
        )
    audit.record(
        "medical.dose.recorded",
        actor=actor,
        obj=dose,
        pupil=agreement.pupil,
        data={"outcome": outcome, "medicine": agreement.medicine_name, "flagged": flagged},
    )
    return dose


@transaction.atomic
def dose_parents_told(*, actor, dose, told_at, how):
    require(actor, dose.school)
    if dose.parents_told_at:
        raise PastoralError("Telling parents is already recorded.")
    dose.parents_told_at, dose.parents_told_how, dose.parents_told_by = told_at, how, actor
    dose.save(update_fields=["parents_told_at", "parents_told_how", "parents_told_by"])
    audit.record("medical.dose.parents_told", actor=actor, obj=dose, pupil=dose.pupil, data={"how": how})
    return dose


@transaction.atomic
def kit_consent_record(*, actor, school, pupil, kit, consent_on, parent_name):
    require(actor, school)
    require_pupil(actor, school, pupil)
    if selectors.kit_consent_current(pupil, kit, consent_on):
        raise ValidationError({"kit": "This pupil already has consent for it."})
    consent = EmergencyKitConsent(
        school=school, pupil=pupil, kit=kit, consent_on=consent_on, parent_name=parent_name, recorded_by=actor
    )
    consent.full_clean()
    consent.save()
    audit.record("medical.kit_consent.recorded", actor=actor, obj=consent, pupil=pupil, data={"kit": kit})
    return consent


@transaction.atomic
def kit_consent_withdraw(*, actor, consent, withdrawn_on):
    require(actor, consent.school)
    if consent.withdrawn_on:
        raise PastoralError("This consent has already been withdrawn.")
    if withdrawn_on < consent.consent_on:
        raise ValidationError({"withdrawn_on": "Consent cannot be withdrawn before it was given."})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    audit.record("medical.kit_consent.withdrawn", actor=actor, obj=consent, pupil=consent.pupil)
    return consent


@transaction.atomic
def kit_use_record(
    *, actor, school, pupil, kit, used_at, dose, what_happened, ambulance_called=False, parents_told=False
):
    require(actor, school)
    require_pupil(actor, school, pupil)
    if not selectors.kit_consent_current(pupil, kit, timezone.localdate(used_at)):
        raise ValidationError(
            {"pupil": "This pupil has no parental consent for the school's emergency kit: call 999 and their parents."}
        )
    use = EmergencyKitUse(
        school=school,
        pupil=pupil,
        kit=kit,
        used_at=used_at,
        dose=dose,
        given_by=actor,
        what_happened=what_happened,
        ambulance_called=ambulance_called,
        parents_told=parents_told,
        recorded_by=actor,
    )
    use.full_clean()
    use.save()
    audit.record("medical.kit.used", actor=actor, obj=use, pupil=pupil, data={"kit": kit, "dose": dose})
    return use
