import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.events import selectors
from behaviour.models import RewardMilestone
from pastoral.files import exports
from pastoral.models import AcademicYear, AuditEntry, GeneratedFile
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory

SEPT = datetime.date(2026, 9, 1)
MONDAY = datetime.date(2026, 10, 12)
FRIDAY = datetime.date(2026, 10, 16)


def at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 30)))


@pytest.fixture
def praise(school):
    return BehaviourCategoryFactory(school=school, name="Excellent work", kind="positive", points=3)


@pytest.fixture
def effort(school):
    return BehaviourCategoryFactory(school=school, name="Effort", kind="positive", points=1)


def log(pupil, category, day, **kwargs):
    return BehaviourEventFactory(pupil=pupil, category=category, occurred_at=at(day), **kwargs)


def test_it_totals_only_live_positive_points_of_the_school(
    school, pupil, other_school_pupil, praise, effort, trust_leader
):
    log(pupil, praise, MONDAY)
    log(pupil, effort, MONDAY)
    log(pupil, BehaviourCategoryFactory(school=school, kind="negative", points=2), MONDAY)
    log(pupil, praise, MONDAY, voided_at=at(FRIDAY))
    log(pupil, praise, datetime.date(2026, 8, 31))
    sister = other_school_pupil.school
    log(other_school_pupil, BehaviourCategoryFactory(school=sister, kind="positive", points=5), MONDAY)
    rows = selectors.pupil_points(trust_leader, school, SEPT, FRIDAY)
    assert [(row["name"], row["points"], row["events"]) for row in rows] == [("Zoë Ainsworth", 4, 2)]


def test_it_shows_nothing_from_a_school_the_user_cannot_see(school, pupil, praise, other_school_dsl):
    log(pupil, praise, MONDAY)
    assert selectors.pupil_points(other_school_dsl, school, SEPT, FRIDAY) == []
    assert selectors.house_points(other_school_dsl, school, SEPT, FRIDAY) == []


def test_it_totals_forms_and_houses_in_the_database(school, praise, effort, headteacher):
    amir = PupilFactory(school=school, year_group=7, form="7N", house="Turing")
    bea = PupilFactory(school=school, year_group=7, form="7N", house="Brontë")
    cal = PupilFactory(school=school, year_group=8, form="8F", house="Turing")
    for pupil, category in [(amir, praise), (amir, effort), (bea, praise), (cal, effort), (cal, effort), (cal, praise)]:
        log(pupil, category, MONDAY)
    log(cal, praise, MONDAY, voided_at=at(FRIDAY))
    forms = selectors.form_points(headteacher, school, SEPT, FRIDAY)
    assert [(row["year_group"], row["form"], row["pupils"], row["points"]) for row in forms] == [
        ("Year 7", "7N", 2, 7),
        ("Year 8", "8F", 1, 5),
    ]
    houses = selectors.house_points(headteacher, school, SEPT, FRIDAY)
    assert [(row["house"], row["pupils"], row["points"]) for row in houses] == [("Turing", 2, 9), ("Brontë", 1, 3)]
    top = selectors.pupil_points(headteacher, school, SEPT, FRIDAY, year_group=7, form="7N")
    assert [row["points"] for row in top] == [4, 3]


@pytest.fixture
def milestones(school):
    return [
        RewardMilestone.objects.create(school=school, name="Bronze", points=5),
        RewardMilestone.objects.create(school=school, name="Silver", points=8),
        RewardMilestone.objects.create(school=school, name="Retired", points=6, active=False),
    ]


