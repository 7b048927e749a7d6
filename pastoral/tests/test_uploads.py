import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pastoral.uploads import checked_content_type


def jpeg(name="photo.pdf"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def test_the_type_comes_from_the_content_not_the_name_or_the_browser():
    assert checked_content_type(jpeg("photo.pdf"), limit=10_000) == "image/jpeg"
    pdf = SimpleUploadedFile("scan.png", b"%PDF-1.7\n%%EOF\n", content_type="image/png")
    assert checked_content_type(pdf, limit=10_000) == "application/pdf"


@pytest.mark.parametrize(
    "upload,limit,code",
    [
        (SimpleUploadedFile("a.pdf", b"", content_type="application/pdf"), 10_000, "empty"),
        (SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"), 10_000, "not_allowed"),
        (jpeg(), 10, "too_large"),
    ],
)
def test_each_refusal_has_a_code_callers_can_word_their_own_message_from(upload, limit, code):
    with pytest.raises(ValidationError) as refused:
        checked_content_type(upload, limit=limit)
    assert refused.value.code == code
