"""The single-pupil picker on the link form and the CP file transfer form, and its search endpoint."""

import datetime

import pytest
from django.urls import reverse

from pastoral.tests.factories import PupilFactory
from safeguarding.models import FileTransfer

pytestmark = pytest.mark.django_db


def _transfer(pupil_fields):
    return {"kind": "in_year", "leave_date": "2020-01-06", "destination": "Moor End High", **pupil_fields}


def test_the_transfer_form_offers_the_picker_including_pupils_who_have_left(client, as_user, school, dsl):
    as_user(dsl)
    body = client.get(reverse("safeguarding:transfer_create")).content.decode()
    assert 'class="picker picker-single' in body
    assert f'data-search-url="{reverse("safeguarding:pupil_picker")}?left=1"' in body
    assert '<select name="pupil"' not in body


def test_a_transfer_by_chosen_code_and_by_typed_upn(client, as_user, school, pupil, dsl):
    left = PupilFactory(
        school=school, legal_first_name="Lena", legal_last_name="Gone", leaving_date=datetime.date(2020, 1, 6)
    )
    as_user(dsl)
    assert client.post(reverse("safeguarding:transfer_create"), _transfer({"pupil": pupil.code})).status_code == 302
    response = client.post(reverse("safeguarding:transfer_create"), _transfer({"pupil": "", "pupil_text": left.upn}))
    assert response.status_code == 302
    assert {t.pupil for t in FileTransfer.objects.all()} == {pupil, left}


def test_a_transfer_refuses_another_schools_pupil_and_keeps_the_chosen_one(
    client, as_user, school, pupil, other_school_pupil, dsl
):
    as_user(dsl)
    body = client.post(
        reverse("safeguarding:transfer_create"), _transfer({"pupil": other_school_pupil.code})
    ).content.decode()
    assert "Choose a pupil from this school." in body
    assert "Outside" not in body

    body = client.post(
        reverse("safeguarding:transfer_create"), _transfer({"pupil": pupil.code, "destination": ""})
    ).content.decode()
    assert "Name the next school" in body
    assert f'name="pupil" value="{pupil.code}"' in body
    assert "Chosen: <strong>Zoë Ainsworth</strong>" in body
    assert not FileTransfer.objects.exists()


def test_a_pupil_is_linked_to_a_concern_by_code_or_by_name(client, as_user, concern, school, dsl):
    first = PupilFactory(school=school, legal_first_name="Sam", legal_last_name="Brother")
    second = PupilFactory(school=school, legal_first_name="Ella", legal_last_name="Sister")
    as_user(dsl)
    url = reverse("safeguarding:concern_link", args=[concern.code])
    client.post(url, {"link-pupil": first.code})
    client.post(url, {"link-pupil": "", "link-pupil_text": "ella sister"})
    assert {first, second} <= set(concern.pupils.all())


def test_linking_an_unknown_or_ambiguous_name_gives_a_clear_error(
    client, as_user, concern, school, other_school_pupil, dsl
):
    PupilFactory(school=school, legal_first_name="Sam", legal_last_name="Brother")
    PupilFactory(school=school, legal_first_name="Sam", legal_last_name="Brotherton")
    as_user(dsl)
    url = reverse("safeguarding:concern_link", args=[concern.code])
    before = set(concern.pupils.all())

    body = client.post(url, {"link-pupil_text": "Sam Broth"}).content.decode()
    assert "2 pupils match “Sam Broth”. Type more of the name, or the UPN." in body
    body = client.post(url, {"link-pupil_text": "Oscar Outside"}).content.decode()
    assert "No pupil matches “Oscar Outside”" in body
    body = client.post(url, {"link-pupil": other_school_pupil.code}).content.decode()
    assert "Choose a pupil from this school." in body
    assert set(concern.pupils.all()) == before


def test_the_search_includes_pupils_who_have_left_only_when_asked(
    client, as_user, school, dsl, teacher, django_assert_max_num_queries
):
    PupilFactory(school=school, legal_first_name="Lena", legal_last_name="Gone", leaving_date=datetime.date(2020, 1, 6))
    for n in range(12):
        PupilFactory(school=school, legal_first_name=f"Kid{n}", legal_last_name="Gone")
    as_user(dsl)
    url = reverse("safeguarding:pupil_picker")
    assert "data-code=" not in client.get(url, {"q": "Lena"}).content.decode()
    # Session, user, membership, device and school lookups, one query for the pupils and the audit entry.
    with django_assert_max_num_queries(11):
        body = client.get(url, {"q": "Gone", "left": "1"}).content.decode()
    assert body.count("data-code=") == 10
    assert "data-code=" in client.get(url, {"q": "Lena", "left": "1"}).content.decode()
    # Staff who only raise concerns never get pupils who have left.
    as_user(teacher)
    assert "data-code=" not in client.get(url, {"q": "Lena", "left": "1"}).content.decode()
