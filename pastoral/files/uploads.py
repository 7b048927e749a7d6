"""Uploaded photos and PDFs: what a file is comes from its content, never from its name or the browser.

Every upload is checked here (`checked_content_type`), stored under a random name with the extension of the checked
type (`stored_name`), and served back with that same type (`file_response`). The name the uploader gave is kept only
for display (`display_name`).
"""

import io
import os
import re
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps

PDF = "application/pdf"
PDF_MAGIC = b"%PDF-"
PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")
# PDF readers look for the end-of-file marker in the last kilobyte; a file without one is not a PDF they can open.
PDF_TAIL_BYTES = 1024
IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    PDF: ".pdf",
}
TYPES_BY_EXTENSION = {extension: content_type for content_type, extension in EXTENSIONS.items()}
ALL_TYPES = frozenset(EXTENSIONS)
NOT_ALLOWED = "Upload a photo (PNG, JPEG, GIF or WebP) or a PDF. This file is neither, whatever its name says."

# A decompression bomb is a small file that claims huge dimensions, so decoding it takes gigabytes of memory. The
# dimensions are read from the header and refused before any pixel is decoded. 40 megapixels is more than any phone
# or scanner produces by default (a 24 MP phone photo is about 5,700 × 4,300).
MAX_IMAGE_PIXELS = 40_000_000
MAX_IMAGE_SIDE = 10_000
# Pupil photos are shown as a small portrait: re-encoded to a JPEG no larger than this on its long side.
PHOTO_MAX_SIDE = 800
PHOTO_QUALITY = 85
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})
PHOTO_MAX_BYTES = 2 * 1024 * 1024
DISPLAY_NAME_LENGTH = 200
# Control, format (such as right-to-left overrides that disguise an extension), unassigned and line-break characters.
HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def checked_content_type(upload, *, limit, allowed=ALL_TYPES):
    """The content type the upload really is (a PDF or an image), or ValidationError with a code and message.

    Codes: too_large, empty, too_many_pixels, not_allowed; a caller may word its own message from the code.
    `allowed` narrows the accepted types; anything else is not_allowed.
    """
    if upload.size > limit:
        raise ValidationError(f"The file must be {filesizeformat(limit)} or smaller.", code="too_large")
    if upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    content_type = _checked_pdf(upload) if head == PDF_MAGIC else _checked_image(upload)
    if content_type not in allowed:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    return content_type


def _checked_pdf(upload):
    """A light structural check: a versioned header at the start and the end-of-file marker at the end."""
    try:
        upload.seek(0)
        header = upload.read(8)
        upload.seek(max(0, upload.size - PDF_TAIL_BYTES))
        tail = upload.read()
    finally:
        upload.seek(0)
    if not PDF_HEADER.match(header) or b"%%EOF" not in tail:
        raise ValidationError(NOT_ALLOWED, code="not_allowed")
    return PDF


def _refuse_huge(width, height):
    if width * height > MAX_IMAGE_PIXELS or max(width, height) > MAX_IMAGE_SIDE:
        raise ValidationError(
            f"The image is {width:,} × {height:,} pixels, too large to accept. "
            f"Save it at most {MAX_IMAGE_SIDE:,} pixels on each side and {MAX_IMAGE_PIXELS // 1_000_000} megapixels "
            "in all, then upload it again.",
            code="too_many_pixels",
        )


def _checked_image(upload):
    """Pillow reads only the formats we accept; the size is checked from the header before any decoding, then the
    file is verified and reopened to decode it in full, so a truncated or corrupt image is refused here."""
    try:
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as image:
            image_format = image.format
            _refuse_huge(*image.size)
            image.verify()
        upload.seek(0)
        with Image.open(upload, formats=[image_format]) as image:
            image.load()
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise ValidationError(
            "The image has too many pixels to accept. Make it smaller and upload it again.", code="too_many_pixels"
        ) from exc
    except Exception as exc:  # Pillow raises many kinds of error for a file that is not an image it reads
        raise ValidationError(NOT_ALLOWED, code="not_allowed") from exc
    finally:
        upload.seek(0)
    return IMAGE_FORMATS[image_format]


def stored_name(content_type):
    """A random file name with the extension of the checked type; nothing of the uploader's name survives."""
    return f"{uuid.uuid4().hex}{EXTENSIONS[content_type]}"


STORED_NAME = re.compile(r"[0-9a-f]{32}\.[a-z]+")


def type_of_stored_name(name):
    """The type recorded by a stored name's extension (None for an extension no checked type has)."""
    return TYPES_BY_EXTENSION.get(os.path.splitext(name or "")[1].lower())


def is_stored_name(name):
    """Whether the file's name was given by `stored_name`, rather than kept from an upload before it existed."""
    return bool(STORED_NAME.fullmatch(os.path.basename(name or "")))


def display_name(name):
    """The uploader's name for the file, fit to show beside it: no folders, no control or direction-changing
    characters, at most 200 characters (keeping the extension). Templates escape it like any other text."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in HIDDEN_CATEGORIES).strip()
    if len(name) > DISPLAY_NAME_LENGTH:
        stem, extension = os.path.splitext(name)
        extension = extension if len(extension) <= 10 else ""
        name = stem[: DISPLAY_NAME_LENGTH - len(extension)] + extension
    return name or "file"


def download_name(name, content_type):
    """The name a download is saved under: the uploader's name with the extension of the checked type."""
    stem = os.path.splitext(display_name(name))[0].strip(". ") or "file"
    return stem[:100] + EXTENSIONS[content_type]


def reencoded_photo(upload, *, max_side=PHOTO_MAX_SIDE):
    """A new JPEG of an already checked image: turned upright, at most `max_side` pixels on its long side, with no
    EXIF (location, camera, date) or other metadata from the original file."""
    upload.seek(0)
    try:
        with Image.open(upload, formats=list(IMAGE_FORMATS)) as original:
            _refuse_huge(*original.size)
            image = ImageOps.exif_transpose(original)
            image.thumbnail((max_side, max_side))
            if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
                rgba = image.convert("RGBA")
                image = Image.new("RGB", rgba.size, "white")
                image.paste(rgba, mask=rgba.getchannel("A"))
            else:
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(NOT_ALLOWED, code="not_allowed") from exc
    finally:
        upload.seek(0)
    return ContentFile(buffer.getvalue(), name=stored_name("image/jpeg"))


def checked_photo(upload):
    """A pupil photo as it is stored: the upload checked to be a JPEG or PNG, then re-encoded by `reencoded_photo`."""
    checked_content_type(upload, limit=PHOTO_MAX_BYTES, allowed=PHOTO_TYPES)
    return reencoded_photo(upload)


def file_response(stored_file, *, content_type, filename, inline=False, cache_control="private, no-store"):
    """Serve a stored upload with the type recorded when it was checked; browsers must not second-guess it."""
    # Django words Content-Disposition: quotes escaped, a non-ASCII name sent in the filename* form.
    response = FileResponse(
        stored_file.open("rb"), content_type=content_type, as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache_control
    return response
