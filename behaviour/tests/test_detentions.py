import datetime
import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from behaviour.detentions import selectors, services
from behaviour.detentions.chronology import detentions_for_chronology
from behaviour.detentions.models import Detention, DetentionNotice, DetentionPolicy, DetentionSession
from behaviour.incidents import services as incident_services
from behaviour.models import BehaviourEvent
from behaviour.tasks import flag_unmarked_detentions_task
from pastoral import presence, profile_summary, request_cache
from pastoral.celery import app as celery_app
from pastoral.exceptions import PastoralError
from pastoral.models import AcademicYear, AuditEntry, SchoolClosure, Term
from pastoral.tests.export_helpers import ask, export_pdf_text
from pastoral.tests.factories import FamilyContactFactory, PupilFactory

from .detention_helpers import at, days_ahead, make_detention, make_session, make_type
from .factories import BehaviourCategoryFactory, BehaviourEventFactory


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def after_school(school, teacher):
    return make_type(school, run_by=teacher)


@pytest.fixture
def lunch(school, teacher):
    return make_type(
        school, name="Lunch detention", kind="lunch", start_time=datetime.time(12, 30), duration_minutes=30
    )


def test_sessions_on_offer_respect_the_notice_rule_and_capacity(school, pupil, teacher, after_school, lunch):
    day = days_ahead(30)
    now = at(day, 10)
    today_after = make_session(after_school, day)
    today_lunch = make_session(lunch, day)
    tomorrow_after = make_session(after_school, day + datetime.timedelta(days=1))
    full = make_session(lunch, day + datetime.timedelta(days=2), capacity=1)
    make_detention(full, PupilFactory(school=school), teacher)
    offered = selectors.sessions_with_space(school, now=now)
    # Today's after-school needs 24 hours' notice: not offered at 10:00. Tomorrow's is (29 hours off).
    assert today_lunch in offered and tomorrow_after in offered
    assert today_after not in offered and full not in offered
    # A school that asks for 48 hours pushes tomorrow's off too.
    DetentionPolicy.objects.create(school=school, notice_hours=48)
    assert tomorrow_after not in selectors.sessions_with_space(school, now=now)


def test_set_detention_from_an_event_and_the_refusals(school, pupil, teacher, dsl, after_school, lunch):
    sensitive = BehaviourCategoryFactory(school=school, name="Self-harm", kind="negative", sensitive=True)
    unseen = BehaviourEventFactory(pupil=pupil, recorded_by=dsl, category=sensitive)
    with pytest.raises(PastoralError, match="cannot read this event"):
        services.set_detention(actor=teacher, pupil=pupil, session=make_session(lunch, days_ahead(6)), event=unseen)
    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    session = make_session(lunch, days_ahead(3), capacity=2)
    detention = services.set_detention(actor=teacher, pupil=pupil, session=session, event=event)
    assert detention.status == "set" and detention.event == event and detention.starts_at == session.starts_at
    assert AuditEntry.objects.filter(action="behaviour.detention.set", actor=teacher).exists()
    with pytest.raises(PastoralError, match="already set this session"):
        services.set_detention(actor=teacher, pupil=pupil, session=session, event=event)
    services.set_detention(actor=teacher, pupil=PupilFactory(school=school), session=session, reason="Late")
    with pytest.raises(PastoralError, match="full"):
        services.set_detention(actor=teacher, pupil=PupilFactory(school=school), session=session, reason="Late")
    with pytest.raises(PastoralError, match="reason"):
        services.set_detention(actor=teacher, pupil=pupil, session=make_session(lunch, days_ahead(4)), reason=" ")
    # The same day's after-school detention, set at 10:00: parents would not have 24 hours' notice.
    soon = make_session(after_school, days_ahead(10))
    with pytest.raises(PastoralError, match="24 hours' notice"):
        services.set_detention(actor=teacher, pupil=pupil, session=soon, reason="Late", now=at(soon.date, 10))
    key = uuid.uuid4()
    other = make_session(lunch, days_ahead(5))
    first = services.set_detention(actor=teacher, pupil=pupil, session=other, reason="Late", submission_key=key)
    assert services.set_detention(actor=teacher, pupil=pupil, session=other, reason="Late", submission_key=key) == first


