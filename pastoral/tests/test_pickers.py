"""The one picker (pastoral.pickers): the multiple field for pupils and staff, its no-JavaScript text box, and
the core search endpoints for pupils and staff."""

import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from PIL import Image

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.pickers import PUPILS, STAFF, PickerField, pupils_field, staff_field
from pastoral.selectors import colleagues_visible_to, on_roll, pupils_visible_to
from pastoral.tests.factories import MembershipFactory, PupilFactory, UserFactory

pytestmark = pytest.mark.django_db


class PupilsForm(forms.Form):
    pupils = pupils_field(label="Pupils")
    staff = staff_field(label="Staff", required=False)

    def __init__(self, *args, user, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = on_roll(pupils_visible_to(user).filter(school=school))
        self.fields["staff"].queryset = colleagues_visible_to(user).filter(memberships__school=school).distinct()


def _post(**values):
    data = MultiValueDict()
    for key, value in values.items():
        if isinstance(value, list):
            data.setlist(key, [str(item) for item in value])
        else:
            data[key] = value
    return data


@pytest.fixture
def classmates(school):
    return [
        PupilFactory(school=school, legal_first_name="Amir", legal_last_name="Khan", year_group=9, form="9K"),
        PupilFactory(school=school, legal_first_name="Amira", legal_last_name="Khan", year_group=7, form="7B"),
        PupilFactory(school=school, legal_first_name="Bella", legal_last_name="Jones", year_group=10, form="10J"),
    ]


def test_chosen_codes_clean_to_those_pupils(school, teacher, classmates):
    form = PupilsForm(_post(pupils=[classmates[0].code, classmates[2].code]), user=teacher, school=school)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["pupils"]) == {classmates[0], classmates[2]}


def test_typed_names_and_upns_are_resolved_one_a_line_or_comma_separated(school, teacher, classmates):
    text = f"Bella Jones\n{classmates[1].upn.lower()}, Amir Khan"
    form = PupilsForm(_post(pupils_text=text), user=teacher, school=school)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["pupils"]) == set(classmates)


def test_codes_and_typed_names_add_up(school, teacher, classmates):
    form = PupilsForm(_post(pupils=[classmates[0].code], pupils_text="Bella"), user=teacher, school=school)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["pupils"]) == {classmates[0], classmates[2]}


