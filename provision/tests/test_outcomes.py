"""Outcomes Star readings and SDQs: range refusal beside the field, never comparing Stars or editions, the chart
of the baseline and later readings, the measures registry, visibility and audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEntry
from provision import measures_registry
from provision.outcomes import selectors, services
from provision.outcomes.models import SdqResponse, StarReading

from .outcome_factories import AREAS, all_items, my_star, teacher_sdq


def star_post(scores, **extra):
    data = {"taken_on": timezone.localdate().isoformat(), "completed_with": "collaborative", **extra}
    for key, value in zip(AREAS, scores, strict=True):
        data[f"score_{key}"] = value
    return data


def test_a_star_score_outside_the_range_is_refused_beside_the_field(client, as_user, pastoral_staff, pupil):
    as_user(pastoral_staff)
    url = reverse("provision:star_new", args=[pupil.code]) + "?star=my_star:1"

    response = client.post(url, star_post(["6", "3", "3", "3", "3", "3", "0", "3"], note_friends="kept note"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["score_physical_health"] == ["Physical health: the score must be a whole number from 1 to 5."]
    assert form.errors["score_confidence"] == [
        "Confidence and self-esteem: the score must be a whole number from 1 to 5."
    ]
    assert "score_friends" not in form.errors
    assert "kept note" in response.content.decode()
    assert not StarReading.objects.exists()


def test_the_service_refuses_out_of_range_and_missing_scores(pastoral_staff, pupil):
    with pytest.raises(ValidationError) as refused:
        my_star(pastoral_staff, pupil, {**dict.fromkeys(AREAS, 3), "friends": 7})
    assert "score_friends" in refused.value.message_dict
    with pytest.raises(ValidationError):
        my_star(pastoral_staff, pupil, {key: 3 for key in AREAS[:-1]})
    with pytest.raises(ValidationError):
        my_star(pastoral_staff, pupil, 3, star="teen_star", edition="9")


def test_a_reading_is_recorded_and_compared_with_the_baseline(client, as_user, pastoral_staff, pupil):
    my_star(pastoral_staff, pupil, 2, days_ago=90)
    as_user(pastoral_staff)
    url = reverse("provision:star_new", args=[pupil.code]) + "?star=my_star:1"

    response = client.post(url, star_post(["3", "2", "2", "2", "2", "2", "2", "2"]))

    assert response.status_code == 302
    page = client.get(reverse("provision:outcomes_pupil", args=[pupil.code]))
    series = page.context["stars"][0]["series"]
    assert series.moved_forward is True
    assert series.areas_forward == 1
    assert [row[4] for row in page.context["stars"][0]["changes"]] == [1, 0, 0, 0, 0, 0, 0, 0]
    html = page.content.decode()
    assert "Moved forward in 1 area" in html
    assert "<svg" in html and "Baseline" in html


def test_readings_of_other_stars_or_editions_are_never_compared(pastoral_staff, pupil):
    my_star(pastoral_staff, pupil, 2, days_ago=60)
    teen = {key: 3 for key in ("drugs_alcohol", "wellbeing", "safety", "structure", "behaviour", "family")}
    my_star(pastoral_staff, pupil, teen, star="teen_star", days_ago=30)
    StarReading.objects.create(
        school=pupil.school,
        pupil=pupil,
        star="my_star",
        edition="2",
        taken_on=timezone.localdate(),
        completed_with="collaborative",
        scores=dict.fromkeys(AREAS, 5),
        worker=pastoral_staff,
        recorded_by=pastoral_staff,
    )
    series = selectors.pupil_star_series(pastoral_staff, pupil)
    # The unknown edition "2" is left out; My Star and Teen Star stay apart, each a single baseline.
    assert [(s.star, s.edition, len(s.readings)) for s in series] == [("my_star", "1", 1), ("teen_star", "1", 1)]
    assert all(s.moved_forward is None for s in series)


def test_the_registry_scores_between_compares_only_the_exit_edition(pastoral_staff, pupil, django_assert_num_queries):
    my_star(pastoral_staff, pupil, 2, days_ago=100)
    my_star(pastoral_staff, pupil, 4, days_ago=5)
    teacher_sdq(pastoral_staff, pupil, all_items(2), days_ago=100)
    teacher_sdq(pastoral_staff, pupil, all_items(1), days_ago=5)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=50)

    with django_assert_num_queries(1):
        stars = measures_registry.scores_between("my_star", [pupil.pk], start, today)
    with django_assert_num_queries(1):
        sdqs = measures_registry.scores_between("sdq_teacher", [pupil.pk], start, today)

    entry, exit_ = stars[pupil.pk]
    assert (entry.value, exit_.value) == (2, 4)
    assert measures_registry.improved(entry, exit_)
    entry, exit_ = sdqs[pupil.pk]
    assert (entry.value, exit_.value) == (40, 20)
    assert measures_registry.improved(entry, exit_)
    assert "sdq_parent" in dict(measures_registry.choices())


def test_scores_between_costs_the_same_for_many_pupils(pastoral_staff, school, django_assert_num_queries):
    from pastoral.tests.factories import PupilFactory

    pupils = [PupilFactory(school=school) for _ in range(4)]
    for pupil in pupils:
        my_star(pastoral_staff, pupil, 2, days_ago=30)
        my_star(pastoral_staff, pupil, 3)
    with django_assert_num_queries(1):
        scores = measures_registry.scores_between(
            "my_star", [p.pk for p in pupils], timezone.localdate() - datetime.timedelta(days=10), timezone.localdate()
        )
    assert len(scores) == 4


def test_an_sdq_is_entered_scored_and_shown_with_bands(client, as_user, senco, pupil):
    as_user(senco)
    data = {
        "informant": "teacher",
        "completed_on": timezone.localdate().isoformat(),
        "difficulties": "yes",
        "impact_distress": "3",
        "impact_peers": "2",
        "impact_classroom": "1",
    }
    for number, value in enumerate(all_items(1), start=1):
        data[f"item_{number}"] = str(value)
    data["item_16"] = ""  # emotional pro-rated from 4 items

    response = client.post(reverse("provision:sdq_new", args=[pupil.code]), data)

    assert response.status_code == 302
    saved = SdqResponse.objects.get()
    assert saved.items[15] is None
    assert saved.result.value("total") == 20
    assert saved.result.value("impact") == 3
    page = client.get(response.url)
    html = page.content.decode()
    assert "Pro-rated" in html and "Very high" in html


def test_an_sdq_response_outside_zero_to_two_is_refused_beside_the_item(client, as_user, senco, pupil):
    as_user(senco)
    data = {"informant": "teacher", "completed_on": timezone.localdate().isoformat(), "item_1": "3", "item_2": "1"}
    response = client.post(reverse("provision:sdq_new", args=[pupil.code]), data)
    assert response.status_code == 200
    assert "item_1" in response.context["form"].errors
    with pytest.raises(ValidationError):
        teacher_sdq(senco, pupil, [3] + [0] * 24)


def test_the_teacher_form_refuses_an_answer_to_a_parent_only_impact_item(client, as_user, senco, pupil):
    as_user(senco)
    data = {"informant": "teacher", "completed_on": timezone.localdate().isoformat(), "item_1": "1", "impact_home": "2"}
    response = client.post(reverse("provision:sdq_new", args=[pupil.code]), data)
    assert "impact_home" in response.context["form"].errors


def test_a_withdrawn_reading_leaves_the_chart(client, as_user, pastoral_staff, pupil):
    baseline = my_star(pastoral_staff, pupil, 2, days_ago=30)
    my_star(pastoral_staff, pupil, 3)
    services.measure_withdraw(actor=pastoral_staff, record=baseline, reason="Wrong pupil")
    assert [len(s.readings) for s in selectors.pupil_star_series(pastoral_staff, pupil)] == [1]
    as_user(pastoral_staff)
    assert client.get(reverse("provision:star_detail", args=[baseline.code])).status_code == 200


def test_teachers_and_other_schools_cannot_read_measures(
    client, as_user, pastoral_staff, teacher, pupil, other_school_dsl
):
    reading = my_star(pastoral_staff, pupil, 2)
    as_user(teacher)
    assert client.get(reverse("provision:outcomes_pupil", args=[pupil.code])).status_code == 403
    assert client.get(reverse("provision:star_detail", args=[reading.code])).status_code == 403
    as_user(other_school_dsl)
    assert client.get(reverse("provision:star_detail", args=[reading.code])).status_code == 404
    assert selectors.readings_visible_to(teacher).count() == 0


def test_reads_are_audited(client, as_user, dsl, pupil):
    reading = my_star(dsl, pupil, 2)
    as_user(dsl)
    client.get(reverse("provision:outcomes_pupil", args=[pupil.code]))
    client.get(reverse("provision:star_detail", args=[reading.code]))
    actions = set(AuditEntry.objects.filter(actor=dsl).values_list("action", flat=True))
    assert {"provision.outcomes.viewed", "provision.star.viewed", "provision.star.recorded"} <= actions


def test_the_pupil_page_query_count_does_not_grow_with_readings(
    client, as_user, pastoral_staff, pupil, django_assert_max_num_queries
):
    for days in (90, 60, 30, 0):
        my_star(pastoral_staff, pupil, 2 + days % 3, days_ago=days)
        teacher_sdq(pastoral_staff, pupil, all_items(1), days_ago=days)
    as_user(pastoral_staff)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("provision:outcomes_pupil", args=[pupil.code])).status_code == 200


def test_lists_and_chronology(client, as_user, pastoral_staff, pupil):
    my_star(pastoral_staff, pupil, 2)
    teacher_sdq(pastoral_staff, pupil, all_items(1))
    as_user(pastoral_staff)
    assert "My Star" in client.get(reverse("provision:star_list")).content.decode()
    assert "Teacher" in client.get(reverse("provision:sdq_list") + "?informant=teacher").content.decode()
    from pastoral.chronology import chronology_for

    titles = [item.title for item in chronology_for(pastoral_staff, pupil)]
    assert "My Star (first edition) reading" in titles
    assert "SDQ (teacher)" in titles


def test_a_withheld_score_is_explained_and_parent_bands_carry_their_caveat(client, as_user, senco, pupil):
    items = all_items(1)
    for number in (6, 11, 14):  # peer: only 2 of 5 answered
        items[number - 1] = None
    response = teacher_sdq(senco, pupil, items, informant="parent")
    as_user(senco)
    html = client.get(reverse("provision:sdq_detail", args=[response.code])).content.decode()
    assert "Peer relationship problems: only 2 of 5 items answered" in html
    assert "Total difficulties: withheld because peer relationship problems is missing." in html
    assert "cut-offs not yet confirmed" in html
    page = client.get(reverse("provision:outcomes_pupil", args=[pupil.code])).content.decode()
    assert "The parent or carer bands are not yet confirmed against sdqinfo" in page
