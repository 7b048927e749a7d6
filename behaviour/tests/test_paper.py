"""Behaviour incidents and physical interventions written on paper forms and entered afterwards."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.models import Incident, RestrictiveIntervention
from pastoral.models import PaperEntry, PaperFormSheet
from pastoral.paper.models import new_reference
from pastoral.tests.export_helpers import download, latest
from pastoral.tests.factories import PupilFactory
from pastoral.tests.pdftext import pdf_text
from safeguarding.tests.conftest import png_upload

from .factories import BehaviourCategoryFactory, BehaviourEventFactory
from .interventions_helpers import make_technique
from .test_incidents import _form as incident_form
from .test_interventions import form_data as intervention_form

pytestmark = pytest.mark.django_db


def _sheet(school, user, kind):
    return PaperFormSheet.objects.create(
        school=school, kind=kind, reference=new_reference(), batch=uuid.uuid4(), printed_by=user
    )


def _paper(sheet, writer, written_at):
    return {
        "paper_reference": sheet.reference,
        "paper_written_at": timezone.localtime(written_at).strftime("%Y-%m-%dT%H:%M"),
        "paper_written_by": str(writer.code),
        "paper_scan": png_upload("scan.png"),
    }


def test_an_intervention_written_on_paper_on_the_day_is_not_recorded_late(
    client, as_user, school, pupil, teacher, pastoral_staff
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    written = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(15, 30)))
    sheet = _sheet(school, teacher, "behaviour.intervention")
    as_user(pastoral_staff)
    url = reverse("behaviour:intervention_create") + "?from_paper=1"
    page = client.get(url).content.decode()
    assert "From the paper form" in page and 'enctype="multipart/form-data"' in page
    data = {
        **intervention_form(pupil, [teacher], make_technique(school), occurred_on=yesterday.isoformat()),
        **_paper(sheet, teacher, written),
    }
    response = client.post(url, data)
    record = RestrictiveIntervention.objects.get()
    assert response.status_code == 302
    assert record.recorded_at == written and not record.recorded_late
    assert record.recorded_by == pastoral_staff
    entry = PaperEntry.objects.get()
    assert (entry.written_by, entry.entered_by, entry.sheet) == (teacher, pastoral_staff, sheet)
    body = client.get(reverse("behaviour:intervention_detail", args=[record.code])).content.decode()
    assert f"Written on paper (form {sheet.reference})" in body and "Recorded after the day" not in body


def test_incident_detail_from_paper_and_a_refused_sheet(client, as_user, school, pupil, teacher, sister_school):
    category = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    event = BehaviourEventFactory(pupil=pupil, category=category)
    other = PupilFactory(school=sister_school)
    foreign = _sheet(sister_school, teacher, "behaviour.incident")
    sheet = _sheet(school, teacher, "behaviour.incident")
    written = timezone.now() - datetime.timedelta(hours=2)
    as_user(teacher)
    url = reverse("behaviour:incident_create", args=[event.code]) + "?from_paper=1"
    refused = client.post(url, {**incident_form(), **_paper(foreign, teacher, written)})
    assert "was printed for this school" in refused.content.decode()
    assert Incident.objects.count() == 0 and other.pk
    response = client.post(url, {**incident_form(), **_paper(sheet, teacher, written)})
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert incident.created_at == written.replace(second=0, microsecond=0)
    assert PaperEntry.objects.get().object_id == incident.pk


def test_the_intervention_pad_prints_its_fields(client, as_user, teacher, school, django_capture_on_commit_callbacks):
    as_user(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("pastoral:paper_home"),
            {"kind": "behaviour.intervention", "count": "1", "key": str(uuid.uuid4())},
        )
    _response, content = download(client, latest(teacher, "pastoral.paper.behaviour.intervention"))
    text = " ".join(pdf_text(content).split())
    assert PaperFormSheet.objects.get().reference in text
    assert "Physical intervention (reasonable force)" in text
    for label in ("Start time", "End time", "Staff involved"):
        assert label.lower() in text.lower(), label
