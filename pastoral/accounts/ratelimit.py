"""Counting requests per client or per address in the database, so every web process sees the same count."""

import hashlib
import hmac

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import RateLimitHit


def _key(bucket, value):
    # A keyed hash: the table never holds the addresses or IPs themselves.
    message = f"{bucket}\0{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def allow(limits, window):
    """True, and one hit counted in each bucket, if every (bucket, value, limit) has had fewer than `limit`
    hits in the last `window`; otherwise False and nothing counted (so hammering does not extend a block)."""
    now = timezone.now()
    since = now - window
    keyed = sorted((bucket, _key(bucket, value), limit) for bucket, value, limit in limits)
    with transaction.atomic():
        with connection.cursor() as cursor:
            for bucket, key, _limit in keyed:
                # Two requests at once must not both see "one left"; sorted, so two locks never deadlock.
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"ratelimit:{bucket}:{key}"])
        RateLimitHit.objects.filter(bucket__in={bucket for bucket, _, _ in keyed}, at__lt=since).delete()
        for bucket, key, limit in keyed:
            if RateLimitHit.objects.filter(bucket=bucket, key=key, at__gte=since).count() >= limit:
                return False
        RateLimitHit.objects.bulk_create([RateLimitHit(bucket=bucket, key=key, at=now) for bucket, key, _ in keyed])
    return True
