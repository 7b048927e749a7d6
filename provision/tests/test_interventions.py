"""Interventions: the seeded catalogue, groups, sessions with attendance, targets, impact and the visits log."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from pastoral import chronology, pupil_cards
from pastoral.attendance.codes import ensure_codes
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.tests.attendance_helpers import add_marks
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision import measures_registry
from provision.interventions import impact, services
from provision.interventions.forms import ProgrammeForm
from provision.interventions.models import DEFAULT_PROGRAMMES, GroupMember, InterventionGroup, Programme
from provision.measures_registry import MeasureScore
from provision.visits.models import ExternalVisit

TODAY = timezone.localdate()


@pytest.fixture
def fake_measure():
    calls = []

    def scores(pupil_ids, start, end):
        calls.append((sorted(pupil_ids), start, end))
        # The first pupil moves from 2 to 4, the second from 3 to 3; the rest are not measured.
        ordered = sorted(pupil_ids)
        result = {}
        if ordered:
            result[ordered[0]] = (MeasureScore(2, "avg"), MeasureScore(4, "avg"))
        if len(ordered) > 1:
            result[ordered[1]] = (MeasureScore(3, "avg"), MeasureScore(3, "avg"))
        return result

    measures_registry.register("fake_star", "Fake star", scores)
    yield calls
    measures_registry._MEASURES.pop("fake_star")


def programme(school, name="ELSA"):
    return Programme.objects.get(school=school, name=name)


def start(actor, school, pupils, weeks_ago=6, weeks=6, name="ELSA"):
    starts_on = TODAY - datetime.timedelta(weeks=weeks_ago)
    return services.group_start(
        actor=actor,
        programme=programme(school, name),
        name=f"{name} group",
        facilitators=[actor],
        schedule="Tuesdays 10:30",
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(weeks=weeks, days=-1),
        pupils=pupils,
        target="Name a feeling",
    )


def test_every_school_gets_the_default_catalogue(school):
    names = set(Programme.objects.filter(school=school).values_list("name", flat=True))
    assert names == {name for name, *_ in DEFAULT_PROGRAMMES}
    new = SchoolFactory(trust=school.trust)
    assert Programme.objects.filter(school=new).count() == len(DEFAULT_PROGRAMMES)


def test_the_programme_form_offers_only_registered_measures(school, fake_measure):
    item = programme(school)
    assert ("fake_star", "Fake star") in ProgrammeForm(instance=item).fields["measure_code"].choices
    data = {"name": "ELSA", "default_weeks": 8, "session_count": 8, "measure_code": "made_up", "active": "on"}
    form = ProgrammeForm(data, instance=item)
    assert not form.is_valid() and "measure_code" in form.errors
    form = ProgrammeForm({**data, "measure_code": "fake_star", "cost": "300"}, instance=item)
    assert form.is_valid(), form.errors


def test_it_starts_a_group_and_records_a_session(pastoral_staff, school, pupil):
    other = PupilFactory(school=school)
    group = start(pastoral_staff, school, [pupil, other])
    session = services.session_record(
        actor=pastoral_staff,
        group=group,
        held_on=TODAY,
        note="Feelings faces",
        statuses={pupil.pk: "attended", other.pk: "refused"},
    )
    group.refresh_from_db()
    assert group.status == InterventionGroup.Status.RUNNING
    assert dict(session.attendance.values_list("pupil_id", "status")) == {pupil.pk: "attended", other.pk: "refused"}
    assert AuditEntry.objects.filter(action="provision.group_session.recorded").exists()


def test_attendance_is_taken_only_for_the_groups_pupils(pastoral_staff, school, pupil):
    group = start(pastoral_staff, school, [pupil])
    stranger = PupilFactory(school=school)
    with pytest.raises(PastoralError):
        services.session_record(
            actor=pastoral_staff, group=group, held_on=TODAY, note="", statuses={stranger.pk: "attended"}
        )


def test_a_teacher_may_not_run_a_group(teacher, school, pupil):
    with pytest.raises(PastoralError):
        start(teacher, school, [pupil])


def test_a_rating_is_between_minus_two_and_two(pastoral_staff, school, pupil):
    group = start(pastoral_staff, school, [pupil])
    member = group.members.get()
    services.member_rate(actor=pastoral_staff, member=member, target="Name a feeling", rating=2)
    member.refresh_from_db()
    assert member.rating == 2
    with pytest.raises(PastoralError):
        services.member_rate(actor=pastoral_staff, member=member, target="x", rating=3)


def test_impact_compares_the_same_weeks_before_and_after(pastoral_staff, school, fake_measure):
    ensure_codes()
    first, second = PupilFactory(school=school), PupilFactory(school=school)
    Programme.objects.filter(school=school, name="ELSA").update(measure_code="fake_star", cost=Decimal("100"))
    group = start(pastoral_staff, school, [first, second], weeks_ago=4, weeks=4)
    group = InterventionGroup.objects.select_related("programme").get(pk=group.pk)
    w = impact.window(group)
    assert w.weeks == 4 and w.before_start == group.starts_on - datetime.timedelta(weeks=4)
    category = BehaviourCategoryFactory(school=school)
    noon = datetime.time(12)
    for days in (3, 10, 20):  # three events before the start
        day = group.starts_on - datetime.timedelta(days=days)
        BehaviourEventFactory(
            pupil=first, category=category, occurred_at=timezone.make_aware(datetime.datetime.combine(day, noon))
        )
    BehaviourEventFactory(
        pupil=first,
        category=category,
        occurred_at=timezone.make_aware(datetime.datetime.combine(group.starts_on + datetime.timedelta(days=2), noon)),
    )
    # Long before the window: not counted.
    BehaviourEventFactory(
        pupil=first,
        category=category,
        occurred_at=timezone.make_aware(datetime.datetime.combine(w.before_start - datetime.timedelta(days=5), noon)),
    )
    # Attendance: 4 sessions before the start (2 absent), 4 after (all present).
    add_marks(first, ["/", "N", "N", "/"], start=group.starts_on - datetime.timedelta(days=7))
    add_marks(first, ["/", "/", "/", "/"], start=group.starts_on + datetime.timedelta(days=1))
    session = services.session_record(
        actor=pastoral_staff, group=group, held_on=TODAY, note="", statuses={first.pk: "attended", second.pk: "absent"}
    )
    assert session

    rows = {
        row.pupil.pk: row
        for row in impact.impact_for(
            pastoral_staff, GroupMember.objects.filter(group=group).select_related("pupil", "group", "group__programme")
        )
    }
    one, two = rows[min(first.pk, second.pk)], rows[max(first.pk, second.pk)]
    assert one.improved is True and one.change == 2
    assert two.improved is False and two.change == 0
    assert (rows[first.pk].events_before, rows[first.pk].events_after) == (3, 1)
    assert (rows[second.pk].events_before, rows[second.pk].events_after) == (0, 0)
    assert rows[first.pk].attendance_before == Decimal("50.0")
    assert rows[first.pk].attendance_after == Decimal("100.0")
    assert (rows[first.pk].sessions_attended, rows[first.pk].sessions_recorded) == (1, 1)
    assert (rows[second.pk].sessions_attended, rows[second.pk].sessions_recorded) == (0, 1)
    assert fake_measure == [(sorted([first.pk, second.pk]), group.starts_on, w.after_end)]

    summary = impact.summarise(list(rows.values()), [group])
    assert (summary.measured, summary.improved, summary.average_change) == (2, 1, 1.0)
    assert summary.cost_per_pupil == Decimal("50.00")


def test_a_teacher_sees_no_behaviour_counts_they_may_not_read(pastoral_staff, school, pupil, it_admin):
    group = start(pastoral_staff, school, [pupil])
    rows = impact.impact_for(it_admin, group.members.select_related("pupil", "group", "group__programme"))
    assert rows[0].events_before is None and rows[0].attendance_before is None


def test_the_impact_pages_cost_the_same_for_more_pupils(
    as_user, pastoral_staff, school, fake_measure, django_assert_max_num_queries
):
    Programme.objects.filter(school=school, name="ELSA").update(measure_code="fake_star")
    group = start(pastoral_staff, school, [PupilFactory(school=school) for _ in range(2)])
    client = as_user(pastoral_staff)
    url = reverse("provision:group_impact", args=[group.code])
    programme_url = reverse("provision:programme_impact", args=[group.programme.code])
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(30) as small_programme:
        assert client.get(programme_url).status_code == 200
    for _ in range(6):
        services.member_add(actor=pastoral_staff, group=group, pupil=PupilFactory(school=school))
    start(pastoral_staff, school, [PupilFactory(school=school) for _ in range(3)], weeks_ago=20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    # One more group adds only its own call of the measure.
    with django_assert_max_num_queries(len(small_programme.captured_queries)):
        assert client.get(programme_url).status_code == 200
    assert AuditEntry.objects.filter(action="provision.impact.viewed").exists()


def test_the_session_page_takes_attendance(as_user, pastoral_staff, school, pupil):
    group = start(pastoral_staff, school, [pupil])
    member = group.members.get()
    client = as_user(pastoral_staff)
    url = reverse("provision:group_session", args=[group.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"held_on": TODAY.isoformat(), "note": "Good", f"p{member.pk}": "not_in_school"})
    assert response.status_code == 302
    assert group.sessions.get().attendance.get().status == "not_in_school"


def test_the_group_pages_answer(as_user, pastoral_staff, teacher, other_school_dsl, school, pupil):
    group = start(pastoral_staff, school, [pupil])
    assert as_user(pastoral_staff).get(reverse("provision:group_detail", args=[group.code])).status_code == 200
    assert as_user(teacher).get(reverse("provision:group_detail", args=[group.code])).status_code == 200
    assert as_user(teacher).get(reverse("provision:group_session", args=[group.code])).status_code == 403
    assert as_user(other_school_dsl).get(reverse("provision:group_detail", args=[group.code])).status_code == 404


def test_the_start_page_starts_a_group_with_the_programmes_length(as_user, pastoral_staff, school, pupil):
    data = {
        "programme": programme(school, "Zones of Regulation").pk,
        "name": "Year 4 Zones",
        "facilitators": [str(pastoral_staff.code)],
        "schedule": "Mondays",
        "starts_on": TODAY.isoformat(),
        "pupils": [str(pupil.code)],
    }
    response = as_user(pastoral_staff).post(reverse("provision:group_start"), data)
    group = InterventionGroup.objects.get()
    assert response.status_code == 302
    assert group.ends_on == TODAY + datetime.timedelta(weeks=10, days=-1)
    assert list(group.members.values_list("pupil_id", flat=True)) == [pupil.pk]


def test_it_logs_an_external_visit(as_user, pastoral_staff, teacher, school):
    client = as_user(pastoral_staff)
    data = {
        "visited_on": TODAY.isoformat(),
        "visitor": "PCSO Hart",
        "organisation": "Northshire Police",
        "topic": "Staying safe online",
        "year_groups": "Years 5 and 6",
        "checks_done": "on",
        "feedback": "Pupils asked lots of questions",
    }
    assert client.post(reverse("provision:visit_create"), data).status_code == 302
    visit = ExternalVisit.objects.get()
    assert visit.recorded_by == pastoral_staff and visit.checks_done
    assert "Staying safe online" in client.get(reverse("provision:visit_list")).content.decode()
    assert as_user(teacher).get(reverse("provision:visit_list")).status_code == 403
    assert AuditEntry.objects.filter(action="provision.visit.saved").exists()


def test_the_group_pages_cost_the_same_for_more_pupils_and_sessions(
    as_user, pastoral_staff, school, django_assert_max_num_queries
):
    group = start(pastoral_staff, school, [PupilFactory(school=school)])
    client = as_user(pastoral_staff)
    pages = [reverse("provision:group_detail", args=[group.code]), reverse("provision:intervention_groups")]
    counts = []
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    for _ in range(5):
        services.member_add(actor=pastoral_staff, group=group, pupil=PupilFactory(school=school))
    statuses = dict.fromkeys(group.members.values_list("pupil_id", flat=True), "attended")
    for days in range(3):
        services.session_record(
            actor=pastoral_staff,
            group=group,
            held_on=TODAY - datetime.timedelta(days=days),
            note="",
            statuses=statuses,
        )
    start(pastoral_staff, school, [PupilFactory(school=school)], name="Social skills")
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


def test_staff_see_the_pupils_current_groups_beside_the_pupil(pastoral_staff, teacher, it_admin, school, pupil):
    running = start(pastoral_staff, school, [pupil])
    finished = start(pastoral_staff, school, [pupil], weeks_ago=20, name="Social skills")
    services.group_finish(actor=pastoral_staff, group=finished)

    card = {c.title: c for c in pupil_cards.cards_for(teacher, pupil)}["Intervention groups"]
    assert [row["group"] for row in card.context["rows"]] == [running]
    assert "Intervention groups" not in {c.title for c in pupil_cards.cards_for(it_admin, pupil)}
    assert [i for i in chronology.chronology_for(teacher, pupil) if i.area == "interventions"]
