import pytest
from django.urls import reverse

from pastoral import selectors, services
from pastoral.chronology import chronology_for
from pastoral.files import exports
from pastoral.models import AuditEntry, PupilNote
from pastoral.tests.pdftext import pdf_text


def test_it_logs_a_call_home_onto_the_chronology(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    response = client.post(
        reverse("pastoral:note_create", args=[pupil.code]),
        {"kind": "phone_call", "occurred_at": "2026-11-20T10:15", "summary": "Spoke to mum about lateness"},
    )
    assert response.status_code == 302
    note = PupilNote.objects.get(pupil=pupil)
    assert note.author == pastoral_staff
    assert note.occurred_at.hour == 10
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Phone call with home: Spoke to mum about lateness" in profile
    assert AuditEntry.objects.filter(action="pastoral.note.created", pupil=pupil).count() == 1


def test_it_keeps_the_typed_text_when_the_entry_is_incomplete(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    response = client.post(
        reverse("pastoral:note_create", args=[pupil.code]),
        {"kind": "", "occurred_at": "2026-11-20T10:15", "summary": "Half typed", "detail": "Long detail"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in body
    assert 'value="Half typed"' in body and "Long detail" in body
    assert not PupilNote.objects.exists()


def test_it_refuses_a_note_dated_in_the_future(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    response = client.post(
        reverse("pastoral:note_create", args=[pupil.code]),
        {"kind": "observation", "occurred_at": "2099-01-01T09:00", "summary": "x"},
    )
    assert "cannot be in the future" in response.content.decode()


def test_it_voids_with_a_reason_and_never_deletes(client, pastoral_staff, pupil, as_user):
    note = PupilNote.objects.create(pupil=pupil, kind="observation", summary="Wrong pupil", author=pastoral_staff)
    as_user(pastoral_staff)
    url = reverse("pastoral:note_void", args=[pupil.code, note.code])
    empty = client.post(url, {"reason": ""})
    assert "This field is required." in empty.content.decode()
    client.post(url, {"reason": "Logged against the wrong pupil"})
    note.refresh_from_db()
    assert note.voided_at is not None and note.voided_by == pastoral_staff
    assert PupilNote.objects.filter(pk=note.pk).exists()
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Voided – Observation: Wrong pupil" in profile
    assert AuditEntry.objects.filter(action="pastoral.note.voided").count() == 1


def test_a_teacher_can_read_but_not_void(client, teacher, pastoral_staff, pupil, as_user):
    note = PupilNote.objects.create(pupil=pupil, kind="observation", summary="Seen upset", author=pastoral_staff)
    as_user(teacher)
    assert client.get(reverse("pastoral:note_detail", args=[pupil.code, note.code])).status_code == 200
    response = client.post(reverse("pastoral:note_void", args=[pupil.code, note.code]), {"reason": "no"})
    assert response.status_code == 403


def _voided_note(author, pupil, lead):
    note = PupilNote.objects.create(pupil=pupil, kind="phone_call", summary="Called the wrong family", author=author)
    services.note_void(actor=lead, note=note, reason="Logged against the wrong pupil")
    return note


@pytest.fixture
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def _chronology_pdf_text(owner, pupil):
    generated_file = exports.request_export(
        actor=owner, kind_name="pastoral.chronology_pdf", school=None, parameters={"pupil": str(pupil.code)}
    )
    assert exports.generate(generated_file.pk) == "done"
    generated_file.refresh_from_db()
    return pdf_text(exports.read_stored(generated_file))


@pytest.mark.parametrize("reader", ["teacher", "trust_leader"])
def test_it_hides_a_voided_entry_from_pupil_readers(request, client, as_user, pupil, pastoral_lead, reader):
    user = request.getfixturevalue(reader)
    note = _voided_note(pastoral_lead, pupil, pastoral_lead)
    kept = PupilNote.objects.create(pupil=pupil, kind="meeting", summary="Met dad at reception", author=pastoral_lead)
    as_user(user)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Met dad at reception" in profile
    assert "Called the wrong family" not in profile and "wrong pupil" not in profile
    assert all(item.title != f"Voided – {note}" for item in chronology_for(user, pupil))
    assert "Called the wrong family" not in str(chronology_for(user, pupil))
    assert not selectors.notes_visible_to(user).filter(pk=note.pk).exists()
    assert selectors.notes_visible_to(user).filter(pk=kept.pk).exists()
    detail = client.get(reverse("pastoral:note_detail", args=[pupil.code, note.code]))
    assert detail.status_code == 403


def test_the_chronology_pdf_leaves_a_voided_entry_out_for_a_teacher(teacher, pupil, pastoral_lead, generated_root):
    _voided_note(pastoral_lead, pupil, pastoral_lead)
    PupilNote.objects.create(pupil=pupil, kind="meeting", summary="Met dad at reception", author=pastoral_lead)
    text = _chronology_pdf_text(teacher, pupil)
    assert "Met dad at reception" in text
    assert "Called the wrong family" not in text and "Voided" not in text and "wrong pupil" not in text


def test_a_lead_sees_a_voided_entry_marked_voided_with_its_reason(client, as_user, pupil, pastoral_lead, dsl):
    note = _voided_note(pastoral_lead, pupil, pastoral_lead)
    as_user(dsl)
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Voided – Phone call with home: Called the wrong family" in profile
    assert "voided: Logged against the wrong pupil" in profile
    detail = client.get(reverse("pastoral:note_detail", args=[pupil.code, note.code])).content.decode()
    assert "Voided" in detail and "Logged against the wrong pupil" in detail


def test_the_chronology_pdf_marks_a_voided_entry_for_a_lead(dsl, pupil, pastoral_lead, generated_root):
    _voided_note(pastoral_lead, pupil, pastoral_lead)
    text = _chronology_pdf_text(dsl, pupil)
    assert "Voided – Phone call with home: Called the wrong family" in text
    assert "Logged against the wrong pupil" in text