def test_it_lists_pupils_who_crossed_a_milestone_in_the_window(school, praise, effort, headteacher, milestones):
    exact = PupilFactory(school=school, legal_first_name="Exact")
    log(exact, effort, SEPT)
    log(exact, effort, MONDAY - datetime.timedelta(days=1))
    log(exact, praise, MONDAY)
    above = PupilFactory(school=school, legal_first_name="Above")
    log(above, praise, SEPT)
    log(above, praise, SEPT)
    log(above, effort, FRIDAY)
    double = PupilFactory(school=school, legal_first_name="Double")
    for day in (MONDAY, datetime.date(2026, 10, 14), FRIDAY):
        log(double, praise, day)
    late = PupilFactory(school=school, legal_first_name="Late")
    log(late, praise, MONDAY)
    log(late, praise, FRIDAY + datetime.timedelta(days=1))
    rows = selectors.milestones_crossed(school, headteacher, MONDAY, FRIDAY)
    crossed = sorted((row["name"].split()[0], row["milestone"], row["before"], row["points"]) for row in rows)
    assert crossed == [("Double", "Bronze", 0, 9), ("Double", "Silver", 0, 9), ("Exact", "Bronze", 2, 5)]


def test_it_counts_the_running_total_from_the_school_academic_year(school, praise, headteacher, milestones, pupil):
    AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 3), end=datetime.date(2027, 7, 20)
    )
    log(pupil, praise, datetime.date(2026, 9, 2))
    log(pupil, praise, datetime.date(2026, 9, 4))
    log(pupil, praise, MONDAY)
    assert selectors.academic_year_start(school, MONDAY) == datetime.date(2026, 9, 3)
    assert [row["milestone"] for row in selectors.milestones_crossed(school, headteacher, MONDAY, FRIDAY)] == ["Bronze"]


def test_it_falls_back_to_the_first_of_september(school):
    assert selectors.academic_year_start(school, datetime.date(2027, 3, 1)) == datetime.date(2026, 9, 1)
    assert selectors.academic_year_start(school, datetime.date(2026, 9, 1)) == datetime.date(2026, 9, 1)


def test_it_shows_the_rewards_page_to_a_teacher(client, teacher, pupil, praise, milestones, as_user):
    log(pupil, praise, MONDAY)
    log(pupil, praise, FRIDAY)
    as_user(teacher)
    query = {"start": SEPT, "end": FRIDAY, "crossed_start": MONDAY, "crossed_end": FRIDAY}
    page = client.get(reverse("behaviour:rewards"), query).content.decode()
    assert "Zoë Ainsworth" in page and "Bronze (5)" in page
    assert reverse("behaviour:milestone_list") not in page


def _export(client, query, section, capture):
    """Ask for a section's CSV through the export machinery (the task runs eagerly) and download it."""
    before = set(GeneratedFile.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(
            reverse("pastoral:export_request"),
            {"kind": "behaviour.rewards_csv", "query": urlencode({**query, "section": section})},
        )
    assert response.status_code == 302
    generated_file = GeneratedFile.objects.exclude(pk__in=before).get()
    return generated_file, client.get(reverse("pastoral:export_download", args=[generated_file.code]))


def test_it_exports_each_section_as_csv_and_audits_it(
    client, teacher, pupil, praise, milestones, as_user, django_capture_on_commit_callbacks
):
    pupil.house = "=Turing"
    pupil.save()
    log(pupil, praise, MONDAY)
    log(pupil, praise, FRIDAY)
    as_user(teacher)
    query = {"start": SEPT, "end": FRIDAY, "crossed_start": MONDAY, "crossed_end": FRIDAY}
    page = client.get(reverse("behaviour:rewards"), query).content.decode()
    assert reverse("pastoral:export_request") in page and 'value="behaviour.rewards_csv"' in page
    generated_file, response = _export(client, query, "houses", django_capture_on_commit_callbacks)
    assert generated_file.status == "done" and generated_file.owner == teacher
    assert response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(content))) == [["House", "Pupils", "Points"], ["'=Turing", "1", "6"]]
    _file, response = _export(client, query, "milestones", django_capture_on_commit_callbacks)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][0] == "Zoë Ainsworth" and rows[1][4:] == ["Bronze", "5", "0", "6"]
    entries = AuditEntry.objects.filter(action="behaviour.rewards.exported", actor=teacher).order_by("pk")
    assert [entry.data["section"] for entry in entries] == ["houses", "milestones"]
    assert entries[1].data == {"section": "milestones", "start": "2026-10-12", "end": "2026-10-16", "rows": 1}
    failed, response = _export(client, query, "nope", django_capture_on_commit_callbacks)
    assert failed.status == "failed" and "no such section" in failed.error
    assert response.status_code == 302


