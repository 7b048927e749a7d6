import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pastoral.files.uploads import (
    checked_content_type,
    checked_photo,
    display_name,
    download_name,
    is_stored_name,
    stored_name,
    type_of_stored_name,
)
from pastoral.tests import upload_files


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


@pytest.mark.parametrize("size", [(50_000, 50_000), (8_000, 6_000), (12_000, 100)])
def test_an_image_with_huge_dimensions_is_refused_before_it_is_decoded(size):
    bomb = upload_files.upload("x.png", upload_files.bomb_png(*size), "image/png")
    assert bomb.size < 1000
    with pytest.raises(ValidationError) as refused:
        checked_content_type(bomb, limit=10_000)
    assert refused.value.code == "too_many_pixels"
    assert "too many pixels" in refused.value.message or "too large to accept" in refused.value.message


@pytest.mark.parametrize(
    "content",
    [upload_files.HTML, upload_files.SVG, b"%PDF-1.4 no end marker", b"%PDF-x\n%%EOF", upload_files.png_bytes()[:40]],
)
def test_content_that_only_claims_to_be_an_image_or_pdf_is_refused(content):
    with pytest.raises(ValidationError) as refused:
        checked_content_type(upload_files.upload("x.png", content, "image/png"), limit=10_000)
    assert refused.value.code == "not_allowed"


def test_a_caller_can_narrow_the_accepted_types():
    gif = io.BytesIO()
    Image.new("RGB", (2, 2)).save(gif, "GIF")
    with pytest.raises(ValidationError) as refused:
        checked_content_type(upload_files.upload("a.gif", gif.getvalue()), limit=10_000, allowed={"image/png"})
    assert refused.value.code == "not_allowed"


def test_stored_names_are_random_with_the_extension_of_the_checked_type():
    first, second = stored_name("image/png"), stored_name("image/png")
    assert first != second and first.endswith(".png") and is_stored_name(first)
    assert stored_name("application/pdf").endswith(".pdf") and type_of_stored_name(first) == "image/png"
    assert not is_stored_name("holiday.png")


def test_the_uploaders_name_is_kept_only_as_a_tidy_display_name():
    assert display_name("C:\\Users\\me\\..\\bruise.png") == "bruise.png"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("report\u202egnp.exe") == "reportgnp.exe"  # no right-to-left override to disguise it
    assert display_name('a"b\r\nc.pdf') == 'a"bc.pdf'
    long = display_name("x" * 500 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    assert display_name("") == "file"
    assert download_name("scan.pdf", "image/png") == "scan.png"
    assert download_name("..", "application/pdf") == "file.pdf"


def test_a_photo_is_reencoded_small_upright_and_without_metadata():
    photo = checked_photo(upload_files.upload("IMG_0001.jpg", upload_files.jpeg_with_exif((4000, 3000))))
    assert is_stored_name(photo.name) and photo.name.endswith(".jpg")
    with Image.open(io.BytesIO(photo.read())) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (600, 800)  # turned upright as the EXIF said, long side 800
        assert "exif" not in stored.info and not stored.getexif()


def test_a_transparent_png_photo_becomes_a_jpeg_on_white():
    buffer = io.BytesIO()
    Image.new("RGBA", (10, 10), (255, 0, 0, 0)).save(buffer, "PNG")
    photo = checked_photo(upload_files.upload("p.png", buffer.getvalue()))
    with Image.open(io.BytesIO(photo.read())) as stored:
        assert stored.format == "JPEG" and stored.getpixel((5, 5)) >= (250, 250, 250)
