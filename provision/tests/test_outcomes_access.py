"""A keyworker's caseload scope, the lists' query counts and the Star CSV."""

import pytest
from django.urls import reverse

from pastoral.models import Pupil
from pastoral.tests.export_helpers import export_csv
from pastoral.tests.factories import PupilFactory
from provision.outcomes import access, selectors

from .outcome_factories import all_items, my_star, teacher_sdq, voice


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def caseload(teacher, pupil):
    """A stand-in for the keywork area: the teacher keyworks `pupil`."""

    def scope(user):
        return Pupil.objects.filter(pk=pupil.pk).values("pk") if user.pk == teacher.pk else None

    access.add_pupil_scope(scope)
    yield
    access._PUPIL_SCOPES.remove(scope)


def test_a_keyworker_reads_and_records_only_their_pupils(client, as_user, caseload, teacher, pastoral_staff, pupil):
    other = PupilFactory(school=pupil.school)
    my_star(pastoral_staff, pupil, 2)
    my_star(pastoral_staff, other, 2)
    assert list(selectors.readings_visible_to(teacher).values_list("pupil_id", flat=True)) == [pupil.pk]
    as_user(teacher)
    assert client.get(reverse("provision:outcomes_pupil", args=[pupil.code])).status_code == 200
    assert client.get(reverse("provision:outcomes_pupil", args=[other.code])).status_code == 403
    my_star(teacher, pupil, 3)


@pytest.mark.parametrize("name", ["provision:star_list", "provision:sdq_list", "provision:voice_list"])
def test_the_lists_cost_the_same_for_more_rows(
    client, as_user, pastoral_staff, school, name, django_assert_max_num_queries
):
    for _ in range(6):
        pupil = PupilFactory(school=school)
        my_star(pastoral_staff, pupil, 2)
        teacher_sdq(pastoral_staff, pupil, all_items(1))
        voice(pastoral_staff, pupil)
    as_user(pastoral_staff)
    with django_assert_max_num_queries(16):
        assert client.get(reverse(name)).status_code == 200


def test_the_star_csv_has_scores_by_area(client, as_user, pastoral_staff, pupil, capture):
    my_star(pastoral_staff, pupil, 4)
    as_user(pastoral_staff)
    rows = export_csv(client, capture, pastoral_staff, "provision.star_csv", query="star=my_star")
    header = rows[0]
    assert rows[1][header.index("Area 1")] == "Physical health"
    assert rows[1][header.index("Score 1")] == "4"
    assert rows[1][header.index("Average")] == "4.0"
    assert export_csv(client, capture, pastoral_staff, "provision.star_csv", query="star=teen_star")[1:] == []


def test_the_pupil_card_links_to_the_measures(client, as_user, senco, pupil):
    my_star(senco, pupil, 2)
    as_user(senco)
    html = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "Outcome measures and pupil voice" in html
    assert "My Star (first edition): baseline" in html
    assert reverse("provision:review_pack", args=[pupil.code]) in html
