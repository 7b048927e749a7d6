"""The single-pupil picker on the physical-intervention form, and the search endpoint it uses."""

import pytest
from django.urls import reverse

from behaviour.interventions.forms import InterventionForm
from behaviour.models import RestrictiveIntervention
from conftest import verified_client
from pastoral.tests.factories import PupilFactory

from .interventions_helpers import make_technique
from .test_interventions import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def hold(school):
    return make_technique(school)


def _without_code(data, text):
    data = dict(data)
    data.pop("pupil")
    data["pupil_text"] = text
    return data


def test_the_form_offers_the_type_ahead_picker_not_a_select(client, school, pupil, teacher):
    verified_client(client, teacher)
    body = client.get(reverse("behaviour:intervention_create")).content.decode()
    assert 'class="picker picker-single' in body
    assert f'data-search-url="{reverse("behaviour:pupil_picker")}"' in body
    assert '<select name="pupil"' not in body
    assert 'name="pupil_text"' in body and 'id="id_pupil"' in body
    assert 'for="id_pupil"' in body  # the label names the search box


def test_a_chosen_code_validates_to_that_pupil(school, pupil, teacher, hold):
    form = InterventionForm(form_data(pupil, [teacher], hold), user=teacher, school=school)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["pupil"] == pupil


def test_another_schools_pupil_code_is_refused(client, school, pupil, other_school_pupil, teacher, hold):
    form = InterventionForm(form_data(other_school_pupil, [teacher], hold), user=teacher, school=school)
    assert not form.is_valid()
    assert form.errors["pupil"] == ["Choose a pupil on roll at this school."]

    verified_client(client, teacher)
    response = client.post(reverse("behaviour:intervention_create"), form_data(other_school_pupil, [teacher], hold))
    assert response.status_code in (200, 400)
    assert "Choose a pupil on roll at this school." in response.content.decode()
    assert "Outside" not in response.content.decode()
    assert not RestrictiveIntervention.objects.exists()


def test_a_nonsense_code_is_refused(school, pupil, teacher, hold):
    data = {**form_data(pupil, [teacher], hold), "pupil": "not-a-code"}
    form = InterventionForm(data, user=teacher, school=school)
    assert not form.is_valid()
    assert "pupil" in form.errors


def test_an_error_re_render_keeps_the_chosen_pupil(client, school, pupil, teacher, hold):
    verified_client(client, teacher)
    response = client.post(reverse("behaviour:intervention_create"), form_data(pupil, [teacher], hold, rationale=""))
    body = response.content.decode()
    assert "Say why the intervention was necessary." in body
    assert f'name="pupil" value="{pupil.code}"' in body
    assert "Chosen: <strong>Zoë Ainsworth</strong>" in body
    assert f"UPN {pupil.upn}" in body
    assert not RestrictiveIntervention.objects.exists()


def test_without_javascript_a_typed_upn_or_name_is_resolved(client, school, pupil, teacher, hold):
    PupilFactory(school=school, legal_first_name="Adam", legal_last_name="Brook")
    verified_client(client, teacher)

    client.post(reverse("behaviour:intervention_create"), _without_code(form_data(pupil, [teacher], hold), pupil.upn))
    client.post(reverse("behaviour:intervention_create"), _without_code(form_data(pupil, [teacher], hold), "zoe ains"))

    assert [r.pupil for r in RestrictiveIntervention.objects.all()] == [pupil, pupil]


def test_without_javascript_no_match_or_several_matches_give_a_clear_error(
    client, school, pupil, other_school_pupil, teacher, hold
):
    PupilFactory(school=school, legal_first_name="Zak", legal_last_name="Ainsworth")
    verified_client(client, teacher)
    url = reverse("behaviour:intervention_create")

    body = client.post(url, _without_code(form_data(pupil, [teacher], hold), "Nobody")).content.decode()
    assert "No pupil matches “Nobody”. Check the spelling, or type the UPN." in body
    assert 'value="Nobody"' in body  # what was typed is kept

    body = client.post(url, _without_code(form_data(pupil, [teacher], hold), "Ainsworth")).content.decode()
    assert "2 pupils match “Ainsworth”. Type more of the name, or the UPN." in body

    # Another school's pupil is never found by name or UPN.
    for text in ("Oscar Outside", other_school_pupil.upn):
        body = client.post(url, _without_code(form_data(pupil, [teacher], hold), text)).content.decode()
        assert "No pupil matches" in body
    assert not RestrictiveIntervention.objects.exists()


def test_the_search_endpoint_query_count_does_not_grow_with_results(
    client, school, pupil, other_school_pupil, teacher, django_assert_max_num_queries
):
    for n in range(15):
        PupilFactory(school=school, legal_first_name=f"Pupil{n}", legal_last_name="Ainsworth")
    verified_client(client, teacher)
    # Session, user, membership, device and school lookups, one query for the pupils and the audit entry.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("behaviour:pupil_picker"), {"q": "Ainsworth"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("data-code=") == 10
    assert "Outside" not in body