def test_the_email_to_the_family_names_no_child_and_records_when_it_left(school, pupil, teacher, after_school, capture):
    DetentionPolicy.objects.create(school=school, email_notice=True)
    FamilyContactFactory(pupil=pupil, email="", priority=1)
    contact = FamilyContactFactory(pupil=pupil, email="parent@example.org", priority=2)
    session = make_session(after_school, days_ahead(4))
    with capture(execute=True):
        detention = services.set_detention(actor=teacher, pupil=pupil, session=session, reason="Late all week")
    (message,) = mail.outbox
    assert message.to == ["parent@example.org"] and "a detention has been set" in message.subject
    for name in (pupil.legal_first_name, pupil.legal_last_name, "Late all week"):
        assert name not in message.body and name not in message.subject
    assert "letter" in message.body and "contact the school" in message.body
    notice = DetentionNotice.objects.get(detention=detention)
    assert notice.method == "email" and notice.contact == contact and notice.sent_at is not None
    # The email is not the written notice: that is recorded by hand (the letter).
    assert not services.notice_given(detention, [notice])
    services.detention_notice_record(actor=teacher, detention=detention, method="letter", sent_at=timezone.now())
    assert services.notice_given(detention, list(detention.notices.all()))


def test_no_email_when_the_school_has_not_turned_it_on(school, pupil, teacher, after_school, capture):
    FamilyContactFactory(pupil=pupil, email="parent@example.org")
    with capture(execute=True):
        services.set_detention(
            actor=teacher, pupil=pupil, session=make_session(after_school, days_ahead(4)), reason="x"
        )
    assert not mail.outbox and not DetentionNotice.objects.exists()


def test_a_missed_detention_escalates_by_the_types_rule(
    school, pupil, teacher, pastoral_lead, pastoral_staff, after_school, lunch, capture
):
    defiance = BehaviourCategoryFactory(school=school, name="Missed detention", kind="negative", points=3)
    lunch.escalate_to = after_school
    lunch.escalate_category = defiance
    lunch.notify_pastoral_lead = True
    lunch.notify_setter = True
    lunch.run_by = teacher
    lunch.save()
    missed_session = make_session(lunch, timezone.localdate() - datetime.timedelta(days=1), run_by=teacher)
    taken = make_session(after_school, days_ahead(3))
    make_detention(taken, pupil, pastoral_staff)  # already set the first one: the next one is chosen
    later = make_session(after_school, days_ahead(4))
    detention = make_detention(missed_session, pupil, pastoral_staff)
    with capture(execute=True):
        services.detention_mark(actor=teacher, detention=detention, status="missed")
    detention.refresh_from_db()
    assert detention.status == "missed" and detention.marked_by == teacher
    escalated = Detention.objects.get(escalated_from=detention)
    assert escalated.session == later and escalated.status == "set" and escalated.notice_required
    event = BehaviourEvent.objects.get(pupil=pupil, category=defiance)
    assert detention.escalation_event == event and "Logged Missed detention" in detention.escalation_note
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pastoral_lead.email, pastoral_staff.email])
    assert all(pupil.legal_last_name not in m.body for m in mail.outbox)
    # Marking it missed again does not escalate twice; it cannot be changed to attended once escalated.
    services.detention_mark(actor=teacher, detention=detention, status="missed")
    assert Detention.objects.filter(escalated_from=detention).count() == 1
    with pytest.raises(PastoralError, match="already been escalated"):
        services.detention_mark(actor=teacher, detention=detention, status="attended")


