"""Accidents and doses written on paper forms and entered afterwards."""

import datetime
import uuid

from django.urls import reverse
from django.utils import timezone

from medical.models import Accident, DoseAdministration
from medical.tests.factories import AgreementFactory
from pastoral.models import AuditEntry, PaperEntry, PaperFormSheet
from pastoral.paper.models import new_reference
from pastoral.tests.export_helpers import download, latest
from pastoral.tests.pdftext import pdf_text
from safeguarding.tests.conftest import png_upload


def _sheet(school, user, kind):
    return PaperFormSheet.objects.create(
        school=school, kind=kind, reference=new_reference(), batch=uuid.uuid4(), printed_by=user
    )


def _when(minutes_ago):
    return (timezone.localtime() - datetime.timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)


def _paper(sheet, writer, written_at):
    return {
        "paper_reference": sheet.reference,
        "paper_written_at": written_at.strftime("%Y-%m-%dT%H:%M"),
        "paper_written_by": str(writer.code),
        "paper_scan": png_upload("scan.png"),
    }


def test_an_accident_entered_from_paper_keeps_its_times_and_provenance(as_user, medical_lead, teacher, school, pupil):
    sheet = _sheet(school, teacher, "medical.accident")
    happened, written = _when(300), _when(290)
    client = as_user(medical_lead)
    url = reverse("medical:accident_create") + "?from_paper=1"
    page = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "Reference printed on the sheet" in page
    data = {
        **_paper(sheet, teacher, written),
        "person_kind": "pupil",
        "pupil": str(pupil.code),
        "occurred_at": happened.strftime("%Y-%m-%dT%H:%M"),
        "location": "Playground",
        "what_happened": "Fell from the climbing frame",
        "injury": "cut",
        "body_part": "knee",
        "treatment": "Cleaned and plaster",
        "treated_by": str(teacher.code),
        "outcome": "class",
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    accident = Accident.objects.get()
    assert response.status_code == 302
    assert accident.occurred_at == happened and accident.created_at == written
    entry = PaperEntry.objects.get()
    assert (entry.written_by, entry.entered_by, entry.object_id) == (teacher, medical_lead, accident.pk)
    sheet.refresh_from_db()
    assert sheet.used_at is not None
    body = client.get(reverse("medical:accident_detail", args=[accident.code])).content.decode()
    assert f"Written on paper (form {sheet.reference})" in body
    assert client.get(reverse("pastoral:paper_scan", args=[entry.code])).status_code == 200
    # The same sheet a second time is refused beside its field, and nothing more is saved.
    data["paper_scan"] = png_upload("scan.png")
    data["submission_key"] = str(uuid.uuid4())
    again = client.post(url, data)
    assert again.status_code == 400 and "has already been entered" in again.content.decode()
    assert Accident.objects.count() == 1 and PaperEntry.objects.count() == 1


def test_a_refusal_by_the_area_leaves_the_sheet_unused(as_user, medical_lead, teacher, school, pupil):
    """The dose service refuses more than the agreed dose: the sheet, the entry and the scan are not kept."""
    agreement = AgreementFactory(pupil=pupil, recorded_by=medical_lead)
    sheet = _sheet(school, teacher, "medical.dose")
    client = as_user(medical_lead)
    url = reverse("medical:dose_create", args=[agreement.code]) + "?from_paper=1"
    data = {
        **_paper(sheet, teacher, _when(50)),
        "outcome": "given",
        "given_at": _when(60).strftime("%Y-%m-%dT%H:%M"),
        "dose_given": "5",
        "given_by": str(medical_lead.code),
        "submission_key": str(uuid.uuid4()),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert DoseAdministration.objects.count() == 0 and PaperEntry.objects.count() == 0
    sheet.refresh_from_db()
    assert sheet.used_at is None
    data.update(dose_given="1", paper_scan=png_upload("scan.png"))
    assert client.post(url, data).status_code == 302
    dose = DoseAdministration.objects.get()
    assert dose.given_at == _when(60) and dose.created_at == _when(50)
    assert AuditEntry.objects.filter(action="pastoral.paper.entered", pupil=pupil).count() == 1


def test_the_dose_and_accident_pads_print_their_fields(
    as_user, medical_lead, school, django_capture_on_commit_callbacks
):
    client = as_user(medical_lead)
    for kind, labels in (
        ("medical.dose", ["Medication dose", "Pupil", "Medicine", "Outcome", "Dose given", "Given by", "Witness"]),
        ("medical.accident", ["Accident and first aid", "Who was hurt", "Part of the body", "Head injury"]),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("pastoral:paper_home"), {"kind": kind, "count": "2", "key": str(uuid.uuid4())})
        _response, content = download(client, latest(medical_lead, f"pastoral.paper.{kind}"))
        text = " ".join(pdf_text(content).split())
        for sheet in PaperFormSheet.objects.filter(kind=kind):
            assert sheet.reference in text
        for label in labels:
            assert label in text, (kind, label)


def test_the_demo_has_a_printed_pad_with_two_sheets_entered(medical_lead, teacher, school, pupil):
    import random

    from medical.paper import seed_paper_forms
    from pastoral.accounts.roles import Role
    from pastoral.tests.factories import PupilFactory

    pupils = [pupil, PupilFactory(school=school)]
    staff = {Role.MEDICAL_LEAD: [medical_lead], Role.TEACHER: [teacher]}
    seed_paper_forms(school, staff, pupils, random.Random(7), None)
    sheets = PaperFormSheet.objects.filter(school=school, kind="medical.accident")
    assert sheets.count() == 6 and sheets.filter(used_at__isnull=False).count() == 2
    assert len({s.batch for s in sheets}) == 1
    for entry in PaperEntry.objects.select_related("sheet"):
        accident = Accident.objects.get(pk=entry.object_id)
        assert accident.created_at == entry.written_at > accident.occurred_at
        assert entry.entered_at > entry.written_at and entry.sheet.used_at == entry.entered_at
        assert (entry.written_by, entry.entered_by) == (teacher, medical_lead)
        assert entry.scan.read().startswith(b"\x89PNG")
