"""Signed-in sessions written straight into the session store, as a sign-in with two-factor would leave them."""

import datetime

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import User

BACKEND = "pastoral.accounts.auth_backends.UsernameOrEmailBackend"


def mint(usernames, *, minutes=None):
    """{username: session key} for users with a confirmed authenticator; one INSERT for them all.

    The session expires like any other after SESSION_IDLE_TIMEOUT_MINUTES without a request.
    """
    users = {user.username: user for user in User.objects.filter(username__in=list(usernames))}
    devices = {
        device.user_id: device.persistent_id
        for device in TOTPDevice.objects.filter(user__in=users.values(), confirmed=True).order_by("pk")
    }
    expires = timezone.now() + datetime.timedelta(minutes=minutes or settings.SESSION_COOKIE_AGE // 60)
    store = SessionStore()
    keys, rows = {}, []
    for username in usernames:
        user = users[username]
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: BACKEND,
            HASH_SESSION_KEY: user.get_session_auth_hash(),
            DEVICE_ID_SESSION_KEY: devices[user.pk],
        }
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[username] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def forget(keys):
    Session.objects.filter(session_key__in=list(keys)).delete()