def test_only_the_running_teacher_or_the_pastoral_team_mark(client, as_user, school, pupil, teacher, dsl, lunch):
    session = make_session(lunch, timezone.localdate() - datetime.timedelta(days=1))
    detention = make_detention(session, pupil, dsl)
    url = reverse("behaviour:detention_mark", args=[detention.code])
    as_user(teacher)
    assert client.post(url, {"status": "attended"}).status_code == 403
    DetentionSession.objects.filter(pk=session.pk).update(run_by=teacher)
    response = client.post(url, {"status": "attended", "back": "session"})
    assert response.status_code == 302 and response.url == reverse("behaviour:detention_session", args=[session.code])
    detention.refresh_from_db()
    assert detention.status == "attended"
    future = make_detention(make_session(lunch, days_ahead(2), run_by=teacher), pupil, dsl)
    client.post(reverse("behaviour:detention_mark", args=[future.code]), {"status": "missed"})
    future.refresh_from_db()
    assert future.status == "set"


def test_sessions_are_made_for_school_days_from_the_calendar(school, pastoral_staff, teacher, lunch):
    year = AcademicYear.objects.create(
        school=school, name="2030/31", start=datetime.date(2030, 9, 1), end=datetime.date(2031, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Autumn", start=datetime.date(2030, 9, 2), end=datetime.date(2030, 12, 20)
    )
    SchoolClosure.objects.create(
        school=school, start=datetime.date(2030, 9, 4), end=datetime.date(2030, 9, 4), kind="inset"
    )
    lunch.weekdays = "024"  # Monday, Wednesday, Friday
    lunch.save()
    made = services.sessions_generate(actor=pastoral_staff, detention_type=lunch, start=datetime.date(2030, 9, 2))
    # Ten school days from Mon 2 Sept (Wed 4th is an INSET day) run to Mon 16th.
    assert [s.date.day for s in made] == [2, 6, 9, 11, 13, 16]
    assert services.sessions_generate(actor=pastoral_staff, detention_type=lunch, start=datetime.date(2030, 9, 2)) == []
    with pytest.raises(PastoralError):
        services.sessions_generate(actor=teacher, detention_type=lunch, start=datetime.date(2030, 9, 2))


def test_setting_from_the_event_page(client, as_user, school, pupil, teacher, lunch, after_school):
    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    session = make_session(lunch, days_ahead(2))
    make_session(after_school, timezone.localdate() - datetime.timedelta(days=1))  # past: never offered
    make_session(after_school, timezone.localdate())  # today's: too soon for 24 hours' notice
    as_user(teacher)
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert services.suggest_url(event) in page and "Set a detention" in page
    url = services.suggest_url(event)
    page = client.get(url).content.decode()
    assert "Lunch detention" in page and "After-school detention" not in page
    response = client.post(url, {"session": session.pk, "reason": "", "submission_key": str(uuid.uuid4())})
    detention = Detention.objects.get()
    assert response.status_code == 302 and detention.event == event and detention.reason == ""
    page = client.get(reverse("behaviour:event_detail", args=[event.code])).content.decode()
    assert reverse("behaviour:detention_detail", args=[detention.code]) in page


def test_without_an_event_the_reason_is_required_and_kept(client, as_user, school, pupil, teacher, lunch):
    session = make_session(lunch, days_ahead(2))
    as_user(teacher)
    url = reverse("behaviour:detention_create")
    response = client.post(url, {"pupil": pupil.code, "session": session.pk, "submission_key": str(uuid.uuid4())})
    assert response.status_code == 200 and "Give the reason" in response.content.decode()
    assert not Detention.objects.exists()
    client.post(
        url, {"pupil": pupil.code, "session": session.pk, "reason": "Homework", "submission_key": str(uuid.uuid4())}
    )
    assert Detention.objects.get().reason == "Homework"


def test_the_day_list_and_session_page_mark_with_large_buttons(
    client, as_user, school, teacher, pastoral_staff, lunch, django_assert_max_num_queries
):
    day = timezone.localdate() - datetime.timedelta(days=1)
    session = make_session(lunch, day)
    for _ in range(6):
        make_detention(session, PupilFactory(school=school), teacher, event=BehaviourEventFactory(recorded_by=teacher))
    as_user(pastoral_staff)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("behaviour:detention_day") + f"?day={day.isoformat()}").content.decode()
    assert page.count('value="missed"') == 6 and "touch-target" in page and "6 of 10" in page
    with django_assert_max_num_queries(14):
        page = client.get(reverse("behaviour:detention_session", args=[session.code])).content.decode()
    assert page.count('value="attended"') == 6
    assert client.get(reverse("behaviour:detention_day") + "?day=nonsense").status_code == 404


