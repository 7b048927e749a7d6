import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from pastoral.models import AuditEntry


def test_it_writes_one_entry_per_profile_view(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]))
    assert response.status_code == 200
    entries = AuditEntry.objects.filter(action="pastoral.pupil.viewed")
    assert entries.count() == 1
    entry = entries.get()
    assert entry.actor == teacher
    assert entry.pupil == pupil
    assert entry.school == pupil.school
    assert entry.ip_address == "127.0.0.1"


def test_it_refuses_update_and_delete_in_the_database(teacher, pupil):
    from pastoral import audit

    entry = audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM pastoral_auditentry")
    entry.refresh_from_db()
    assert entry.action == "pastoral.pupil.viewed"


def test_it_refuses_changes_through_the_model(teacher, pupil):
    from django.core.exceptions import ValidationError

    from pastoral import audit

    entry = audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_it_rejects_unknown_actions(teacher):
    from pastoral import audit

    with pytest.raises(ValueError):
        audit.record("pastoral.pupil.peeked", actor=teacher)


def test_it_masks_secrets(teacher):
    from pastoral import audit

    entry = audit.record("auth.password.changed", actor=teacher, data={"password": "hunter2", "note": "x"})
    assert entry.data == {"password": "***", "note": "x"}


def test_it_records_object_permission_grants_and_revokes(teacher, pupil):
    from guardian.shortcuts import assign_perm, remove_perm

    assign_perm("pastoral.view_pupil", teacher, pupil)
    remove_perm("pastoral.view_pupil", teacher, pupil)
    granted = AuditEntry.objects.get(action="pastoral.permission.granted")
    revoked = AuditEntry.objects.get(action="pastoral.permission.revoked")
    assert granted.pupil is None or granted.object_id == str(pupil.pk)
    assert granted.data["permission"] == "view_pupil"
    assert revoked.data["grantee"] == str(teacher)


def test_it_shows_the_school_log_to_the_headteacher_only(client, headteacher, teacher, pupil, as_user):
    from pastoral import audit

    audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)
    as_user(headteacher)
    page = client.get(reverse("pastoral:audit_log"))
    assert page.status_code == 200
    assert "pastoral.pupil.viewed" in page.content.decode()


def test_it_filters_the_log_by_the_start_of_an_action(client, headteacher, teacher, pupil, as_user):
    from pastoral import audit

    audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)
    audit.record("auth.password.changed", actor=teacher)
    as_user(headteacher)

    page = client.get(reverse("pastoral:audit_log"), {"action": "pastoral.pupil"})

    assert page.status_code == 200
    assert [entry.action for entry in page.context["page"]] == ["pastoral.pupil.viewed"]


def test_it_answers_a_nul_byte_in_the_filter_with_a_clear_400(client, headteacher, as_user):
    as_user(headteacher)

    response = client.get(reverse("pastoral:audit_log") + "?action=%00")

    assert response.status_code == 400
    assert "null byte" in response.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Pastoral Pupil!", "lower-case letters, digits, dots and underscores only"),
        ("a" * 101, "Action names are at most 100 characters long."),
        ("pastoral\x00", "Null characters are not allowed."),
    ],
)
def test_it_explains_a_malformed_filter_beside_the_field(
    client, headteacher, teacher, as_user, settings, value, message
):
    from pastoral import audit

    # Without the request guard in front, the form itself must still refuse a NUL byte.
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if "request_limits" not in name]
    audit.record("auth.password.changed", actor=teacher)
    as_user(headteacher)

    page = client.get(reverse("pastoral:audit_log"), {"action": value})

    assert page.status_code == 200
    body = page.content.decode()
    assert message in body
    assert 'aria-describedby="action-error"' in body
    assert list(page.context["page"]) == []


def test_the_log_reads_as_sentences_folds_repeated_reads_and_filters_by_person_pupil_and_date(
    client, headteacher, teacher, dsl, pupil, school, as_user
):
    import datetime

    from django.utils import timezone

    from pastoral import audit
    from pastoral.models import AuditEntry
    from pastoral.tests.factories import PupilFactory

    other = PupilFactory(school=school, legal_first_name="Ola", legal_last_name="Nwosu")
    for _ in range(3):
        audit.record("pastoral.pupil.viewed", actor=teacher, obj=pupil)
    audit.record("pastoral.pupil.viewed", actor=dsl, obj=other)
    # Written ten days ago (the log refuses updates, so it is inserted with its time).
    old = AuditEntry.objects.create(
        actor=dsl,
        actor_label=dsl.username,
        school=school,
        action="pastoral.pupil.viewed",
        pupil=pupil,
        at=timezone.now() - datetime.timedelta(days=10),
    )
    as_user(headteacher)
    url = reverse("pastoral:audit_log")

    page = client.get(url)
    lines = page.context["lines"]
    assert [(line.entry.actor, line.times) for line in lines[:2]] == [(dsl, 1), (teacher, 3)]
    body = page.content.decode()
    assert f"<strong>{teacher}</strong> {audit.ACTIONS['pastoral.pupil.viewed']} about" in body
    assert "3 times" in body

    by_person = client.get(url, {"actor": str(dsl.code)}).context["lines"]
    assert {line.entry.actor for line in by_person} == {dsl} and len(by_person) == 2
    by_pupil = client.get(url, {"pupil": "Nwosu"}).context["lines"]
    assert [line.entry.pupil for line in by_pupil] == [other]
    recent = client.get(url, {"start": (timezone.localdate() - datetime.timedelta(days=2)).isoformat()})
    assert old.pk not in {line.entry.pk for line in recent.context["lines"]}
    assert len(recent.context["lines"]) == 2
