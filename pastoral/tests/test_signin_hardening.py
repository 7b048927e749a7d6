"""Sign-in throttling that an attacker cannot sidestep or turn against the staff it protects."""

import datetime
import threading
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff
from pastoral import services
from pastoral.accounts import signin
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry

PASSWORD = "correct horse battery staple"
SCHOOL_IP = "203.0.113.9"
HOME_IP = "198.51.100.7"


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, username, password=PASSWORD, ip=SCHOOL_IP):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def pass_two_factor(client, user, ip=SCHOOL_IP):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return client.post(reverse("accounts:mfa_verify"), {"token": current_code(device)}, REMOTE_ADDR=ip)


def full_sign_in(client, user, ip=SCHOOL_IP):
    assert sign_in(client, user.username, ip=ip).status_code == 302
    assert pass_two_factor(client, user, ip=ip).status_code == 302
    client.post(reverse("accounts:logout"), REMOTE_ADDR=ip)
    return client


@pytest.fixture
def medic(school):
    return make_staff(school, Role.MEDICAL_LEAD, "medical.riverside")


# One account, one counter ----------------------------------------------------


def test_a_lock_holds_however_the_name_is_typed(client, medic):
    for _ in range(10):
        sign_in(client, "medical.riverside", "wrong password")
    for spelling in ("Medical.Riverside", "MEDICAL.RIVERSIDE", medic.email, medic.email.upper()):
        response = sign_in(client, spelling)
        assert response.status_code == 429, spelling
        assert "Too many failed sign-in attempts" in response.content.decode()
    assert not AuditEntry.objects.filter(action="auth.login.succeeded", actor=medic).exists()


def test_case_variants_and_the_email_add_up_on_one_counter(client, medic):
    spellings = ["medical.riverside", "Medical.Riverside", "MEDICAL.riverside", medic.email, medic.email.title()]
    for spelling in spellings * 2:
        sign_in(client, spelling, "wrong password")
    assert sign_in(client, "medical.riverside").status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"medical.riverside"}


def test_a_name_matching_no_account_is_counted_in_lower_case(client, school):
    for spelling in ["Nobody.Here", "NOBODY.HERE", "nobody.here"]:
        sign_in(client, spelling, "wrong password")
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [("nobody.here", 3)]


# Per-address throttling and known browsers ------------------------------------


def test_one_address_trying_many_names_is_blocked_but_the_accounts_are_not(client, teacher, settings):
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "Summer2024!")
    blocked = sign_in(Client(), "teacher", ip=SCHOOL_IP)
    assert blocked.status_code == 429
    assert "from this network" in blocked.content.decode()
    # The same account from another address is not locked: no single name reached its limit.
    assert sign_in(Client(), "teacher", ip=HOME_IP).status_code == 302


def test_failures_under_the_address_limit_leave_the_address_open(client, teacher, settings):
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT - 1):
        sign_in(client, f"typo{n}", "wrong password")
    assert sign_in(Client(), "teacher").status_code == 302


def test_a_known_browser_signs_in_while_a_stranger_keeps_the_account_locked(teacher):
    colleague = full_sign_in(Client(), teacher)
    assert colleague.cookies[signin.KNOWN_DEVICE_COOKIE].value
    attacker = Client()
    for _ in range(25):
        sign_in(attacker, "teacher", "wrong password", ip=HOME_IP)
    assert sign_in(attacker, "teacher", ip=HOME_IP).status_code == 429
    assert sign_in(colleague, "teacher").status_code == 302
    assert AuditEntry.objects.filter(action="auth.login.succeeded", actor=teacher).count() == 2


def test_a_known_browser_still_has_its_own_limit(teacher):
    colleague = full_sign_in(Client(), teacher)
    for _ in range(10):
        sign_in(colleague, "teacher", "wrong password")
    assert sign_in(colleague, "teacher").status_code == 429


def test_a_known_browser_at_a_blocked_school_address_still_signs_in(client, teacher, settings):
    colleague = full_sign_in(Client(), teacher)
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong password")
    assert sign_in(Client(), "teacher").status_code == 429
    assert sign_in(colleague, "teacher").status_code == 302


def test_a_known_browser_cookie_only_covers_the_accounts_that_earned_it(teacher, dsl):
    colleague = full_sign_in(Client(), teacher)
    attacker = Client()
    for _ in range(10):
        sign_in(attacker, "dsl", "wrong password", ip=HOME_IP)
    assert sign_in(colleague, "dsl").status_code == 429
    forged = Client()
    forged.cookies[signin.KNOWN_DEVICE_COOKIE] = "not-a-signed-value"
    assert sign_in(forged, "dsl").status_code == 429


def test_a_password_alone_does_not_make_a_browser_known(client, teacher):
    assert sign_in(client, "teacher").status_code == 302
    assert signin.KNOWN_DEVICE_COOKIE not in client.cookies