def test_lists_page_by_keyset_with_pinned_queries(
    client, as_user, school, pupil, teacher, lunch, django_assert_max_num_queries
):
    for n in range(55):
        session = make_session(lunch, days_ahead(n + 1))
        make_detention(session, pupil, teacher)
    as_user(teacher)
    url = reverse("behaviour:detention_sessions")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    first = page.context["page"]
    assert len(first) == len(first.object_list) and first.has_next and first.object_list[0].date == days_ahead(1)
    second = client.get(f"{url}?{first.next_query}").context["page"]
    assert second.object_list[0].date > first.object_list[-1].date
    url = reverse("behaviour:detention_pupil_list", args=[pupil.code])
    with django_assert_max_num_queries(12):
        page = client.get(url).context["page"]
    assert page.has_next and page.object_list[0].starts_at > page.object_list[-1].starts_at


def test_reschedule_and_void(client, as_user, school, pupil, teacher, pastoral_staff, lunch):
    first = make_session(lunch, days_ahead(2))
    second = make_session(lunch, days_ahead(3))
    detention = make_detention(first, pupil, teacher)
    moved = services.detention_reschedule(actor=teacher, detention=detention, session=second, reason="Music exam")
    detention.refresh_from_db()
    assert detention.status == "rescheduled" and moved.rescheduled_from == detention and moved.session == second
    # The old session's place is free again.
    assert selectors.with_taken(DetentionSession.objects.filter(pk=first.pk)).get().taken == 0
    with pytest.raises(PastoralError):
        services.detention_void(actor=teacher, detention=moved, reason="Wrong pupil")
    services.detention_void(actor=pastoral_staff, detention=moved, reason="Wrong pupil")
    as_user(teacher)
    assert client.get(reverse("behaviour:detention_detail", args=[moved.code])).status_code == 403


def test_pdfs_the_days_list_and_the_letter(
    client, as_user, school, pupil, teacher, pastoral_staff, after_school, capture
):
    session = make_session(after_school, days_ahead(3))
    detention = make_detention(session, pupil, teacher, reason="Lateness three times this week")
    as_user(pastoral_staff)
    text = export_pdf_text(client, capture, pastoral_staff, "behaviour.detention_day_pdf", day=session.date.isoformat())
    assert pupil.display_name in text and "After-school detention" in text and "Library" in text
    text = export_pdf_text(client, capture, pastoral_staff, "behaviour.detention_letter_pdf", detention=detention.code)
    assert pupil.legal_name in text and "Lateness three times this week" in text and "24 hours" in text
    assert AuditEntry.objects.filter(action="behaviour.detention.letter_exported").exists()


def test_the_letter_is_refused_to_other_schools(
    client, as_user, school, pupil, teacher, other_school_dsl, lunch, capture
):
    detention = make_detention(make_session(lunch, days_ahead(3)), pupil, teacher)
    as_user(other_school_dsl)
    assert ask(client, capture, "behaviour.detention_letter_pdf", detention=detention.code).status_code == 404


