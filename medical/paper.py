"""Accidents and doses on paper: their blank forms and "enter from paper" (see pastoral/paper).

What happened and when is copied from the sheet into the usual fields; the record's "recorded at" takes the time
the sheet was written, and the record page says who wrote it and who entered it.
"""

from decimal import Decimal

from django.urls import reverse

from pastoral.paper.apps import register_kind

ACCIDENT = "medical.accident"
DOSE = "medical.dose"


def _stamp(model):
    def stamp(record, written_at):
        model.objects.filter(pk=record.pk).update(created_at=written_at)
        record.created_at = written_at

    return stamp


def _accident_form(user, school):
    from .first_aid.forms import AccidentForm

    return AccidentForm(user=user, school=school)


def _dose_form(user, school):
    from .medication.forms import DoseForm
    from .medication.models import MedicineAgreement

    # The medicine is chosen when the sheet is entered (from its agreement); the sheet names it in words.
    form = DoseForm(agreement=MedicineAgreement(school=school, dose_amount=Decimal("0"), dose_unit=""), actor=user)
    form.fields["dose_given"].help_text = "In the unit on the agreement (e.g. 5 ml, 1 tablet)"
    return form


def register():
    from .first_aid.models import Accident
    from .first_aid.selectors import accidents_visible_to
    from .medication.models import DoseAdministration
    from .medication.selectors import doses_visible_to
    from .selectors import RECORD

    register_kind(
        ACCIDENT,
        title="Accident and first aid",
        permission=RECORD,
        model=Accident,
        visible=accidents_visible_to,
        url=lambda accident: reverse("medical:accident_detail", args=[accident.code]),
        blank_form=_accident_form,
        skip=("submission_key",),
        stamp=_stamp(Accident),
        create_url="medical:accident_create",
        event_field="occurred_at",
    )
    register_kind(
        DOSE,
        title="Medication dose",
        permission=RECORD,
        model=DoseAdministration,
        visible=doses_visible_to,
        url=lambda dose: reverse("medical:dose_detail", args=[dose.code]),
        blank_form=_dose_form,
        skip=("submission_key",),
        extra=(
            ("Pupil", "Name and year group"),
            ("Medicine", "As named on the parental agreement, with the agreed dose"),
        ),
        stamp=_stamp(DoseAdministration),
        how_to_enter="open the pupil's medicine (Medical, then Medicines), choose “Record a dose”, then "
        "“Enter it from paper”",
        event_field="given_at",
    )
