"""Incident attachments and training certificates: the shared content check, with behaviour's limits and wording."""

from django.conf import settings
from django.core.exceptions import ValidationError

from pastoral.files.uploads import PDF, checked_content_type

MAX_CERTIFICATE_BYTES = 5 * 1024 * 1024
CERTIFICATE_TYPES = frozenset({PDF, "image/png", "image/jpeg"})


def max_bytes():
    return settings.BEHAVIOUR_ATTACHMENT_MAX_BYTES


def attachment_kind(upload):
    return checked_content_type(upload, limit=max_bytes())


def certificate_type(upload):
    """The checked type of a training certificate (a PDF, PNG or JPEG), or ValidationError worded for the form."""
    try:
        return checked_content_type(upload, limit=MAX_CERTIFICATE_BYTES, allowed=CERTIFICATE_TYPES)
    except ValidationError as error:
        if error.code == "too_large":
            raise ValidationError("The certificate must be 5 MB or smaller.", code="too_large") from error
        if error.code == "too_many_pixels":
            raise
        raise ValidationError("Upload the certificate as a PDF, PNG or JPEG file.", code="not_allowed") from error
