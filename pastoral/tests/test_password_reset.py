"""Password reset: limited per address and per client IP, mailed by a task, and silent about who has an account."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from pastoral.models import AuditEntry, OutboxMessage, RateLimitHit
from pastoral.tests.factories import UserFactory

RESET = "accounts:password_reset"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    def post(email, ip="198.51.100.7"):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse(RESET), {"email": email}, REMOTE_ADDR=ip)

    return post


def queued():
    return OutboxMessage.objects.filter(task_name="pastoral.tasks.send_password_reset_task").count()


def test_the_email_is_built_and_sent_by_a_task_through_the_outbox(client, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse(RESET), {"email": f"  {teacher.email.upper()} "})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []  # nothing is sent in the request
    row = OutboxMessage.objects.get()
    assert (row.task_name, row.args, row.done_at) == ("pastoral.tasks.send_password_reset_task", [teacher.email], None)

    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    assert link.startswith("http://localhost:8000/accounts/reset/")
    assert client.get(link.removeprefix("http://localhost:8000")).status_code == 302  # on to the set-password form
    row.refresh_from_db()
    assert row.done_at is not None
    assert AuditEntry.objects.filter(action="auth.password_reset.requested", actor_label=teacher.email).count() == 1


def test_the_limit_per_address_holds_however_it_is_written_and_from_any_ip(ask, teacher, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    settings.PASSWORD_RESET_LIMIT_PER_IP = 100
    for n, email in enumerate([teacher.email, teacher.email.upper(), f" {teacher.email} "]):
        response = ask(email, ip=f"203.0.113.{n}")
        assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert queued() == 2 and len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action="auth.password_reset.limited", actor_label=teacher.email).count() == 1

    # Once the window has passed, the address may ask again.
    window = datetime.timedelta(minutes=settings.PASSWORD_RESET_LIMIT_WINDOW_MINUTES)
    RateLimitHit.objects.update(at=RateLimitHit.objects.first().at - window)
    ask(teacher.email, ip="203.0.113.9")
    assert queued() == 3 and len(mail.outbox) == 3


def test_the_limit_per_ip_holds_across_addresses(ask, teacher, dsl, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 100
    settings.PASSWORD_RESET_LIMIT_PER_IP = 2
    ask("nobody@school.test")
    ask(teacher.email)
    ask(dsl.email)  # a third address from the same IP: refused
    assert queued() == 2 and [m.to for m in mail.outbox] == [[teacher.email]]
    ask(dsl.email, ip="198.51.100.8")  # another client is not affected
    assert queued() == 3 and [m.to for m in mail.outbox] == [[teacher.email], [dsl.email]]


def test_the_page_is_the_same_for_an_account_an_unknown_address_and_a_limited_one(client, ask, teacher, settings):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1

    def outcome(email):
        response = ask(email)
        page = client.get(response.url)
        return response.status_code, response.url, page.status_code, page.content

    known = outcome(teacher.email)
    unknown = outcome("nobody@school.test")
    limited = outcome(teacher.email)
    assert known == unknown == limited
    assert "If that address belongs to an active account" in known[3].decode()
    # The request does the same work for an unknown address: only the task, later, finds nobody to mail.
    assert queued() == 2 and [m.to for m in mail.outbox] == [[teacher.email]]


def test_the_limit_per_address_holds_for_spellings_the_database_reads_as_the_same_address(ask, db, settings):
    # Django accepts a long s (U+017F) in an address, and the case-insensitive lookup finds jess@ with it,
    # so it must not open a fresh allowance for the same account.
    UserFactory(username="jess", email="jess@school.org")
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 1
    settings.PASSWORD_RESET_LIMIT_PER_IP = 100
    ask("jess@school.org", ip="203.0.113.1")
    assert queued() == 1 and [m.to for m in mail.outbox] == [["jess@school.org"]]
    for n, email in enumerate(["JE\u017fS@school.org", "je\u017fs@\u017fchool.org"]):
        response = ask(email, ip=f"203.0.113.{n + 2}")
        assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert queued() == 1 and len(mail.outbox) == 1
    assert AuditEntry.objects.filter(action="auth.password_reset.limited").count() == 2
