import datetime

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEntry
from safeguarding.dashboard import overdue_counts
from safeguarding.models import ExpectedFile, IncomingFile
from safeguarding.tasks import send_overdue_alert_task

from .conftest import png_upload


def test_a_dsl_expects_a_file_and_it_is_flagged_once_the_date_passes(client, as_user, dsl, pupil, school):
    as_user(dsl)
    url = reverse("safeguarding:expected_create")
    response = client.post(url, {"pupil": pupil.code, "from_school": ""})
    assert response.status_code == 400 and not ExpectedFile.objects.exists()
    assert client.post(url, {"pupil": pupil.code, "from_school": "Old Primary"}).status_code == 302
    expected = ExpectedFile.objects.get()
    # Five school days from today by default.
    assert expected.expected_by > timezone.localdate() + datetime.timedelta(days=4)
    again = client.post(url, {"pupil": pupil.code, "from_school": "Old Primary"})
    assert again.status_code == 400 and "already expected" in again.content.decode()
    assert overdue_counts(dsl, school)["expected"] == 0

    expected.expected_by = timezone.localdate() - datetime.timedelta(days=1)
    expected.save()
    assert overdue_counts(dsl, school)["expected"] == 1
    page = client.get(reverse("safeguarding:transfer_list")).content.decode()
    assert "Not arrived: chase it" in page and "Old Primary" in page
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "1 CP file from a previous school not arrived" in home
    assert send_overdue_alert_task.delay(school.pk, dsl.pk).get() == "sent"
    assert "previous school not arrived" in mail.outbox[0].body and pupil.legal_last_name not in mail.outbox[0].body

    assert client.post(reverse("safeguarding:expected_chase", args=[expected.code]), {"note": "Emailed their DSL"})
    expected.refresh_from_db()
    assert expected.last_chased_on == timezone.localdate() and expected.chase_note == "Emailed their DSL"
    assert AuditEntry.objects.filter(action="safeguarding.expected.chased", pupil=pupil).exists()


def test_the_file_arriving_or_none_coming_ends_the_wait_and_nothing_is_deleted(client, as_user, dsl, pupil, school):
    as_user(dsl)
    client.post(reverse("safeguarding:expected_create"), {"pupil": pupil.code, "from_school": "Old Primary"})
    expected = ExpectedFile.objects.get()
    client.post(
        reverse("safeguarding:incoming_upload"),
        {"pupil": pupil.code, "from_school": "Old Primary", "received_on": "2026-09-10", "upload": png_upload()},
    )
    expected.refresh_from_db()
    assert expected.received == IncomingFile.objects.get() and not expected.is_open

    client.post(reverse("safeguarding:expected_create"), {"pupil": pupil.code, "from_school": "Another School"})
    second = ExpectedFile.objects.get(received__isnull=True)
    assert client.post(reverse("safeguarding:expected_close", args=[second.code]), {"reason": ""}).status_code == 302
    second.refresh_from_db()
    assert second.is_open  # no reason, nothing closed
    client.post(reverse("safeguarding:expected_close", args=[second.code]), {"reason": "Their DSL says none exists"})
    second.refresh_from_db()
    assert not second.is_open and second.closed_reason == "Their DSL says none exists"
    assert ExpectedFile.objects.count() == 2


def test_only_the_dsl_team_expect_chase_or_close(client, as_user, dsl, teacher, headteacher, pupil, other_school_dsl):
    as_user(dsl)
    client.post(reverse("safeguarding:expected_create"), {"pupil": pupil.code, "from_school": "Old Primary"})
    expected = ExpectedFile.objects.get()
    as_user(headteacher)  # reads concerns, does not do the case work
    assert client.get(reverse("safeguarding:expected_create")).status_code == 403
    assert client.post(reverse("safeguarding:expected_chase", args=[expected.code]), {"note": "x"}).status_code == 403
    as_user(other_school_dsl)
    assert client.post(reverse("safeguarding:expected_close", args=[expected.code]), {"reason": "x"}).status_code == 404
    as_user(teacher)
    assert client.get(reverse("safeguarding:expected_create")).status_code == 403
