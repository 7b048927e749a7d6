"""A safeguarding concern written on a paper form while the app was down, and entered afterwards."""

import datetime
import uuid

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEntry, PaperEntry, PaperFormSheet
from pastoral.paper import selectors as paper_selectors
from pastoral.paper.models import new_reference
from pastoral.tests.export_helpers import PdfText, download, latest
from pastoral.tests.pdftext import pdf_text
from safeguarding import escalation
from safeguarding.dashboard import overdue_counts
from safeguarding.models import Concern, Notification

from .conftest import ACCOUNT, DISCLOSURE, png_upload

KIND = "safeguarding.concern"


def _sheet(school, user, kind=KIND, **fields):
    return PaperFormSheet.objects.create(
        school=school, kind=kind, reference=new_reference(), batch=uuid.uuid4(), printed_by=user, **fields
    )


def _data(pupil, category, sheet_reference, writer, written_at="2026-11-20T10:40", **extra):
    return {
        "paper_reference": sheet_reference,
        "paper_written_at": written_at,
        "paper_written_by": str(writer.code),
        "paper_scan": png_upload("scan.png"),
        "pupils": [str(pupil.code)],
        "occurred_at": "2026-11-20T10:15",
        "location": "PE changing room",
        "category": str(category.code),
        "account": ACCOUNT,
        "child_words": DISCLOSURE,
        "submission_key": str(uuid.uuid4()),
        **extra,
    }


PAPER_URL = reverse("safeguarding:concern_create") + "?from_paper=1"


def test_printing_a_pad_reserves_references_and_the_pdf_carries_them_and_the_form_labels(
    client, as_user, teacher, school, categories, django_capture_on_commit_callbacks
):
    as_user(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("pastoral:paper_home"), {"kind": KIND, "count": "3", "key": str(uuid.uuid4())})
    assert response.status_code == 302 and response.url == reverse("pastoral:export_list")
    sheets = list(PaperFormSheet.objects.filter(school=school, kind=KIND))
    assert len(sheets) == 3 and len({s.reference for s in sheets}) == 3
    assert all(s.printed_by == teacher and s.used_at is None for s in sheets)
    generated_file = latest(teacher, "pastoral.paper.safeguarding.concern")
    assert generated_file.status == "done", generated_file.error
    _response, content = download(client, generated_file)
    text = PdfText(" ".join(pdf_text(content).split()))
    for sheet in sheets:
        assert sheet.reference in text
    for label in (
        "Safeguarding concern",
        "When did you see or hear this?",
        "What you saw or heard",
        "The child's own words",
        "Child at immediate risk",
        "Marks or injuries seen (body map)",
        "Written by (name)",
        "Date and time this form was written",
        categories["Neglect"].name,
    ):
        assert label in text, label
    assert AuditEntry.objects.filter(action="pastoral.paper.printed", actor=teacher).count() == 1


def test_a_pad_is_refused_beyond_its_limit_and_to_staff_who_cannot_raise(client, as_user, teacher, it_admin):
    as_user(teacher)
    response = client.post(reverse("pastoral:paper_home"), {"kind": KIND, "count": "51"})
    assert response.status_code == 400 and PaperFormSheet.objects.count() == 0
    as_user(it_admin)
    assert client.post(reverse("pastoral:paper_home"), {"kind": KIND, "count": "2"}).status_code == 403


def test_entering_from_paper_keeps_the_paper_time_who_wrote_it_and_who_entered_it(
    client, as_user, pastoral_staff, teacher, dsl, school, pupil, categories, django_capture_on_commit_callbacks
):
    sheet = _sheet(school, teacher)
    as_user(pastoral_staff)
    page = client.get(PAPER_URL)
    assert page.status_code == 200 and "Reference printed on the sheet" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            PAPER_URL, _data(pupil, categories["Physical abuse"], sheet.reference.lower().replace("-", " "), teacher)
        )
    concern = Concern.objects.get()
    assert response.status_code == 302, response.content.decode()[:2000]
    written_at = timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 40))
    assert concern.reported_at == written_at
    assert concern.occurred_at == timezone.make_aware(datetime.datetime(2026, 11, 20, 10, 15))
    entry = PaperEntry.objects.get()
    assert (entry.sheet, entry.written_at, entry.written_by, entry.entered_by) == (
        sheet,
        written_at,
        teacher,
        pastoral_staff,
    )
    assert paper_selectors.entry_for(concern) == entry
    assert timezone.now() - entry.entered_at < datetime.timedelta(minutes=1)
    sheet.refresh_from_db()
    assert sheet.used_at == entry.entered_at
    # The DSL team is told when it is entered, as for any concern.
    assert Notification.objects.filter(concern=concern, recipient=dsl).exists()
    assert [m.to[0] for m in mail.outbox] == [dsl.email]
    assert AuditEntry.objects.filter(action="pastoral.paper.entered", actor=pastoral_staff).count() == 1
    # The scan is stored encrypted and served only through the access-checked view.
    with open(entry.scan.path, "rb") as raw:
        assert not raw.read().startswith(b"\x89PNG")
    assert entry.scan.read().startswith(b"\x89PNG") and entry.scan_type == "image/png"
    as_user(dsl)
    detail = client.get(reverse("safeguarding:concern_detail", args=[concern.code])).content.decode()
    assert f"Written on paper (form {sheet.reference}) by {teacher.get_full_name()}" in detail
    assert f"entered by {pastoral_staff.get_full_name()}" in detail
    scan_url = reverse("pastoral:paper_scan", args=[entry.code])
    assert scan_url in detail
    scan = client.get(scan_url)
    assert scan.status_code == 200 and b"".join(scan.streaming_content).startswith(b"\x89PNG")
    assert scan["Content-Type"] == "image/png"
    assert AuditEntry.objects.filter(action="pastoral.paper.scan_viewed", actor=dsl).count() == 1
    # Who entered it may raise concerns but not read them: the scan is refused like the concern.
    as_user(pastoral_staff)
    assert client.get(scan_url).status_code == 403
    assert AuditEntry.objects.filter(action="pastoral.paper.refused", actor=pastoral_staff).count() == 1


