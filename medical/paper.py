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
    from pastoral import demo

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
    demo.register_seeder("medical_paper_forms", seed_paper_forms)


def _scan_png(rng):
    """A stand-in for a scanned page: a white A4-shaped image with lines of "handwriting"."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (210, 297), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 200, 30), outline="black")
    for row in range(40, 280, 12):
        draw.line((14, row, 14 + rng.randint(60, 180), row), fill=(40, 40, 120), width=2)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def seed_paper_forms(school, staff_by_role, pupils, rng, term):
    """A pad of six accident forms printed for the fallback, two of them written on paper during a network
    outage last week and entered the next morning by the first aider (with their scans); four still blank."""
    import datetime

    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from pastoral.accounts.roles import Role
    from pastoral.models import PaperEntry, PaperFormSheet
    from pastoral.paper.models import new_reference

    from .demo import code, medic_of
    from .first_aid.models import Accident

    medic = medic_of(staff_by_role)
    writers = staff_by_role.get(Role.TEACHER) or []
    if medic is None or not writers or len(pupils) < 2:
        return
    now = timezone.now()
    printed_at = now - datetime.timedelta(days=21)
    batch = code(rng)
    sheets = [
        PaperFormSheet.objects.create(
            code=code(rng),
            school=school,
            kind=ACCIDENT,
            reference=new_reference(rng),
            batch=batch,
            printed_by=medic,
            printed_at=printed_at,
        )
        for _ in range(6)
    ]
    outage = timezone.localtime(now - datetime.timedelta(days=7)).replace(hour=12, minute=40, second=0, microsecond=0)
    content_type = ContentType.objects.get_for_model(Accident)
    for index, (sheet, pupil) in enumerate(zip(sheets[:2], rng.sample(pupils, k=2), strict=True)):
        writer = writers[index % len(writers)]
        happened = outage + datetime.timedelta(minutes=25 * index)
        written = happened + datetime.timedelta(minutes=10)
        entered = (outage + datetime.timedelta(days=1)).replace(hour=8, minute=15 + 5 * index)
        accident = Accident.objects.create(
            code=code(rng),
            school=school,
            pupil=pupil,
            occurred_at=happened,
            location="Playground",
            what_happened="Tripped on the step by the climbing frame" if index == 0 else "Hit by a football",
            injury="cut" if index == 0 else "bruise",
            body_part="knee" if index == 0 else "arm",
            treatment="Cleaned and a plaster" if index == 0 else "Cold compress",
            treated_by=writer,
            outcome="class",
            recorded_by=medic,
        )
        Accident.objects.filter(pk=accident.pk).update(created_at=written)
        scan = _scan_png(rng)
        entry = PaperEntry(
            code=code(rng),
            school=school,
            sheet=sheet,
            content_type=content_type,
            object_id=accident.pk,
            written_at=written,
            written_by=writer,
            entered_by=medic,
            entered_at=entered,
            scan_name=f"scan-{sheet.reference}.png",
            scan_type="image/png",
            scan_size=len(scan),
        )
        entry.scan.save("scan.png", ContentFile(scan), save=False)
        entry.save()
        PaperFormSheet.objects.filter(pk=sheet.pk).update(used_at=entered)