def test_chronology_and_profile_summary(school, pupil, teacher, after_school):
    detention = make_detention(make_session(after_school, days_ahead(3)), pupil, teacher)
    services.detention_notice_record(actor=teacher, detention=detention, method="letter", sent_at=timezone.now())
    titles = [item.title for item in detentions_for_chronology(teacher, pupil, 50)]
    assert any(t.startswith("Detention set: After-school detention") for t in titles)
    assert any(t.startswith("Detention notice to parents: letter, sent") for t in titles)
    summary = profile_summary.figures_for(teacher, pupil)
    assert [(f.label, f.value) for f in summary.actions if "detention" in f.label] == [("open detentions", 1)]


def test_notices_are_read_only_when_the_pupil_has_one(school, pupil, teacher, after_school):
    """Notices have no pupil column: the presence check finds them through their detention."""
    detention = make_detention(make_session(after_school, days_ahead(3)), pupil, teacher)
    token = request_cache.begin()
    try:
        with CaptureQueriesContext(connection) as queries:
            titles = [item.title for item in detentions_for_chronology(teacher, pupil, 50)]
        assert titles and not any(t.startswith("Detention notice") for t in titles)
        read = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SELECT EXISTS")]
        assert read and not [sql for sql in read if 'FROM "behaviour_detentionnotice"' in sql]
        services.detention_notice_record(actor=teacher, detention=detention, method="letter", sent_at=timezone.now())
        titles = [item.title for item in detentions_for_chronology(teacher, pupil, 50)]
        assert any(t.startswith("Detention notice to parents: letter, sent") for t in titles)
    finally:
        request_cache.end(token)
    other = PupilFactory(school=school)
    make_detention(make_session(after_school, days_ahead(4)), other, teacher)
    assert presence.has(pupil, DetentionNotice, "detention__pupil")
    assert not presence.has(other, DetentionNotice, "detention__pupil")


def test_unmarked_sessions_are_flagged_once_to_whoever_ran_them(school, pupil, teacher, lunch, capture):
    session = make_session(lunch, timezone.localdate() - datetime.timedelta(days=1), run_by=teacher)
    make_detention(session, pupil, teacher)
    marked = make_session(lunch, timezone.localdate() - datetime.timedelta(days=2), run_by=teacher)
    make_detention(marked, pupil, teacher, status="attended")
    with capture(execute=True):
        assert flag_unmarked_detentions_task.delay().get() == 1
    (message,) = mail.outbox
    assert message.to == [teacher.email] and "1 pupil not marked" in message.body
    assert pupil.legal_last_name not in message.body
    with capture(execute=True):
        assert flag_unmarked_detentions_task.delay().get() == 0
    assert (
        celery_app.conf.beat_schedule["detentions-unmarked"]["task"] == "behaviour.tasks.flag_unmarked_detentions_task"
    )


def test_types_are_kept_by_the_pastoral_team(client, as_user, school, teacher, pastoral_staff):
    url = reverse("behaviour:detention_type_create")
    as_user(teacher)
    assert client.get(url).status_code == 403
    as_user(pastoral_staff)
    response = client.post(
        url,
        {
            "name": "Friday detention",
            "kind": "after_school",
            "start_time": "15:20",
            "duration_minutes": "60",
            "capacity": "20",
            "location": "Hall",
            "notice_required": "on",
            "weekdays": ["4"],
            "notify_setter": "on",
            "active": "on",
        },
    )
    assert response.status_code == 302
    made = school.detention_types.get()
    assert made.weekdays == "4" and made.notice_required
    response = client.post(reverse("behaviour:detention_types"), {"notice_hours": "48", "email_notice": "on"})
    assert response.status_code == 302 and DetentionPolicy.objects.get(school=school).notice_hours == 48


