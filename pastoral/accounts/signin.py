"""Sign-in throttling and the second factor.

Three counters guard the password step (django-axes stores them, this module decides their keys):

- one per account, however its name is typed: `Medical.Riverside`, `medical.riverside` and the account's
  email address all count against the same lock;
- one per client address across every name tried, so one address cannot spray a common password over
  hundreds of accounts. It is set well above a school's typing errors because a whole school usually
  signs in from one NAT address;
- one per account on each *known browser*: a browser that completed a full sign-in (password and
  second factor) carries a signed cookie naming it and the accounts it signed in. There the account is
  counted on its own key, so a stranger who keeps a DSL's account locked, or trips the address limit
  from the school's network, does not lock the DSL out of the laptop they always use.
"""

import datetime
import secrets
from dataclasses import dataclass

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import locks
from .auth_backends import account_for

KNOWN_DEVICE_COOKIE = "pastoral_known_device"
_KNOWN_DEVICE_SALT = "pastoral.signin.known-device"
# A shared staffroom computer remembers this many colleagues, most recent first.
_KNOWN_DEVICE_ACCOUNTS = 10
# Separates an account's name from the browser id in the counter key. Django usernames cannot hold
# a "#", and it is removed from names that match no account.
DEVICE_MARK = "#device:"


# Known browsers ----------------------------------------------------------------
#
# The cookie holds "<browser id>:<pk>.<fingerprint>,<pk>.<fingerprint>,...". The fingerprint is a keyed
# hash of the account's password hash and confirmed authenticator ids as they were at the full sign-in,
# so changing the password (or having it reset) and resetting two-factor authentication both end every
# browser's exemption: whoever took over an account, or lost the phone, cannot rely on a browser that
# earned its place under the old credentials. An entry without a fingerprint counts as not known.


def _known_device_max_age():
    return settings.LOGIN_KNOWN_DEVICE_DAYS * 24 * 3600


def _account_fingerprint(device_id, user):
    devices = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").values_list("pk", flat=True)
    value = f"{device_id}|{user.get_session_auth_hash()}|{','.join(str(pk) for pk in devices)}"
    return salted_hmac(_KNOWN_DEVICE_SALT + ".account", value, algorithm="sha256").hexdigest()[:16]


def _read_known_device(request):
    """(browser id, {account pk: fingerprint}) from a valid cookie, or (None, {})."""
    if not settings.LOGIN_KNOWN_DEVICE_DAYS:
        return None, {}
    value = request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE, default=None, salt=_KNOWN_DEVICE_SALT, max_age=_known_device_max_age()
    )
    if not value:
        return None, {}
    device_id, _, entries = value.partition(":")
    accounts = {}
    for entry in entries.split(","):
        pk, _, fingerprint = entry.partition(".")
        if pk.isdigit() and fingerprint:
            accounts.setdefault(int(pk), fingerprint)
    return (device_id or None), accounts


def known_device_for(request, user):
    """The browser id when this request comes from a browser where `user` completed a full sign-in
    with the password and authenticator the account has now."""
    device_id, accounts = _read_known_device(request)
    fingerprint = accounts.get(user.pk) if device_id else None
    if fingerprint and constant_time_compare(fingerprint, _account_fingerprint(device_id, user)):
        return device_id
    return None


def remember_device(request, response, user):
    """Mark the browser as known for `user` after the second factor has passed."""
    if not settings.LOGIN_KNOWN_DEVICE_DAYS:
        return
    device_id, accounts = _read_known_device(request)
    device_id = device_id or secrets.token_urlsafe(12)
    others = [(pk, fp) for pk, fp in accounts.items() if pk != user.pk][: _KNOWN_DEVICE_ACCOUNTS - 1]
    entries = [(user.pk, _account_fingerprint(device_id, user)), *others]
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        f"{device_id}:{','.join(f'{pk}.{fp}' for pk, fp in entries)}",
        salt=_KNOWN_DEVICE_SALT,
        max_age=_known_device_max_age(),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def browser_tag(device_id):
    """A short, non-reversible name for a known browser, for the audit log: the same browser always
    gets the same tag, but the tag cannot be turned back into the cookie's browser id."""
    return salted_hmac(_KNOWN_DEVICE_SALT + ".tag", device_id, algorithm="sha256").hexdigest()[:10]


def split_lockout_key(key):
    """(account name, browser id or None) from a counter key made by `lockout_username`."""
    name, mark, device_id = str(key or "").partition(DEVICE_MARK)
    return name, (device_id or None) if mark else None


# Counter keys ---------------------------------------------------------------------