def test_an_unknown_name_is_a_field_error_and_the_text_is_kept(school, teacher, classmates):
    form = PupilsForm(_post(pupils=[classmates[2].code], pupils_text="Nobody Here"), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupils"] == ["No pupil matches “Nobody Here”. Check the spelling, or type the UPN."]
    html = str(form["pupils"])
    assert "Nobody Here</textarea>" in html  # what was typed comes back to be corrected
    assert f'value="{classmates[2].code}" checked' in html  # and the chosen pupil stays chosen
    assert "Bella Jones (Year 10)" in html


def test_an_ambiguous_name_says_how_many_match(school, teacher, classmates):
    form = PupilsForm(_post(pupils_text="Khan"), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupils"] == ["2 pupils match “Khan”. Type more of the name, or the UPN."]


def test_every_bad_entry_is_reported(school, teacher, classmates):
    form = PupilsForm(_post(pupils_text="Khan; Zed Nobody; Bella"), user=teacher, school=school)
    assert not form.is_valid()
    assert len(form.errors["pupils"]) == 2


def test_another_schools_pupil_is_refused_by_code_and_not_found_by_name(
    school, teacher, classmates, other_school_pupil
):
    form = PupilsForm(_post(pupils=[other_school_pupil.code]), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupils"] == ["Choose pupils from this school."]
    assert "Outside" not in str(form["pupils"])

    form = PupilsForm(_post(pupils_text=f"Oscar Outside\n{other_school_pupil.upn}"), user=teacher, school=school)
    assert not form.is_valid()
    assert all(error.startswith("No pupil matches") for error in form.errors["pupils"])


def test_a_nonsense_code_is_refused(school, teacher, classmates):
    form = PupilsForm(_post(pupils=["not-a-code"]), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupils"] == ["Choose pupils from this school."]


def test_nothing_chosen_is_required_error(school, teacher, classmates):
    form = PupilsForm(_post(pupils_text="  "), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupils"] == ["This field is required."]


def test_staff_are_found_by_name_or_email_in_this_school_only(school, sister_school, teacher, classmates):
    colleague = make_staff(school, Role.PASTORAL_STAFF, "pastoral")
    elsewhere = make_staff(sister_school, Role.TEACHER, "elsewhere")
    form = PupilsForm(
        _post(pupils=[classmates[0].code], staff_text=f"Pastoral Tester\n{teacher.email.upper()}"),
        user=teacher,
        school=school,
    )
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["staff"]) == {colleague, teacher}

    form = PupilsForm(_post(pupils=[classmates[0].code], staff=[elsewhere.code]), user=teacher, school=school)
    assert form.errors["staff"] == ["Choose staff from this school."]
    form = PupilsForm(_post(pupils=[classmates[0].code], staff_text=elsewhere.email), user=teacher, school=school)
    assert form.errors["staff"] == [
        f"No member of staff matches “{elsewhere.email}”. Check the spelling, or type the email address."
    ]
    form = PupilsForm(_post(pupils=[classmates[0].code], staff_text="Tester"), user=teacher, school=school)
    assert form.errors["staff"] == ["2 staff match “Tester”. Type more of the name, or the email address."]


def test_initial_rows_show_as_ticked_chips_that_work_without_javascript(school, teacher, classmates):
    form = PupilsForm(initial={"pupils": [classmates[1]], "staff": [teacher]}, user=teacher, school=school)
    html = str(form["pupils"]) + str(form["staff"])
    assert f'name="pupils" value="{classmates[1].code}" checked' in html
    assert f'name="staff" value="{teacher.code}" checked' in html
    assert "Amira Khan (Year 7)" in html and "Teacher Tester" in html
    assert 'role="combobox"' not in html or "hidden" in html
    assert 'name="pupils_text"' in html and 'name="staff_text"' in html
    assert "<select" not in html


def test_the_single_field_resolves_staff_too(school, teacher):
    MembershipFactory(user=UserFactory(first_name="Gareth", last_name="Hughes"), school=school, role="teacher")

    class OneForm(forms.Form):
        person = PickerField(STAFF)

    form = OneForm({"person_text": "gareth"})
    form.fields["person"].queryset = colleagues_visible_to(teacher).filter(memberships__school=school)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["person"].last_name == "Hughes"


# --- The core search endpoints ------------------------------------------------------------------


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_the_pupil_search_shows_photo_year_and_form_of_this_schools_pupils(
    as_user, school, teacher, classmates, other_school_pupil
):
    PupilFactory(school=other_school_pupil.school, legal_first_name="Amir", legal_last_name="Khanage")
    classmates[0].photo = _png()
    classmates[0].save()
    body = as_user(teacher).get(reverse("pastoral:pupil_picker"), {"q": "khan"}).content.decode()
    assert 'role="listbox"' in body and body.count('role="option"') == 2
    assert "Amir Khan" in body and "Year 9 · 9K" in body and "Year 7 · 7B" in body
    assert reverse("pastoral:pupil_photo", args=[classmates[0].code]) in body
    assert reverse("pastoral:pupil_photo", args=[classmates[1].code]) not in body
    assert "Khanage" not in body


def test_the_pupil_search_is_for_staff_who_read_pupils(as_user, school, it_admin, classmates):
    assert as_user(it_admin).get(reverse("pastoral:pupil_picker"), {"q": "khan"}).status_code == 403


def test_the_staff_search_shows_roles_and_never_another_schools_staff(
    as_user, school, sister_school, teacher, classmates
):
    make_staff(school, Role.DSL, "dsl")
    make_staff(sister_school, Role.DSL, "dslelsewhere")
    body = as_user(teacher).get(reverse("pastoral:staff_picker"), {"q": "dsl"}).content.decode()
    assert body.count('role="option"') == 1
    assert "Dsl Tester" in body and "Designated safeguarding lead" in body
    assert "Dslelsewhere" not in body


def test_the_staff_search_narrowed_to_roles_offers_only_their_holders(as_user, school, teacher):
    make_staff(school, Role.DSL, "dsl")
    make_staff(school, Role.DEPUTY_DSL, "ddsl")
    make_staff(school, Role.PASTORAL_STAFF, "pastoral")
    client = as_user(teacher)
    url = reverse("pastoral:staff_picker")
    body = client.get(url, {"q": "tester", "role": ["dsl", "deputy_dsl"]}).content.decode()
    assert body.count('role="option"') == 2 and "Dsl Tester" in body and "Ddsl Tester" in body
    assert "Pastoral Tester" not in body and "Teacher Tester" not in body
    # An unknown role narrows to nobody rather than widening to everyone.
    assert client.get(url, {"q": "tester", "role": "nobody"}).content.decode().count('role="option"') == 0
    assert client.get(url, {"q": "tester"}).content.decode().count('role="option"') == 4


def test_the_staff_search_is_refused_to_the_it_admin(as_user, it_admin):
    assert as_user(it_admin).get(reverse("pastoral:staff_picker"), {"q": "tester"}).status_code == 403


def test_the_searches_run_a_fixed_number_of_queries(as_user, school, teacher):
    client = as_user(teacher)
    for index in range(6):
        PupilFactory(school=school, legal_first_name=f"Sam{index}", legal_last_name="Fixed", form="9F").photo = ""
        MembershipFactory(user=UserFactory(first_name=f"Sam{index}", last_name="Fixed"), school=school)
    counts = {}
    client.get(reverse("pastoral:pupil_picker"), {"q": "warm"})  # the first request of a session loads more
    for url in ("pastoral:pupil_picker", "pastoral:staff_picker"):
        for text in ("Sam0", "Fixed"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(url), {"q": text})
            assert response.status_code == 200
            counts[(url, text)] = len(queries)
        assert counts[(url, "Sam0")] == counts[(url, "Fixed")], url


def test_the_pupil_kind_labels_match_the_chips(classmates):
    assert PUPILS.label(classmates[0]) == "Amir Khan (Year 9)"
