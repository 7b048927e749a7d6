"""Checks on uploaded photos and PDFs: what a file is comes from its content, never from its name or the browser."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

PDF_MAGIC = b"%PDF-"
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
NOT_ALLOWED = "Upload a photo (PNG, JPEG, GIF or WebP) or a PDF. This file is neither, whatever its name says."


def checked_content_type(upload, *, limit):
    """The content type the upload really is (a PDF or an image), or ValidationError with a code and message.

    Codes: too_large, empty, not_allowed; a caller may word its own message from the code.
    """
    if upload.size > limit:
        raise ValidationError(f"The file must be {filesizeformat(limit)} or smaller.", code="too_large")
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        return "application/pdf"
    try:
        with Image.open(upload) as image:
            image_format = image.format
            image.verify()
    except Exception as exc:  # Pillow raises many kinds of error for a file that is not an image it reads
        raise ValidationError(NOT_ALLOWED, code="not_allowed") from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    return IMAGE_FORMATS[image_format]
