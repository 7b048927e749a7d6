"""Behaviour rules: firing from the quick log through the outbox, once per pupil per window, the actions a hit takes
(staff told, a task, a letter home, a detention suggested), the trial against last term, the pages and who sees
them, and the rising panel reading its figures from the school's rule."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.analytics.selectors import rising_definition, rising_pupils
from behaviour.events.services import event_record_many
from behaviour.models import (
    BehaviourRule,
    BehaviourRuleHit,
    BehaviourRuleLetter,
    BehaviourRuleRecipient,
    BehaviourRuleTask,
    LetterTemplate,
)
from behaviour.rules import services, trial
from pastoral import outbox
from pastoral.chronology import chronology_for
from pastoral.models import AcademicYear, AuditEntry, OutboxMessage, Term
from pastoral.tests.export_helpers import export_pdf_text
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory

LETTER_BODY = "Dear parent or carer,\n\n{{ pupil_name }} was late {{ event_count }} times:\n\n{{ events }}"


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


@pytest.fixture
def late(school):
    return BehaviourCategoryFactory(school=school, name="Lateness to lesson", kind="negative", points=1)


@pytest.fixture
def template(school):
    return LetterTemplate.objects.create(
        school=school, name="Lateness", subject="{{ pupil_name }}: lateness", body=LETTER_BODY
    )


@pytest.fixture
def lates_rule(school, late, template, pastoral_lead, headteacher):
    rule = BehaviourRule.objects.create(
        school=school,
        name="Three lates in a week",
        active=True,
        trigger=BehaviourRule.Trigger.COUNT,
        threshold=3,
        period_days=7,
        notify_keyworker=True,
        notify_pastoral_leads=True,
        task_owner=headteacher,
        task_text="Call home",
        task_due_days=2,
        letter_template=template,
        suggest_detention=True,
    )
    rule.categories.set([late])
    return rule


def log(actor, school, pupils, category, when=None):
    return event_record_many(
        actor=actor,
        school=school,
        pupils=pupils,
        category=category,
        occurred_at=when or timezone.now(),
        description="Arrived ten minutes after the bell",
        submission_key=uuid.uuid4(),
    )


def deliver_all():
    results = []
    for message in OutboxMessage.objects.filter(done_at__isnull=True, task_name=services.EVALUATE_TASK):
        results.append(outbox.deliver(message.pk))
    return results


def test_a_rule_fires_once_the_threshold_is_reached_and_does_what_it_says(
    teacher, pastoral_lead, headteacher, school, pupil, late, lates_rule
):
    pupil.keyworker = teacher
    pupil.save()
    now = timezone.now()
    for hours in (50, 25):
        log(teacher, school, [pupil], late, now - datetime.timedelta(hours=hours))
    assert deliver_all() == [0, 0]
    log(teacher, school, [pupil], late, now)
    assert deliver_all() == [1]
    hit = BehaviourRuleHit.objects.get()
    assert hit.pupil == pupil and hit.rule == lates_rule and hit.events.count() == 3
    assert hit.summary == "3 events within 7 days" and hit.detention_suggested
    assert set(hit.notified.all()) == {teacher, pastoral_lead}
    task = BehaviourRuleTask.objects.get(hit=hit)
    assert task.owner == headteacher and task.due_on == timezone.localdate() + datetime.timedelta(days=2)
    letter = BehaviourRuleLetter.objects.get(hit=hit)
    assert letter.subject == f"{pupil.display_name}: lateness" and letter.sent_at is None
    assert "was late 3 times" in letter.body and letter.body.count("Lateness to lesson") == 3
    assert AuditEntry.objects.filter(action="behaviour.rule.fired", pupil=pupil).count() == 1
    # A fourth late in the same week, or the same events checked again, makes nothing new.
    log(teacher, school, [pupil], late, now)
    deliver_all()
    services.rules_evaluate(event_ids=list(hit.events.values_list("pk", flat=True)))
    assert BehaviourRuleHit.objects.count() == 1


def test_nothing_is_queued_when_the_school_has_no_rule_switched_on(teacher, school, pupil, late, lates_rule):
    lates_rule.active = False
    lates_rule.save()
    log(teacher, school, [pupil], late)
    assert not OutboxMessage.objects.filter(task_name=services.EVALUATE_TASK).exists()


def test_other_categories_and_voided_events_do_not_count(teacher, school, pupil, late, lates_rule):
    other = BehaviourCategoryFactory(school=school, name="Disruption")
    BehaviourEventFactory(pupil=pupil, category=other, recorded_by=teacher)
    BehaviourEventFactory(pupil=pupil, category=late, recorded_by=teacher, voided_at=timezone.now())
    BehaviourEventFactory(pupil=pupil, category=late, recorded_by=teacher)
    log(teacher, school, [pupil], late)
    deliver_all()
    assert not BehaviourRuleHit.objects.exists()


def test_a_points_rule_and_a_first_event_rule(teacher, school, pupil, late):
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", points=5)
    points = BehaviourRule.objects.create(
        school=school, name="Minus 8", active=True, trigger="points", threshold=-8, period_days=14
    )
    first = BehaviourRule.objects.create(
        school=school, name="First fight", active=True, trigger="first", period_days=365
    )
    first.categories.set([fighting])
    log(teacher, school, [pupil], fighting, timezone.now() - datetime.timedelta(days=1))
    deliver_all()
    assert list(BehaviourRuleHit.objects.values_list("rule__name", flat=True)) == ["First fight"]
    log(teacher, school, [pupil], fighting)
    deliver_all()
    hits = dict(BehaviourRuleHit.objects.values_list("rule__name", "summary"))
    assert hits == {
        "First fight": "First event of these categories within 365 days",
        "Minus 8": "-10 points within 14 days",
    }
    assert points.hits.get().events.count() == 2


def test_the_quick_log_for_many_pupils_checks_them_in_one_task_with_few_queries(
    teacher, school, late, lates_rule, django_assert_max_num_queries
):
    pupils = [PupilFactory(school=school) for _ in range(12)]
    for hours in (30, 20):
        for pupil in pupils:
            BehaviourEventFactory(
                pupil=pupil,
                category=late,
                recorded_by=teacher,
                occurred_at=timezone.now() - datetime.timedelta(hours=hours),
            )
    events = log(teacher, school, pupils[:2], late)
    with django_assert_max_num_queries(60):
        assert len(services.rules_evaluate(event_ids=[e.pk for e in events])) == 2
    events = log(teacher, school, pupils[2:], late)
    # Ten pupils: the checks are one aggregate each; the hits' writes are a fixed number each.
    with django_assert_max_num_queries(300) as queries:
        assert len(services.rules_evaluate(event_ids=[e.pk for e in events])) == 10
    assert len(queries.captured_queries) <= 10 * 25


@pytest.fixture
def last_term(school):
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        school=school,
        name="Trial",
        start=today - datetime.timedelta(days=200),
        end=today + datetime.timedelta(days=100),
    )
    return Term.objects.create(
        academic_year=year,
        name="Summer",
        start=today - datetime.timedelta(days=150),
        end=today - datetime.timedelta(days=60),
    )


def test_the_trial_counts_what_the_rule_would_have_done_last_term(school, late, lates_rule, last_term, headteacher):
    def at(day, hour=10):
        moment = datetime.datetime.combine(last_term.start + datetime.timedelta(days=day), datetime.time(hour))
        return timezone.make_aware(moment)

    # A Monday-based week of the term: the first pupil reaches three lates twice in one week and once the next;
    # the second pupil's lates are too spread out; the third's fall in a block of its own.
    first, second, third = (PupilFactory(school=school) for _ in range(3))
    start = last_term.start
    monday = 7 - start.weekday() if start.weekday() else 0
    for day in (0, 1, 2, 3):
        BehaviourEventFactory(pupil=first, category=late, occurred_at=at(monday + day))
    for day in (7, 8, 9):
        BehaviourEventFactory(pupil=first, category=late, occurred_at=at(monday + day))
    for day in (0, 10, 20):
        BehaviourEventFactory(pupil=second, category=late, occurred_at=at(monday + day))
    for day in (14, 14, 15):
        BehaviourEventFactory(pupil=third, category=late, occurred_at=at(monday + day))
    BehaviourEventFactory(pupil=third, category=late, occurred_at=at(monday + 16), voided_at=timezone.now())
    assert trial.trial_period(school) == (last_term.start, last_term.end)
    rule = services.rule_trial(actor=headteacher, rule=lates_rule)
    assert (rule.trial_hits, rule.trial_pupils) == (3, 2)
    assert AuditEntry.objects.filter(action="behaviour.rule.tried", actor=headteacher).exists()


def test_the_trial_of_a_points_and_a_rising_rule(school, last_term):
    bad = BehaviourCategoryFactory(school=school, name="Defiance", points=3)
    good = BehaviourCategoryFactory(school=school, name="Effort", kind="positive", points=1)
    pupil = PupilFactory(school=school)
    day = last_term.start + datetime.timedelta(days=20)
    for hour in (9, 10, 12, 13):
        BehaviourEventFactory(pupil=pupil, category=bad, occurred_at=_at(day, hour))
    BehaviourEventFactory(pupil=pupil, category=good, occurred_at=_at(day, 11))
    points = BehaviourRule.objects.create(school=school, name="p", trigger="points", threshold=-9, period_days=14)
    assert trial.trial(points, last_term.start, last_term.end) == (1, 1)
    points.threshold = -12  # -11 at most
    assert trial.trial(points, last_term.start, last_term.end) == (0, 0)
    # The rising rule: three negative events with nothing in the twelve weeks before.
    rising = services.rules_seed_default(school=school)
    assert trial.trial(rising, last_term.start, last_term.end) == (1, 1)
    rising.threshold = 5
    assert trial.trial(rising, last_term.start, last_term.end) == (0, 0)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_the_rising_panel_reads_its_figures_from_the_schools_rule(dsl, school, pupil, disruption):
    for days in (1, 2, 3):
        BehaviourEventFactory(
            pupil=pupil, category=disruption, occurred_at=timezone.now() - datetime.timedelta(days=days)
        )
    assert rising_definition(school).min_recent == 3  # no rule yet: the original definition
    assert len(rising_pupils(dsl, school)) == 1
    rule = services.rules_seed_default(school=school)
    assert rule.trigger == "rising" and (rule.threshold, rule.period_days, rule.baseline_weeks, rule.factor) == (
        3,
        14,
        12,
        2,
    )
    assert len(rising_pupils(dsl, school)) == 1
    rule.threshold = 4
    rule.save()
    assert rising_pupils(dsl, school) == []
    assert "At least 4 negative events in the last 14 days" in rising_definition(school).text


# --- pages --------------------------------------------------------------------------------------------------------


def _rule_form(late, **extra):
    return {
        "name": "Three lates",
        "trigger": "count",
        "categories": [late.pk],
        "threshold": "3",
        "period_days": "7",
        "baseline_weeks": "12",
        "factor": "2",
        "task_due_days": "3",
        **extra,
    }


def test_the_head_adds_a_rule_that_starts_off_tries_it_and_switches_it_on(
    client, as_user, headteacher, school, late, last_term
):
    as_user(headteacher)
    response = client.post(reverse("behaviour:rule_create"), _rule_form(late, notify_pastoral_leads="on"))
    rule = BehaviourRule.objects.get(name="Three lates")
    assert response.status_code == 302 and not rule.active and list(rule.categories.all()) == [late]
    pupil = PupilFactory(school=school)
    when = timezone.make_aware(
        datetime.datetime.combine(last_term.start + datetime.timedelta(days=3), datetime.time(9))
    )
    for _ in range(3):
        BehaviourEventFactory(pupil=pupil, category=late, occurred_at=when)
    client.post(reverse("behaviour:rule_trial", args=[rule.code]))
    page = client.get(reverse("behaviour:rule_detail", args=[rule.code])).content.decode()
    assert "This rule would have fired <strong>1</strong> time, for 1 pupil" in page
    client.post(reverse("behaviour:rule_switch", args=[rule.code]), {"active": "on"})
    rule.refresh_from_db()
    assert rule.active
    assert AuditEntry.objects.filter(action="behaviour.rule.switched", actor=headteacher).exists()
    # Changing the rule clears its trial, which no longer describes it.
    client.post(reverse("behaviour:rule_edit", args=[rule.code]), _rule_form(late, threshold="4"))
    rule.refresh_from_db()
    assert rule.threshold == 4 and rule.trial_hits is None


def test_a_rule_form_keeps_what_was_typed_and_shows_errors(client, as_user, headteacher, late):
    as_user(headteacher)
    response = client.post(reverse("behaviour:rule_create"), _rule_form(late, categories=[], task_owner=""))
    assert response.status_code == 200 and "categories" in response.context["form"].errors
    assert 'value="Three lates"' in response.content.decode()


def test_a_letter_template_refuses_unknown_placeholders(client, as_user, headteacher):
    as_user(headteacher)
    response = client.post(
        reverse("behaviour:rule_template_create"),
        {"name": "Late", "subject": "Lateness", "body": "Dear {{ parent_name }}"},
    )
    assert "Unknown placeholder: parent_name" in response.content.decode()
    assert not LetterTemplate.objects.exists()
    client.post(
        reverse("behaviour:rule_template_create"),
        {"name": "Late", "subject": "Lateness", "body": "Dear parent of {{ pupil_name }}"},
    )
    assert LetterTemplate.objects.get().school_id == headteacher.memberships.get().school_id


@pytest.fixture
def fired(teacher, school, pupil, late, lates_rule):
    pupil.keyworker = teacher
    pupil.save()
    for _ in range(3):
        log(teacher, school, [pupil], late)
    deliver_all()
    return BehaviourRuleHit.objects.get()


def test_those_told_see_the_alert_and_others_do_not(
    client, as_user, fired, teacher, pastoral_staff, headteacher, other_school_dsl
):
    url = reverse("behaviour:rule_hit_detail", args=[fired.code])
    as_user(teacher)  # the keyworker, told
    assert client.get(url).status_code == 200
    assert BehaviourRuleRecipient.objects.get(hit=fired, user=teacher).seen_at is not None
    assert fired.pupil.display_name in client.get(reverse("behaviour:rule_alerts")).content.decode()
    as_user(pastoral_staff)  # not told
    assert client.get(url).status_code == 403
    assert fired.pupil.display_name not in client.get(reverse("behaviour:rule_alerts")).content.decode()
    as_user(headteacher)  # manages the rules
    assert client.get(url).status_code == 200
    as_user(other_school_dsl)
    assert client.get(url).status_code == 404


def test_the_task_owner_marks_the_task_done_and_undone(client, as_user, fired, headteacher, teacher):
    task = fired.task
    as_user(teacher)  # told of the hit, but not the task's owner
    client.post(reverse("behaviour:rule_task_done", args=[task.code]), {"done": "on"})
    task.refresh_from_db()
    assert task.done_at is None
    as_user(headteacher)
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "My tasks from behaviour rules" in home and "Call home" in home
    client.post(reverse("behaviour:rule_task_done", args=[task.code]), {"done": "on"})
    task.refresh_from_db()
    assert task.done_at is not None and task.done_by == headteacher
    assert "My tasks from behaviour rules" not in client.get(reverse("pastoral:home")).content.decode()
    client.post(reverse("behaviour:rule_task_done", args=[task.code]))
    task.refresh_from_db()
    assert task.done_at is None


def test_the_letter_pdf_and_its_sending_on_the_chronology(client, as_user, fired, teacher, capture, pupil):
    as_user(teacher)
    page = client.get(reverse("behaviour:rule_hit_detail", args=[fired.code])).content.decode()
    assert 'value="behaviour.rule_letter_pdf"' in page
    text = export_pdf_text(client, capture, teacher, "behaviour.rule_letter_pdf", letter=fired.letter.code)
    assert pupil.display_name in text and "was late 3 times" in text and "Lateness to lesson" in text
    response = client.post(
        reverse("behaviour:rule_letter_sent", args=[fired.code]),
        {"sent_how": "post", "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    letter = BehaviourRuleLetter.objects.get()
    assert letter.sent_how == "post" and letter.sent_by == teacher
    items = chronology_for(teacher, pupil)
    assert any(item.title.startswith("Letter home sent (post)") for item in items)
    # Sending twice is refused, with the reason beside the form.
    again = client.post(
        reverse("behaviour:rule_letter_sent", args=[fired.code]),
        {"sent_how": "email", "sent_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
    )
    assert again.status_code == 400 and "already recorded as sent" in again.content.decode()


def test_the_home_panel_shows_new_alerts_to_those_told(client, as_user, fired, teacher, pastoral_lead):
    as_user(teacher)  # the keyworker: told, until they open it
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "Behaviour rule alerts" in home and fired.pupil.display_name in home
    client.get(reverse("behaviour:rule_hit_detail", args=[fired.code]))
    assert "Behaviour rule alerts" not in client.get(reverse("pastoral:home")).content.decode()
    as_user(pastoral_lead)  # manages the rules: the school's latest alerts, and the letters waiting
    home = client.get(reverse("pastoral:home")).content.decode()
    assert fired.pupil.display_name in home and "1 letter home waiting to be sent" in home


def test_the_alerts_list_keeps_its_queries_as_hits_grow(
    client, as_user, headteacher, school, late, lates_rule, django_assert_max_num_queries
):
    def hit():
        pupil = PupilFactory(school=school)
        made = BehaviourRuleHit.objects.create(
            school=school, rule=lates_rule, pupil=pupil, window_start=timezone.localdate(), summary="3 events"
        )
        BehaviourRuleTask.objects.create(hit=made, owner=headteacher, description="Call", due_on=timezone.localdate())
        return made

    hit()
    as_user(headteacher)
    client.get(reverse("behaviour:rule_alerts"))
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("behaviour:rule_alerts"))
    for _ in range(20):
        hit()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("behaviour:rule_alerts"))
    assert response.content.decode().count("<tr") == 22
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("behaviour:rule_alerts") + "?show=tasks")


def test_the_trial_falls_back_to_this_term_when_nothing_was_logged_last_term(school, last_term):
    today = timezone.localdate()
    current = Term.objects.create(
        academic_year=last_term.academic_year,
        name="Autumn",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=30),
    )
    assert trial.trial_period(school) == (current.start, today)
    BehaviourEventFactory(pupil=PupilFactory(school=school), occurred_at=_at(last_term.start, 10))
    assert trial.trial_period(school) == (last_term.start, last_term.end)


def test_the_rising_rule_switched_on_tells_the_pastoral_leads(teacher, pastoral_lead, school, pupil, disruption):
    rule = services.rules_seed_default(school=school)
    rule.active, rule.notify_pastoral_leads = True, True
    rule.save()
    now = timezone.now()
    # Three in the last fortnight against ten in the twelve weeks before: 3 × 84 < 2 × 10 × 14, not yet rising;
    # the fourth is (4 × 84 >= 280).
    for days in range(20, 90, 7):
        BehaviourEventFactory(pupil=pupil, category=disruption, occurred_at=now - datetime.timedelta(days=days))
    for hours in (50, 26):
        BehaviourEventFactory(pupil=pupil, category=disruption, occurred_at=now - datetime.timedelta(hours=hours))
    log(teacher, school, [pupil], disruption)
    deliver_all()
    assert not BehaviourRuleHit.objects.exists()
    log(teacher, school, [pupil], disruption)
    deliver_all()
    hit = BehaviourRuleHit.objects.get()
    assert hit.summary == "4 negative events within 14 days (10 in the 12 weeks before)"
    assert list(hit.notified.all()) == [pastoral_lead]


def test_a_suggested_detention_is_set_from_the_alert_linked_to_the_newest_event(
    client, as_user, teacher, pastoral_lead, school, pupil, late, lates_rule
):
    from django.urls import reverse

    now = timezone.now()
    for hours in (50, 25, 0):
        log(teacher, school, [pupil], late, now - datetime.timedelta(hours=hours))
    deliver_all()
    hit = BehaviourRuleHit.objects.get()
    newest = hit.events.order_by("-occurred_at").first()
    as_user(pastoral_lead)
    page = client.get(reverse("behaviour:rule_hit_detail", args=[hit.code])).content.decode()
    link = f"{reverse('behaviour:detention_create')}?event={newest.code}"
    assert "This rule suggests a detention" in page and link in page
    assert client.get(link).status_code == 200


def test_an_alert_shows_each_viewer_only_the_events_they_may_read(
    client, as_user, teacher, pastoral_lead, school, pupil, late, lates_rule
):
    from django.urls import reverse

    late.sensitive = True
    late.save()
    pupil.keyworker = teacher
    pupil.save()
    now = timezone.now()
    for hours in (50, 25, 0):
        log(pastoral_lead, school, [pupil], late, now - datetime.timedelta(hours=hours))
    deliver_all()
    hit = BehaviourRuleHit.objects.get()
    assert teacher in hit.notified.all()
    url = reverse("behaviour:rule_hit_detail", args=[hit.code])
    as_user(pastoral_lead)
    assert client.get(url).content.decode().count("Lateness to lesson</a>") == 3
    as_user(teacher)
    page = client.get(url)
    assert page.status_code == 200 and "Lateness to lesson</a>" not in page.content.decode()
