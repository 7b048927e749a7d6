import io
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pastoral.files.encryption import MAGIC
from pastoral.files.uploads import is_stored_name
from pastoral.models import AuditEntry, FamilyContact, Pupil
from pastoral.tests import upload_files
from pastoral.tests.factories import FamilyContactFactory, ProfessionalFactory, PupilFactory


def test_it_finds_pupils_without_typing_accents(client, teacher, pupil, as_user):
    PupilFactory(school=pupil.school, legal_first_name="Zack", legal_last_name="Brown")
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_search"), {"q": "zoe ains"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Zoë Ainsworth" in body
    assert "Brown" not in body


def test_it_finds_a_pupil_by_upn_prefix(client, teacher, pupil, as_user):
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_search"), {"q": pupil.upn[:6].lower()}, HTTP_HX_REQUEST="true")
    assert "Zoë Ainsworth" in response.content.decode()


def test_it_finds_a_pupil_by_preferred_name(client, teacher, pupil, as_user):
    pupil.preferred_first_name = "Zed"
    pupil.save()
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_search"), {"q": "zed"}, HTTP_HX_REQUEST="true")
    assert "Zed Ainsworth" in response.content.decode()
    assert "legal: Zoë Ainsworth" in response.content.decode()


def test_it_never_shows_another_schools_pupil_in_search(client, teacher, pupil, other_school_pupil, as_user):
    as_user(teacher)
    response = client.get(reverse("pastoral:pupil_search"), {"q": "Oscar"}, HTTP_HX_REQUEST="true")
    assert "Outside" not in response.content.decode()
    listing = client.get(reverse("pastoral:pupil_list"), {"q": "Oscar"})
    assert "Outside" not in listing.content.decode()


def test_it_lets_a_trust_leader_search_every_school_of_the_trust(
    client, trust_leader, pupil, other_school_pupil, as_user
):
    as_user(trust_leader)
    response = client.get(reverse("pastoral:pupil_search"), {"q": "Oscar"}, HTTP_HX_REQUEST="true")
    assert "Oscar Outside" in response.content.decode()
    assert "Riverside Primary" in response.content.decode()


def test_it_filters_the_list_by_year_and_group(client, teacher, school, as_user):
    PupilFactory(school=school, legal_last_name="Seventh", year_group=7, sen_status="E")
    PupilFactory(school=school, legal_last_name="Eighth", year_group=8)
    as_user(teacher)
    body = client.get(reverse("pastoral:pupil_list"), {"year_group": 7}).content.decode()
    assert "Seventh" in body and "Eighth" not in body
    body = client.get(reverse("pastoral:pupil_list"), {"flag": "ehcp"}).content.decode()
    assert "Seventh" in body and "Eighth" not in body


def test_it_hides_leavers_unless_asked(client, teacher, school, as_user):
    import datetime

    PupilFactory(school=school, legal_last_name="Gone", leaving_date=datetime.date(2025, 7, 18))
    as_user(teacher)
    assert "Gone" not in client.get(reverse("pastoral:pupil_list")).content.decode()
    assert "Gone" in client.get(reverse("pastoral:pupil_list"), {"status": "leavers"}).content.decode()


def test_it_shows_cp_flags_only_to_roles_that_may_know(client, teacher, dsl, pupil, as_user):
    pupil.child_protection_plan = True
    pupil.save()
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    as_user(teacher)
    assert "CP plan" not in client.get(url).content.decode()
    as_user(dsl)
    assert "CP plan" in client.get(url).content.decode()


def test_it_shows_header_flags_needs_contacts_and_chronology(client, teacher, pupil, as_user):
    pupil.sen_status = "E"
    pupil.looked_after = True
    pupil.medical_alert = "Anaphylaxis – adrenaline pen in office"
    pupil.dietary_needs = "Halal"
    pupil.save()
    FamilyContactFactory(pupil=pupil, name="Mina Ainsworth", restrictions="Father not to collect")
    ProfessionalFactory(pupil=pupil, name="Sam Worker", kind="virtual_school")
    as_user(teacher)
    body = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    for text in (
        "EHCP",
        "CLA",
        "Anaphylaxis",
        "Halal",
        "Mina Ainsworth",
        "Father not to collect",
        "Sam Worker",
        "Admitted",
    ):
        assert text in body


