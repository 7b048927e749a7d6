"""Incident attachments: the shared content check, with behaviour's size limit."""

from django.conf import settings

from pastoral.uploads import checked_content_type


def max_bytes():
    return settings.BEHAVIOUR_ATTACHMENT_MAX_BYTES


def attachment_kind(upload):
    return checked_content_type(upload, limit=max_bytes())