def test_a_sensitive_events_category_is_not_shown_to_staff_who_cannot_read_it(
    client, as_user, school, pupil, teacher, dsl, lunch
):
    sensitive = BehaviourCategoryFactory(school=school, name="Sexualised behaviour", kind="negative", sensitive=True)
    event = BehaviourEventFactory(pupil=pupil, category=sensitive, recorded_by=dsl)
    detention = make_detention(make_session(lunch, timezone.localdate()), pupil, dsl, event=event, reason="")
    as_user(teacher)
    for url in (
        reverse("behaviour:detention_detail", args=[detention.code]),
        reverse("behaviour:detention_pupil_list", args=[pupil.code]),
        reverse("behaviour:detention_day"),
    ):
        page = client.get(url).content.decode()
        assert "Sexualised" not in page, url
    assert "A behaviour event" in page
    as_user(dsl)
    assert "Sexualised behaviour" in client.get(reverse("behaviour:detention_day")).content.decode()


def test_the_detention_page_records_notice_moves_and_voids(
    client, as_user, school, pupil, teacher, pastoral_staff, after_school, lunch
):
    detention = make_detention(make_session(after_school, days_ahead(3)), pupil, teacher)
    other = make_session(lunch, days_ahead(4))
    as_user(teacher)
    url = reverse("behaviour:detention_detail", args=[detention.code])
    page = client.get(url).content.decode()
    assert "Written notice not yet recorded in time" in page and 'value="behaviour.detention_letter_pdf"' in page
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("behaviour:detention_notice", args=[detention.code]), {"method": "letter", "sent_at": future}
    )
    assert response.status_code == 400 and "cannot be in the future" in response.content.decode()
    sent = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("behaviour:detention_notice", args=[detention.code]), {"method": "letter", "sent_at": sent})
    assert "Written notice given in time" in client.get(url).content.decode()
    response = client.post(
        reverse("behaviour:detention_reschedule", args=[detention.code]), {"session": other.pk, "reason": "Exam"}
    )
    moved = Detention.objects.get(rescheduled_from=detention)
    assert response.url == reverse("behaviour:detention_detail", args=[moved.code]) and moved.session == other
    assert client.post(reverse("behaviour:detention_void", args=[moved.code]), {"reason": "Wrong"}).status_code == 403
    as_user(pastoral_staff)
    client.post(reverse("behaviour:detention_void", args=[moved.code]), {"reason": "Wrong pupil"})
    moved.refresh_from_db()
    assert moved.voided_at and moved.void_reason == "Wrong pupil"


def test_sessions_are_made_and_changed_from_their_pages(client, as_user, school, pupil, teacher, pastoral_staff, lunch):
    as_user(pastoral_staff)
    start = days_ahead(7)
    client.post(reverse("behaviour:detention_type_sessions", args=[lunch.code]), {"start": start.isoformat()})
    sessions = list(DetentionSession.objects.filter(type=lunch))
    assert len(sessions) == 10 and all(s.date >= start and s.date.weekday() < 5 for s in sessions)
    session = sessions[0]
    make_detention(session, pupil, teacher)
    make_detention(session, PupilFactory(school=school), teacher)
    edit = reverse("behaviour:detention_session_edit", args=[session.code])
    client.post(edit, {"run_by": teacher.pk, "location": "Room 7", "capacity": "1"})
    session.refresh_from_db()
    assert session.capacity == 10  # two pupils are already set
    client.post(edit, {"run_by": teacher.pk, "location": "Room 7", "capacity": "2"})
    session.refresh_from_db()
    assert (session.capacity, session.location, session.run_by) == (2, "Room 7", teacher)


def test_the_incident_page_offers_a_detention_for_each_pupils_event(client, as_user, school, pupil, teacher):
    event = BehaviourEventFactory(pupil=pupil, recorded_by=teacher)
    incident = incident_services.incident_record(
        actor=teacher,
        event=event,
        submission_key=uuid.uuid4(),
        antecedent="Before",
        behaviour="During",
        dysregulated="no",
    )
    as_user(teacher)
    page = client.get(reverse("behaviour:incident_detail", args=[incident.code])).content.decode()
    assert services.suggest_url(event) in page
    assert f'Set a detention<span class="visually-hidden"> for {pupil.display_name}' in page
