from django.urls import reverse

from pastoral.models import AuditEntry, PupilNote


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