def test_it_lets_a_teacher_view_rewards_but_not_manage_milestones(client, teacher, milestones, as_user):
    as_user(teacher)
    assert client.get(reverse("behaviour:rewards")).status_code == 200
    assert client.get(reverse("behaviour:milestone_list")).status_code == 403
    data = {"name": "Gold", "points": 20, "active": "on"}
    assert client.post(reverse("behaviour:milestone_create"), data).status_code == 403
    url = reverse("behaviour:milestone_edit", args=[milestones[0].code])
    assert client.post(url, data).status_code == 403
    assert not RewardMilestone.objects.filter(name="Gold").exists()


def test_a_pastoral_lead_adds_and_edits_a_milestone(client, pastoral_lead, school, as_user):
    as_user(pastoral_lead)
    data = {"name": "Bronze certificate", "points": 25, "active": "on"}
    assert client.post(reverse("behaviour:milestone_create"), data).status_code == 302
    milestone = RewardMilestone.objects.get(school=school)
    data["points"] = 30
    assert client.post(reverse("behaviour:milestone_edit", args=[milestone.code]), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.points == 30
    actions = list(
        AuditEntry.objects.filter(action__startswith="behaviour.milestone.").values_list("action", flat=True)
    )
    assert sorted(actions) == ["behaviour.milestone.changed", "behaviour.milestone.created"]
    assert "Bronze certificate" in client.get(reverse("behaviour:milestone_list")).content.decode()


def test_it_refuses_a_second_milestone_at_the_same_points(client, pastoral_lead, school, milestones, as_user):
    as_user(pastoral_lead)
    response = client.post(reverse("behaviour:milestone_create"), {"name": "Also bronze", "points": 5})
    assert "already has a milestone at that many points" in response.content.decode()
    assert RewardMilestone.objects.filter(school=school).count() == 3


def test_it_hides_another_schools_milestone(client, pastoral_lead, sister_school, as_user):
    milestone = RewardMilestone.objects.create(school=sister_school, name="Gold", points=100)
    as_user(pastoral_lead)
    url = reverse("behaviour:milestone_edit", args=[milestone.code])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Mine now", "points": 1}).status_code == 404
    milestone.refresh_from_db()
    assert milestone.name == "Gold"


# The same bound at 3 and 30 pupils: a query per row would break it.
@pytest.mark.parametrize("pupils", [3, 30])
def test_it_keeps_the_rewards_page_queries_flat(
    client, teacher, school, praise, milestones, as_user, django_assert_max_num_queries, pupils
):
    for n in range(pupils):
        pupil = PupilFactory(school=school, form=f"7{'NFL'[n % 3]}", house=("Turing", "Brontë")[n % 2])
        log(pupil, praise, MONDAY)
        log(pupil, praise, FRIDAY)
    as_user(teacher)
    query = {"start": SEPT, "end": FRIDAY, "crossed_start": MONDAY, "crossed_end": FRIDAY}
    with django_assert_max_num_queries(16):
        response = client.get(reverse("behaviour:rewards"), query)
    assert response.content.decode().count("Bronze (5)") == pupils
    generated_file = GeneratedFile.objects.create(
        owner=teacher,
        school=school,
        kind="behaviour.rewards_csv",
        parameters={**{key: str(value) for key, value in query.items()}, "section": "pupils"},
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    # The section's own queries plus claiming, progress and finishing the file.
    with django_assert_max_num_queries(20):
        exports.generate(generated_file.pk)
    generated_file.refresh_from_db()
    assert generated_file.status == "done"