def test_a_used_other_school_or_other_form_reference_is_refused_beside_the_field_and_nothing_is_saved(
    client, as_user, pastoral_staff, teacher, school, sister_school, other_school_dsl, pupil, categories
):
    used = _sheet(school, teacher, used_at=timezone.now())
    elsewhere = _sheet(sister_school, other_school_dsl)
    accident = _sheet(school, teacher, kind="medical.accident")
    as_user(pastoral_staff)
    for sheet, message in (
        (used, "has already been entered"),
        (elsewhere, "was printed for this school"),
        (accident, "not this one"),
        (type("S", (), {"reference": "P-2222-22"}), "was printed for this school"),
    ):
        response = client.post(PAPER_URL, _data(pupil, categories["Neglect"], sheet.reference, teacher))
        body = response.content.decode()
        assert response.status_code == 400
        assert message in body
        assert 'id="error_1_id_paper_reference"' in body or "is-invalid" in body
        assert ACCOUNT in body  # what was typed is kept
    assert Concern.objects.count() == 0 and PaperEntry.objects.count() == 0


def test_a_paper_time_before_the_event_or_a_bad_scan_is_refused(
    client, as_user, pastoral_staff, teacher, school, pupil, categories
):
    sheet = _sheet(school, teacher)
    as_user(pastoral_staff)
    early = client.post(PAPER_URL, _data(pupil, categories["Neglect"], sheet.reference, teacher, "2026-11-20T09:00"))
    assert early.status_code == 400 and "before what it records happened" in early.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("scan.pdf", b"<html>not a pdf</html>", "application/pdf")
    bad = client.post(PAPER_URL, _data(pupil, categories["Neglect"], sheet.reference, teacher, paper_scan=fake))
    assert bad.status_code == 400 and "whatever its name says" in bad.content.decode()
    assert Concern.objects.count() == 0
    sheet.refresh_from_db()
    assert sheet.used_at is None


def test_the_response_clocks_count_from_entry_not_from_the_paper_time(
    client, as_user, pastoral_staff, teacher, dsl, school, pupil, categories, django_capture_on_commit_callbacks
):
    """An urgent concern written on paper three days ago and entered now has not been ignored for three days."""
    sheet = _sheet(school, teacher)
    written = timezone.localtime() - datetime.timedelta(days=3)
    as_user(pastoral_staff)
    data = _data(pupil, categories["Neglect"], sheet.reference, teacher, written.strftime("%Y-%m-%dT%H:%M"))
    data["occurred_at"] = (written - datetime.timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    data["urgent"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(PAPER_URL, data).status_code == 302
    concern = Concern.objects.get()
    assert concern.reported_at < timezone.now() - datetime.timedelta(days=2)
    assert escalation.escalate_due() == []
    assert overdue_counts(dsl, school)["unassigned"] == 0
    # A concern typed in three days ago and never opened is escalated as before.
    Concern.objects.filter(pk=concern.pk).update(urgent=True)
    PaperEntry.objects.filter(object_id=concern.pk).update(entered_at=concern.reported_at)
    assert escalation.escalate_due(now=timezone.now() + datetime.timedelta(days=7)) == [concern.pk]


def test_the_normal_form_offers_paper_entry_and_is_unchanged_without_it(client, as_user, teacher):
    as_user(teacher)
    body = client.get(reverse("safeguarding:concern_create")).content.decode()
    assert "Enter it from paper" in body and "Reference printed on the sheet" not in body