def test_the_known_browser_cookie_is_signed_http_only_and_lasts_the_configured_days(teacher, settings):
    colleague = Client()
    sign_in(colleague, "teacher")
    pass_two_factor(colleague, teacher)
    cookie = colleague.cookies[signin.KNOWN_DEVICE_COOKIE]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) == settings.LOGIN_KNOWN_DEVICE_DAYS * 24 * 3600


def lock_from_elsewhere(username):
    attacker = Client()
    for _ in range(10):
        sign_in(attacker, username, "wrong password", ip=HOME_IP)
    assert sign_in(attacker, username, ip=HOME_IP).status_code == 429


def test_a_password_change_ends_the_known_browser_exemption(teacher):
    colleague = full_sign_in(Client(), teacher)
    teacher.set_password("a brand new passphrase")
    teacher.save()
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher", "a brand new passphrase").status_code == 429


def test_a_password_reset_through_the_email_link_ends_the_known_browser_exemption(teacher):
    colleague = full_sign_in(Client(), teacher)
    teacher.refresh_from_db()  # the reset token covers the last sign-in time
    uid = urlsafe_base64_encode(force_bytes(teacher.pk))
    token = default_token_generator.make_token(teacher)
    stranger = Client()
    response = stranger.get(reverse("accounts:password_reset_confirm", args=[uid, token]), follow=True)
    new = "a brand new passphrase"
    response = stranger.post(response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher", new).status_code == 429


def test_a_two_factor_reset_ends_the_known_browser_exemption(teacher):
    colleague = full_sign_in(Client(), teacher)
    TOTPDevice.objects.filter(user=teacher).delete()
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher").status_code == 429


def test_a_new_authenticator_after_a_reset_does_not_make_old_browsers_known_again(teacher):
    colleague = full_sign_in(Client(), teacher)
    TOTPDevice.objects.filter(user=teacher).delete()
    TOTPDevice.objects.create(user=teacher, name="Authenticator app", confirmed=True)
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher").status_code == 429


def test_a_browser_that_lost_its_exemption_is_paused_with_its_address(client, teacher, settings):
    colleague = full_sign_in(Client(), teacher)
    teacher.set_password("a brand new passphrase")
    teacher.save()
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong password")
    assert sign_in(colleague, "teacher", "a brand new passphrase").status_code == 429


def test_a_full_sign_in_after_a_password_change_makes_the_browser_known_again(teacher):
    colleague = full_sign_in(Client(), teacher)
    teacher.set_password(PASSWORD)
    teacher.save()
    # The authenticator code of this time step is spent, so the second full sign-in uses a backup code.
    code = services.mfa_issue_backup_codes(user=teacher)[0]
    assert sign_in(colleague, "teacher").status_code == 302
    assert colleague.post(reverse("accounts:mfa_verify"), {"token": code}, REMOTE_ADDR=SCHOOL_IP).status_code == 302
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher").status_code == 302


def test_new_backup_codes_and_other_accounts_changes_keep_the_browser_known(teacher, dsl):
    colleague = full_sign_in(Client(), teacher)
    full_sign_in(colleague, dsl)
    services.mfa_issue_backup_codes(user=teacher)
    dsl.set_password("a brand new passphrase")
    dsl.save()
    lock_from_elsewhere("teacher")
    assert sign_in(colleague, "teacher").status_code == 302


# Lock-out audit entries --------------------------------------------------------


def test_a_lock_on_a_known_browser_is_audited_under_the_account_name(teacher):
    colleague = full_sign_in(Client(), teacher)
    for _ in range(10):
        sign_in(colleague, "teacher", "wrong password")
    entry = AuditEntry.objects.get(action="auth.login.locked_out")
    assert entry.actor_label == "teacher"
    assert entry.data["counter"] == "known browser"
    browser_id = colleague.cookies[signin.KNOWN_DEVICE_COOKIE].value.split(":")[0]
    tag = entry.data["browser"]
    assert tag and browser_id not in tag and tag not in browser_id
    # The same browser gets the same tag, so a reviewer can tell one laptop's locks from another's.
    assert tag == signin.browser_tag(browser_id)


def test_an_account_lock_is_audited_under_the_account_name(client, teacher):
    for _ in range(10):
        sign_in(client, "Teacher", "wrong password")
    entry = AuditEntry.objects.get(action="auth.login.locked_out")
    assert entry.actor_label == "teacher"
    assert entry.data == {"counter": "account"}


def test_an_address_pause_is_audited_as_the_address_counter(client, school, settings):
    for n in range(settings.LOGIN_IP_FAILURE_LIMIT):
        sign_in(client, f"guess{n}", "wrong password")
    entry = AuditEntry.objects.get(action="auth.login.locked_out")
    assert entry.data == {"counter": "address"}


# Two-factor throttle -----------------------------------------------------------


def throttle(device, failures, ago=datetime.timedelta(0)):
    device.throttling_failure_count = failures
    device.throttling_failure_timestamp = timezone.now() - ago
    device.save()


@pytest.mark.parametrize("wrong", ["12345678", "123456"])
def test_wrong_codes_while_throttled_do_not_lengthen_the_wait(client, dsl, wrong):
    device = TOTPDevice.objects.get(user=dsl)
    sign_in(client, "dsl")
    throttle(device, 5)
    for _ in range(40):
        response = client.post(reverse("accounts:mfa_verify"), {"token": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 5
    page = response.content.decode()
    assert "Too many wrong codes" in page
    assert "Try again after" in page
    assert "reset your two-factor authentication" in page


def test_the_right_code_waits_while_throttled_and_does_not_count_as_a_failure(client, dsl):
    device = TOTPDevice.objects.get(user=dsl)
    sign_in(client, "dsl")
    throttle(device, 3)
    response = client.post(reverse("accounts:mfa_verify"), {"token": current_code(device)})
    assert response.status_code == 200
    assert "Try again after" in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 3


def test_the_two_factor_wait_is_capped(client, dsl, settings):
    device = TOTPDevice.objects.get(user=dsl)
    sign_in(client, "dsl")
    throttle(device, 42, ago=datetime.timedelta(minutes=settings.MFA_THROTTLE_MAX_MINUTES, seconds=5))
    response = client.post(reverse("accounts:mfa_verify"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_wrong_backup_codes_count_once_each_against_the_authenticator(client, dsl, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60  # the first wait outlasts the test, however slow the machine
    device = TOTPDevice.objects.get(user=dsl)
    services.mfa_issue_backup_codes(user=dsl)
    sign_in(client, "dsl")
    client.post(reverse("accounts:mfa_verify"), {"token": "00000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Throttled now: further codes are not even checked, and the count stays.
    client.post(reverse("accounts:mfa_verify"), {"token": "00000001"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


# Session id after two-factor ---------------------------------------------------


def test_passing_two_factor_gives_the_session_a_new_id(client, dsl, settings):
    sign_in(client, "dsl")
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert pass_two_factor(client, dsl).status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert client.get(reverse("pastoral:home")).status_code == 200
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = before
    response = stale.get(reverse("pastoral:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# Backup codes are claimed atomically ---------------------------------------------


def _wait_until_blocked_on_a_lock(pid, deadline_seconds=20):
    deadline = time.monotonic() + deadline_seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
            time.sleep(0.05)
    raise AssertionError("the second sign-in never reached the backup code")


@pytest.mark.django_db(transaction=True)
def test_two_sign_ins_racing_with_one_backup_code_cannot_both_pass(school):
    user = make_staff(school, Role.DSL, "racer")
    code = services.mfa_issue_backup_codes(user=user)[0]
    outcome = {}
    ready = threading.Event()

    def second_sign_in():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            ready.set()
            outcome["second"] = signin.claim_backup_code(user, code)
        finally:
            connections.close_all()

    with transaction.atomic():
        # The first sign-in has claimed the code but not yet committed.
        first = signin.claim_backup_code(user, code)
        other = threading.Thread(target=second_sign_in)
        other.start()
        assert ready.wait(20)
        _wait_until_blocked_on_a_lock(outcome["pid"])
    other.join(20)
    assert first is not None
    assert outcome["second"] is None
    assert not StaticToken.objects.filter(token=code).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_guesses_on_one_account_are_checked_one_at_a_time(school, settings):
    """Ten guesses sent together at nine failures must not all be checked: each waits for the one before."""
    settings.AXES_FAILURE_LIMIT = 2
    user = make_staff(school, Role.DSL, "parallel")
    user.set_password(PASSWORD)
    user.save()
    outcome = {}
    ready = threading.Event()

    def guess():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cursor.fetchone()[0]
            ready.set()
            outcome["status"] = sign_in(Client(), "Parallel", "wrong guess").status_code
        finally:
            connections.close_all()

    # Another sign-in of the same account is being checked: it holds the attempt lock and, once it ends,
    # will have used the last guess before the lock.
    with transaction.atomic():
        signin.lock_attempts(_request_for_lock(), "parallel")
        other = threading.Thread(target=guess)
        other.start()
        assert ready.wait(20)
        _wait_until_blocked_on_a_lock(outcome["pid"])
        sign_in(Client(), "parallel", "first wrong guess")  # the earlier attempt, counted inside the lock
    other.join(20)
    # The waiting guess was checked only after the earlier failure was counted, so it was the one that
    # reached the limit and locked the account; the right password is refused from then on.
    assert outcome["status"] == 429
    assert AccessAttempt.objects.get(username="parallel").failures_since_start == 2
    assert sign_in(Client(), "parallel").status_code == 429


def _request_for_lock():
    from django.test import RequestFactory

    return RequestFactory().post(reverse("accounts:login"), {"username": "parallel"}, REMOTE_ADDR=SCHOOL_IP)


def test_a_typed_name_cannot_pose_as_a_known_browsers_counter(school):
    make_staff(school, Role.DSL, "medical")
    typed = "Medical#device#device::x"  # matches no account; stripping the mark once would leave "#device:"
    key = signin.lockout_username(_request_for_lock(), {"username": typed})
    assert signin.DEVICE_MARK not in key and "#" not in key