def test_it_saves_needs_and_audits_only_the_changed_fields(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    url = reverse("pastoral:pupil_edit", args=[pupil.code])
    response = client.post(url, {"preferred_first_name": "Zo", "dietary_needs": "Vegetarian", "house": ""})
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.preferred_first_name == "Zo"
    assert pupil.dietary_needs == "Vegetarian"
    entry = AuditEntry.objects.get(action="pastoral.pupil.changed")
    assert entry.data == {"preferred_first_name": "Zo", "dietary_needs": "Vegetarian"}
    assert entry.actor == pastoral_staff


def test_it_keeps_what_was_typed_when_a_contact_is_invalid(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    url = reverse("pastoral:contact_create", args=[pupil.code])
    response = client.post(url, {"name": "Aunt Jo", "relationship": "Aunt", "priority": "2", "email": "not-an-email"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert 'value="Aunt Jo"' in body
    assert not FamilyContact.objects.filter(pupil=pupil).exists()


def test_it_adds_edits_and_removes_a_contact_with_audit(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    client.post(
        reverse("pastoral:contact_create", args=[pupil.code]),
        {"name": "Aunt Jo", "relationship": "Aunt", "priority": "2", "mobile": "07700 900001"},
    )
    contact = FamilyContact.objects.get(pupil=pupil)
    client.post(
        reverse("pastoral:contact_edit", args=[pupil.code, contact.code]),
        {"name": "Aunt Jo", "relationship": "Aunt", "priority": "1", "mobile": "07700 900001"},
    )
    contact.refresh_from_db()
    assert contact.priority == 1
    client.post(reverse("pastoral:contact_delete", args=[pupil.code, contact.code]))
    assert not FamilyContact.objects.filter(pk=contact.pk).exists()
    actions = list(AuditEntry.objects.filter(pupil=pupil).order_by("id").values_list("action", flat=True))
    assert actions == ["pastoral.contact.created", "pastoral.contact.changed", "pastoral.contact.deleted"]


def test_it_does_not_let_a_contact_of_another_pupil_be_edited_through_this_one(
    client, pastoral_staff, pupil, school, as_user
):
    stranger = FamilyContactFactory(pupil=PupilFactory(school=school))
    as_user(pastoral_staff)
    response = client.get(reverse("pastoral:contact_edit", args=[pupil.code, stranger.code]))
    assert response.status_code == 404


@pytest.mark.parametrize("rows", [5, 60])
def test_it_lists_pupils_in_a_fixed_number_of_queries(
    client, teacher, school, as_user, django_assert_max_num_queries, rows
):
    from pastoral.tests.factories import UserFactory

    keyworker = UserFactory()
    PupilFactory.create_batch(rows, school=school, keyworker=keyworker)
    as_user(teacher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pastoral:pupil_list"))
    assert response.status_code == 200
    assert response.content.decode().count("/pupils/") >= min(rows, 50)


def test_it_shows_a_profile_in_a_fixed_number_of_queries(client, teacher, pupil, as_user):
    """The count must not grow with contacts, professionals or chronology entries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pastoral.models import PupilNote

    as_user(teacher)
    url = reverse("pastoral:pupil_detail", args=[pupil.code])
    client.get(url)  # warm per-process caches (content types) so both runs compare like with like
    counts = []
    for rows in (1, 40):
        FamilyContactFactory.create_batch(rows, pupil=pupil)
        ProfessionalFactory.create_batch(rows, pupil=pupil)
        PupilNote.objects.bulk_create(
            PupilNote(pupil=pupil, kind="observation", summary=f"note {n}", author=teacher) for n in range(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    # One query per chronology provider; incidents and bullying added two; support plans two (their plans, and
    # one UNION of versions, reviews and read-receipts) and one for the "How to support me" card. The summary
    # header adds two: the four weeks of behaviour in one aggregate and the count of open follow-up actions.
    assert counts[1] <= 28


def test_it_refuses_an_invalid_upn_check_letter(school):
    from django.core.exceptions import ValidationError

    pupil = PupilFactory.build(school=school, upn="A820400025001")
    with pytest.raises(ValidationError) as error:
        pupil.full_clean()
    assert "check letter" in str(error.value)


def test_it_accepts_valid_and_temporary_upns():
    from pastoral.pupils.upn import make_upn, upn_check_letter, upn_problem

    assert upn_problem(make_upn(383, 4001, 24, 17)) is None
    body = "82040002500A"
    assert upn_problem(upn_check_letter(body) + body) is None
    assert "13 characters" in upn_problem("A1234")


def test_it_switches_school_for_staff_of_two_schools(client, dsl, sister_school, other_school_pupil, as_user):
    from pastoral.tests.factories import MembershipFactory

    MembershipFactory(user=dsl, school=sister_school, role="deputy_dsl")
    as_user(dsl)
    assert "Outside" not in client.get(reverse("pastoral:pupil_list")).content.decode()
    client.post(reverse("pastoral:switch_school"), {"school": str(sister_school.code)})
    assert "Outside" in client.get(reverse("pastoral:pupil_list")).content.decode()


def test_it_serves_photos_only_through_the_checked_view(settings):
    assert settings.MEDIA_URL not in {"/", ""}
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "pupil-photos/x.png")
    assert Pupil._meta.get_field("photo").generate_filename(None, "x.png").startswith("pupil-photos/")


def _post_photo(client, pupil, name, content, content_type="image/jpeg"):
    url = reverse("pastoral:pupil_edit", args=[pupil.code])
    return client.post(url, {"photo": SimpleUploadedFile(name, content, content_type=content_type)})


def test_a_photo_is_stored_small_without_exif_under_a_random_name_and_private(client, pastoral_staff, pupil, as_user):
    as_user(pastoral_staff)
    response = _post_photo(client, pupil, "Zoe Ainsworth.jpg", upload_files.jpeg_with_exif((4000, 3000)))
    assert response.status_code == 302
    pupil.refresh_from_db()
    name = pupil.photo.name
    assert name.startswith("pupil-photos/") and name.endswith(".jpg") and is_stored_name(name)
    path = Path(pupil.photo.path)
    with pupil.photo.open("rb") as handle:
        content = handle.read()
    with Image.open(io.BytesIO(content)) as stored:
        assert stored.format == "JPEG" and max(stored.size) <= 800 and stored.size == (600, 800)
        assert "exif" not in stored.info and not stored.getexif()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(MAGIC)  # encrypted at rest
    served = client.get(reverse("pastoral:pupil_photo", args=[pupil.code]))
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == content


@pytest.mark.parametrize(
    "content,message",
    [
        (upload_files.HTML, "The photo must be a JPEG or PNG image."),
        (upload_files.SVG, "The photo must be a JPEG or PNG image."),
        (upload_files.bomb_png(8_000, 6_000), "8,000 × 6,000 pixels, too large to accept"),
    ],
    ids=["html", "svg", "bomb"],
)
def test_a_photo_that_is_not_a_real_image_is_refused_beside_the_field(
    client, pastoral_staff, pupil, as_user, content, message
):
    as_user(pastoral_staff)
    response = _post_photo(client, pupil, "photo.png", content, "image/png")
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["photo"])
    pupil.refresh_from_db()
    assert not pupil.photo


def test_a_replaced_photo_is_deleted_from_disk(
    client, pastoral_staff, pupil, as_user, django_capture_on_commit_callbacks
):
    as_user(pastoral_staff)
    _post_photo(client, pupil, "a.png", upload_files.png_bytes((50, 50)), "image/png")
    pupil.refresh_from_db()
    first = Path(pupil.photo.path)
    assert first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        _post_photo(client, pupil, "b.png", upload_files.png_bytes((60, 60), "red"), "image/png")
    pupil.refresh_from_db()
    assert Path(pupil.photo.path).exists() and not first.exists()


def test_a_photo_stored_before_names_were_generated_is_served_as_its_checked_type(client, teacher, pupil, as_user):
    # Photos used to be stored under the uploader's name, whatever its extension.
    legacy = default_storage.save("pupil-photos/old name.html", ContentFile(upload_files.png_bytes()))
    Pupil.objects.filter(pk=pupil.pk).update(photo=legacy)
    as_user(teacher)
    served = client.get(reverse("pastoral:pupil_photo", args=[pupil.code]))
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
