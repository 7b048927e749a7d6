"""Keywork: assignments kept in step with the pupil record, the caseload, sessions with actions, visibility,
the safeguarding-worry hand-over, the card, chronology and dashboard panel."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral import chronology, pupil_cards
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.tests.factories import PupilFactory
from provision.keywork import selectors, services
from provision.keywork.models import KeyworkAction, KeyworkAssignment, KeyworkSession
from provision.plans.kinds import Kind
from provision.plans.selectors import plans_visible_to
from provision.tests.factories import make_active

TODAY = timezone.localdate()


def assign(lead, pupil, keyworker, days_ago=30, frequency=7):
    return services.assignment_create(
        actor=lead,
        pupil=pupil,
        keyworker=keyworker,
        starts_on=TODAY - datetime.timedelta(days=days_ago),
        frequency_days=frequency,
    )


def log(author, pupil, days_ago=0, **extra):
    values = {"held_on": TODAY - datetime.timedelta(days=days_ago), "minutes": 15, "kind": "check_in", **extra}
    return services.session_log(actor=author, pupil=pupil, **values)


def test_it_assigns_keyworkers_and_keeps_the_pupil_record_in_step(pastoral_lead, pastoral_staff, senco, pupil):
    first = assign(pastoral_lead, pupil, pastoral_staff, days_ago=40)
    assign(pastoral_lead, pupil, senco, days_ago=10)

    pupil.refresh_from_db()
    assert pupil.keyworker == pastoral_staff
    assert AuditEntry.objects.filter(action="provision.keywork.assigned", pupil=pupil).count() == 2

    services.assignment_end(actor=pastoral_lead, assignment=first)

    pupil.refresh_from_db()
    assert pupil.keyworker == senco
    first.refresh_from_db()
    assert first.ends_on == TODAY and first.ended_by == pastoral_lead


def test_it_refuses_a_second_open_assignment_and_a_keyworker_outside_the_team(
    pastoral_lead, pastoral_staff, teacher, pupil
):
    assign(pastoral_lead, pupil, pastoral_staff)
    with pytest.raises(PastoralError, match="already keyworks"):
        assign(pastoral_lead, pupil, pastoral_staff)
    with pytest.raises(PastoralError, match="pastoral team"):
        assign(pastoral_lead, pupil, teacher)


def test_keywork_cannot_start_in_the_future(pastoral_lead, pastoral_staff, pupil):
    with pytest.raises(PastoralError, match="today or on an earlier day"):
        assign(pastoral_lead, pupil, pastoral_staff, days_ago=-3)


def test_pastoral_staff_may_not_assign(pastoral_staff, pupil):
    with pytest.raises(PastoralError):
        assign(pastoral_staff, pupil, pastoral_staff)


def test_it_logs_a_session_with_actions(pastoral_lead, pastoral_staff, teacher, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(
        pastoral_staff,
        pupil,
        mood=2,
        zone="blue",
        discussion="Worried about home",
        actions=[{"text": "Speak to form tutor", "owner": teacher, "due_on": TODAY + datetime.timedelta(days=3)}],
    )

    session.refresh_from_db()
    assert (session.mood, session.zone, session.author) == (2, "blue", pastoral_staff)
    assert list(session.actions.values_list("text", "owner")) == [("Speak to form tutor", teacher.pk)]
    assert AuditEntry.objects.filter(action="provision.keywork_session.logged", object_id=str(session.pk)).exists()


def test_only_the_pupils_keyworkers_and_leads_log_or_read_notes(
    pastoral_lead, pastoral_staff, senco, dsl, teacher, headteacher, pupil, school
):
    other = PupilFactory(school=school)
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil)
    with pytest.raises(PastoralError):
        log(pastoral_staff, other)
    with pytest.raises(PastoralError):
        log(teacher, pupil)
    for reader in (pastoral_staff, pastoral_lead, senco, dsl):
        assert selectors.sessions_visible_to(reader).filter(pk=session.pk).exists()
    for outsider in (teacher, headteacher):
        assert not selectors.sessions_visible_to(outsider).exists()
    # Once their keywork ends, the keyworker no longer reads the notes.
    services.assignment_end(actor=pastoral_lead, assignment=KeyworkAssignment.objects.get(pupil=pupil))
    assert not selectors.sessions_visible_to(pastoral_staff).exists()


def test_a_future_session_is_refused(pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    with pytest.raises(PastoralError):
        log(pastoral_staff, pupil, days_ago=-1)


def test_the_caseload_flags_pupils_not_seen_for_longer_than_agreed(
    pastoral_lead, pastoral_staff, school, django_assert_max_num_queries
):
    seen = PupilFactory(school=school, legal_last_name="Seen")
    unseen = PupilFactory(school=school, legal_last_name="Unseen")
    never = PupilFactory(school=school, legal_last_name="Never")
    for p in (seen, unseen, never):
        assign(pastoral_lead, p, pastoral_staff, days_ago=30, frequency=7)
    log(pastoral_staff, seen, days_ago=3, mood=4, next_on=TODAY + datetime.timedelta(days=4))
    log(pastoral_staff, unseen, days_ago=12, mood=1, zone="red")
    KeyworkAction.objects.create(
        session=KeyworkSession.objects.get(pupil=unseen),
        pupil=unseen,
        text="Call home",
        owner=pastoral_staff,
        due_on=TODAY,
    )
    make_active(pastoral_lead, unseen, Kind.BSP, review_in_days=5)

    plans = plans_visible_to(pastoral_staff)
    with django_assert_max_num_queries(4):
        rows = selectors.caseload(pastoral_staff, pastoral_staff, school, plans=plans)
    by_name = {row.pupil.legal_last_name: row for row in rows}
    assert [row.overdue for row in rows[:2]] == [True, True]
    assert not by_name["Seen"].overdue
    assert by_name["Seen"].next_session == TODAY + datetime.timedelta(days=4)
    assert by_name["Seen"].latest_mood == 4
    assert by_name["Unseen"].overdue and by_name["Unseen"].open_actions == 1 and by_name["Unseen"].plans_due == 1
    assert by_name["Unseen"].latest_zone == "red"
    assert by_name["Never"].overdue and by_name["Never"].last_session is None


def test_the_caseload_page_costs_the_same_for_more_pupils(
    as_user, pastoral_lead, pastoral_staff, school, django_assert_max_num_queries
):
    for _ in range(3):
        p = PupilFactory(school=school)
        assign(pastoral_lead, p, pastoral_staff)
        log(pastoral_staff, p, days_ago=2, mood=3)
    client = as_user(pastoral_staff)
    client.get(reverse("provision:caseload"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("provision:caseload"))
    for _ in range(6):
        p = PupilFactory(school=school)
        assign(pastoral_lead, p, pastoral_staff)
        log(pastoral_staff, p, days_ago=20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("provision:caseload"))
    assert response.status_code == 200
    assert response.content.decode().count("Not seen for longer than agreed") == 6


def test_a_lead_sees_another_keyworkers_caseload(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    response = as_user(pastoral_lead).get(reverse("provision:caseload"), {"keyworker": str(pastoral_staff.code)})
    assert response.status_code == 200
    assert pupil.display_name in response.content.decode()


def test_the_log_page_saves_a_check_in_with_an_action(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    data = {
        "held_on": TODAY.isoformat(),
        "minutes": "10",
        "kind": "check_in",
        "mood": "4",
        "zone": "green",
        "discussion": "Good morning",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Bring the worry box",
        "actions-0-owner": str(pastoral_staff.pk),
        "actions-0-due_on": TODAY.isoformat(),
        "actions-1-owner": str(pastoral_staff.pk),
    }
    response = as_user(pastoral_staff).post(reverse("provision:keywork_log", args=[pupil.code]), data)

    session = KeyworkSession.objects.get(pupil=pupil)
    assert response.status_code == 302 and response.url == reverse("provision:keywork_session", args=[session.code])
    assert session.mood == 4 and session.actions.get().text == "Bring the worry box"


def test_the_log_page_keeps_what_was_typed_and_explains_a_missing_owner(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    data = {
        "held_on": TODAY.isoformat(),
        "minutes": "10",
        "kind": "planned",
        "discussion": "Talked about friendships",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-text": "Buddy at lunch",
    }
    response = as_user(pastoral_staff).post(reverse("provision:keywork_log", args=[pupil.code]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Say who does it." in body and "Talked about friendships" in body
    assert not KeyworkSession.objects.exists()


def test_the_worry_button_fills_in_the_pupil_and_copies_nothing_unless_asked(
    as_user, pastoral_lead, pastoral_staff, pupil
):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil, discussion="Said dad hit him")
    client = as_user(pastoral_staff)
    url = reverse("provision:keywork_concern", args=[session.code])

    plain = client.post(url, {})
    query = parse_qs(urlparse(plain.url).query)
    assert urlparse(plain.url).path == reverse("safeguarding:concern_create")
    assert query == {"pupil": [str(pupil.code)]}

    copied = parse_qs(urlparse(client.post(url, {"copy": "on"}).url).query)
    assert "Said dad hit him" in copied["account"][0]
    # The form opens with the pupil chosen.
    assert pupil.display_name in client.get(plain.url).content.decode()


def test_other_staff_see_only_who_the_keyworker_is(as_user, pastoral_lead, pastoral_staff, teacher, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil, discussion="Private words")

    card = {c.title: c for c in pupil_cards.cards_for(teacher, pupil)}["Keyworker"]
    assert [a.keyworker for a in card.context["assignments"]] == [pastoral_staff]
    assert card.context["url"] == ""
    client = as_user(teacher)
    assert client.get(reverse("provision:keywork_session", args=[session.code])).status_code == 403
    assert client.get(reverse("provision:keywork_pupil", args=[pupil.code])).status_code == 403
    assert AuditEntry.objects.filter(action="provision.keywork_session.refused").exists()
    assert not [i for i in chronology.chronology_for(teacher, pupil) if i.area == "keywork"]
    assert [i for i in chronology.chronology_for(pastoral_staff, pupil) if i.area == "keywork"]


def test_other_schools_get_404(as_user, pastoral_lead, pastoral_staff, other_school_dsl, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil)
    client = as_user(other_school_dsl)
    assert client.get(reverse("provision:keywork_session", args=[session.code])).status_code == 404
    assert client.get(reverse("provision:keywork_pupil", args=[pupil.code])).status_code == 404


def test_reading_a_session_is_audited(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil)
    assert as_user(pastoral_lead).get(reverse("provision:keywork_session", args=[session.code])).status_code == 200
    assert AuditEntry.objects.filter(action="provision.keywork_session.viewed", actor=pastoral_lead).exists()


def test_an_action_is_marked_done(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff)
    session = log(pastoral_staff, pupil, actions=[{"text": "Call mum", "owner": pastoral_staff, "due_on": TODAY}])
    action = session.actions.get()
    response = as_user(pastoral_staff).post(reverse("provision:keywork_action_done", args=[action.code]))
    action.refresh_from_db()
    assert response.status_code == 302 and action.done_by == pastoral_staff


def test_the_dashboard_panel_lists_overdue_contacts(as_user, pastoral_lead, pastoral_staff, pupil):
    assign(pastoral_lead, pupil, pastoral_staff, days_ago=30)
    body = as_user(pastoral_staff).get(reverse("pastoral:home")).content.decode()
    assert "My keywork caseload" in body and "Overdue since" in body


def test_the_pupil_form_no_longer_sets_the_keyworker(as_user, pastoral_lead, pastoral_staff, pupil):
    response = as_user(pastoral_lead).get(reverse("pastoral:pupil_edit", args=[pupil.code]))
    assert "Set by assigning a keyworker" in response.content.decode()


def test_the_pupil_page_and_sessions_list_cost_the_same_for_more_sessions(
    as_user, pastoral_lead, pastoral_staff, pupil, django_assert_max_num_queries
):
    assign(pastoral_lead, pupil, pastoral_staff)
    owner = {"owner": pastoral_staff, "due_on": TODAY}
    log(pastoral_staff, pupil, actions=[{"text": "One", **owner}])
    client = as_user(pastoral_lead)
    pages = [reverse("provision:keywork_pupil", args=[pupil.code]), reverse("provision:keywork_sessions")]
    counts = []
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    for days in range(1, 8):
        log(pastoral_staff, pupil, days_ago=days, actions=[{"text": f"Action {days}", **owner}])
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