def lockout_username(request, credentials=None):
    """The key django-axes counts failures under (AXES_USERNAME_CALLABLE).

    The typed name is resolved to the account the sign-in backend would use, so every spelling of one
    account shares one counter; a name matching no account is counted in lower case. On a known
    browser the account gets a key of its own for that browser."""
    typed = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None and credentials is None:
        typed = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    if typed is None:
        return None
    typed = str(typed)
    memo = request.__dict__.setdefault("_signin_lockout_keys", {})
    if typed not in memo:
        user = account_for(typed)
        if user is None:
            # Every "#", not just DEVICE_MARK once: "x#device#device::y" must not come out as a device key.
            memo[typed] = typed.lower().replace("#", "")
        else:
            key = user.get_username().lower()
            device_id = known_device_for(request, user)
            memo[typed] = f"{key}{DEVICE_MARK}{device_id}" if device_id else key
    return memo[typed]


# PostgreSQL advisory lock namespace for "a password attempt on this account is being checked".
ATTEMPT_LOCK_NAMESPACE = locks.SIGN_IN_ATTEMPT


def lock_attempts(request, typed):
    """Queue this password attempt behind any other on the same account, until the caller's transaction ends.

    django-axes checks the lock before the password and counts a failure after it, with nothing held in
    between: ten requests sent together at nine failures would all get their guess. Holding this lock across
    check, password and count (the sign-in form does all three in one transaction) makes the tenth failure
    lock the account before the next attempt is checked.
    """
    key = lockout_username(request, {settings.AXES_USERNAME_FORM_FIELD: typed})
    if key is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ATTEMPT_LOCK_NAMESPACE, key])


class SignInAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler plus the per-address limit."""

    def is_locked(self, request, credentials=None):
        return super().is_locked(request, credentials) or self.address_blocked(request, credentials)

    def address_blocked(self, request, credentials=None):
        """Too many failures from this address across all names, unless this is a known browser."""
        ip = getattr(request, "axes_ip_address", None)
        if not ip or DEVICE_MARK in (lockout_username(request, credentials) or ""):
            return False
        failures = (
            AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=get_cool_off_threshold(request))
            .exclude(username__contains=DEVICE_MARK)
            .aggregate(total=Sum("failures_since_start"))["total"]
            or 0
        )
        if failures < settings.LOGIN_IP_FAILURE_LIMIT:
            return False
        # Read by the lockout page to say it is the network, not the account, that is paused.
        request.signin_lock = "network"
        return True

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.address_blocked(request, credentials):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=lockout_username(request, credentials),
            ip_address=request.axes_ip_address,
        )


# Second factor ---------------------------------------------------------------------


def apply_mfa_throttle_cap():
    """django-otp doubles the wait after each wrong code with a ceiling of a century, and offers no
    setting for it: its check reads the module constant at call time, so set it here."""
    from django_otp import models as otp_models

    otp_models.MAX_THROTTLE_DELAY_SECONDS = settings.MFA_THROTTLE_MAX_MINUTES * 60


@dataclass
class SecondFactorResult:
    device: object = None  # the device that accepted the code
    locked_until: datetime.datetime | None = None  # set when codes are not being checked yet
    checked: bool = False  # False when the code was refused unseen because of the throttle


def claim_backup_code(user, token):
    """Use up one backup code; the StaticDevice it belonged to, or None.

    The delete's row count decides: of two sign-ins racing with the same code, the second one's
    DELETE waits for the first to commit and then finds nothing to delete."""
    found = (
        StaticToken.objects.filter(device__user=user, device__confirmed=True, token=token)
        .values_list("pk", "device_id")
        .first()
    )
    if found is None:
        return None
    token_id, device_id = found
    deleted, _ = StaticToken.objects.filter(pk=token_id).delete()
    if not deleted:
        return None
    device = StaticDevice.objects.get(pk=device_id)
    device.set_last_used_timestamp(commit=True)
    return device


def _locked_until(totp_device):
    allowed, info = totp_device.verify_is_allowed()
    return None if allowed else (info or {}).get("locked_until")


@transaction.atomic
def verify_second_factor(user, token):
    """Check a 6-digit authenticator code or an 8-digit backup code against one throttle.

    The authenticator's row is locked for the check, so parallel guesses queue instead of all passing
    the throttle at once. While the throttle runs no code is looked at and nothing is counted, so wrong
    codes cannot push the wait further out; django-otp's doubling is capped (apply_mfa_throttle_cap)."""
    totp_device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if totp_device is None:
        return SecondFactorResult()
    locked_until = _locked_until(totp_device)
    if locked_until is not None:
        return SecondFactorResult(locked_until=locked_until)
    if len(token) == 6:
        if totp_device.verify_token(token):  # resets or counts the throttle itself
            return SecondFactorResult(device=totp_device, checked=True)
    else:
        backup = claim_backup_code(user, token)
        if backup is not None:
            totp_device.throttle_reset()
            return SecondFactorResult(device=backup, checked=True)
        totp_device.throttle_increment()
    return SecondFactorResult(checked=True)
