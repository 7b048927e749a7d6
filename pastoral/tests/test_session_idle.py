"""Status polls (My exports, pupil import progress) do not count as activity; page requests do."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pastoral.middleware import SESSION_RENEW_SECONDS, SESSION_RENEWED_KEY
from pastoral.models import GeneratedFile


def stored_session(client):
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def test_it_lets_the_session_lapse_while_only_status_polls_happen(client, dsl, school, as_user):
    generated_file = GeneratedFile.objects.create(
        owner=dsl, school=school, kind="pastoral.pupils_csv", expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    as_user(dsl)
    assert client.get(reverse("pastoral:export_list")).status_code == 200
    expires = stored_session(client).expire_date
    status_url = reverse("pastoral:export_status", args=[generated_file.code])
    for _ in range(3):
        response = client.get(status_url)
        assert response.status_code == 200 and response.json()["status"] == "queued"
        assert settings.SESSION_COOKIE_NAME not in response.cookies, "a poll must not renew the session cookie"
    assert stored_session(client).expire_date == expires, "a poll must not move the session's expiry"

    # The idle timeout passes with the page open and polling: the stored expiry is now in the past.
    Session.objects.filter(expire_date=expires).update(
        expire_date=F("expire_date") - datetime.timedelta(minutes=settings.SESSION_IDLE_TIMEOUT_MINUTES + 1)
    )
    response = client.get(status_url)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    response = client.get(reverse("pastoral:export_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_page_request_renews_the_session_at_most_once_a_minute(client, dsl, as_user):
    as_user(dsl)
    client.get(reverse("pastoral:export_list"))
    Session.objects.update(expire_date=F("expire_date") - datetime.timedelta(minutes=10))
    expires = stored_session(client).expire_date
    response = client.get(reverse("pastoral:export_list"))
    assert response.status_code == 200
    assert stored_session(client).expire_date == expires, "renewed less than a minute ago: nothing is written"
    assert "Cookie" in response.headers["Vary"]

    # A minute later the next page request renews the expiry.
    session = client.session
    session[SESSION_RENEWED_KEY] -= SESSION_RENEW_SECONDS
    session.save()
    Session.objects.update(expire_date=F("expire_date") - datetime.timedelta(minutes=10))
    expires = stored_session(client).expire_date
    response = client.get(reverse("pastoral:export_list"))
    assert response.status_code == 200 and settings.SESSION_COOKIE_NAME in response.cookies
    assert stored_session(client).expire_date > expires + datetime.timedelta(minutes=9)


def test_the_pupil_import_progress_poll_does_not_renew_the_session_either(client, pastoral_lead, school, as_user):
    from pastoral.models import ImportJob

    job = ImportJob.objects.create(school=school, created_by=pastoral_lead)
    as_user(pastoral_lead)
    assert client.get(reverse("pastoral:pupil_import_job", args=[job.code])).status_code == 200
    expires = stored_session(client).expire_date
    response = client.get(reverse("pastoral:pupil_import_job_status", args=[job.code]))
    assert response.status_code == 200 and response.json()["status"] == "queued"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert stored_session(client).expire_date == expires
