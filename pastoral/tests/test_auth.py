import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry
from pastoral.tests.factories import MembershipFactory, UserFactory

PASSWORD = "correct horse battery staple"


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, username, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_it_keeps_a_signed_in_dsl_without_totp_away_from_pupils(client, dsl, pupil):
    sign_in(client, "dsl")
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:mfa_verify"))
    assert not AuditEntry.objects.filter(action="pastoral.pupil.viewed").exists()


def test_it_lets_a_dsl_in_with_a_valid_token(client, dsl, pupil):
    device = TOTPDevice.objects.get(user=dsl)
    sign_in(client, "dsl")
    target = reverse("pastoral:pupil_detail", args=[pupil.code])
    response = client.post(reverse("accounts:mfa_verify"), {"token": current_code(device), "next": target})
    assert response.status_code == 302
    assert response.url == target
    page = client.get(target)
    assert page.status_code == 200
    assert "Ainsworth" in page.content.decode()
    assert AuditEntry.objects.filter(action="auth.mfa.verified", actor=dsl).count() == 1


def test_it_refuses_and_counts_a_wrong_token(client, dsl, pupil):
    device = TOTPDevice.objects.get(user=dsl)
    wrong = f"{(int(current_code(device)) + 1) % 1000000:06d}"
    sign_in(client, "dsl")
    response = client.post(reverse("accounts:mfa_verify"), {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AuditEntry.objects.filter(action="auth.mfa.failed", actor=dsl).count() == 1
    assert client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).status_code == 302


def test_it_accepts_a_backup_code_once(client, dsl):
    from pastoral.services import mfa_issue_backup_codes

    codes = mfa_issue_backup_codes(user=dsl)
    sign_in(client, "dsl")
    response = client.post(reverse("accounts:mfa_verify"), {"token": codes[0]})
    assert response.status_code == 302
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    assert StaticToken.objects.filter(device__user=dsl).count() == 9


def test_it_enrols_a_new_starter_with_a_qr_code_and_backup_codes(client, school):
    user = UserFactory(username="newbie")
    MembershipFactory(user=user, school=school, role=Role.TEACHER)
    sign_in(client, "newbie")
    response = client.get(reverse("pastoral:home"))
    assert response.url.startswith(reverse("accounts:mfa_verify"))
    setup = client.get(reverse("accounts:mfa_setup"))
    assert setup.status_code == 200
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(reverse("accounts:mfa_setup"), {"token": current_code(device)})
    assert done.status_code == 200
    assert "Your backup codes" in done.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert client.get(reverse("pastoral:home")).status_code == 200


def test_it_signs_in_with_email_as_well_as_username(client, teacher):
    response = sign_in(client, teacher.email.upper())
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="auth.login.succeeded", actor=teacher).count() == 1


def test_it_records_failed_sign_ins_and_locks_after_ten(client, teacher):
    for _ in range(10):
        response = sign_in(client, "teacher", "wrong password")
    assert AuditEntry.objects.filter(action="auth.login.failed", actor_label="teacher").count() == 10
    response = sign_in(client, "teacher")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert AuditEntry.objects.filter(action="auth.login.locked_out").exists()


def test_it_shows_a_clear_message_for_a_wrong_password(client, teacher):
    response = sign_in(client, "teacher", "nope")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()


def test_it_cuts_a_leaver_off_at_once(client, teacher, pupil, as_user):
    as_user(teacher)
    assert client.get(reverse("pastoral:pupil_list")).status_code == 200
    teacher.is_active = False
    teacher.save()
    response = client.get(reverse("pastoral:pupil_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_cuts_access_when_a_role_ends(client, teacher, pupil, as_user):
    import datetime

    as_user(teacher)
    membership = teacher.memberships.get()
    membership.ends_on = datetime.date.today() - datetime.timedelta(days=1)
    membership.save()
    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_it_emails_a_password_reset_link(client, teacher, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:password_reset"), {"email": teacher.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.parametrize(
    "password,has_mfa,ok",
    [("short-pass1", False, False), ("a-longer-pass-phrase", False, True), ("Tr0ub4d!", True, True)],
)
def test_it_asks_for_12_characters_or_8_with_mfa(school, password, has_mfa, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = UserFactory(username="pw")
    if has_mfa:
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_it_expires_idle_sessions_after_the_configured_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_it_refuses_sign_in_once_the_last_role_has_ended(client, teacher):
    import datetime

    teacher.memberships.update(ends_on=datetime.date.today() - datetime.timedelta(days=1))
    response = sign_in(client, "teacher")
    assert response.status_code == 200
    assert "do not match an active account" in response.content.decode()
    assert not AuditEntry.objects.filter(action="auth.login.succeeded", actor=teacher).exists()
