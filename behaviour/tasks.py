"""Celery tasks for behaviour: take ids, reload, re-check access, call a service."""

import datetime

from celery import shared_task  # noqa: E402


@shared_task(acks_late=True)
def training_expiry_digest_task(school_ids=None):
    """Weekly: each school's behaviour leads hear which staff training expires in the next 60 days."""
    from pastoral.accounts.roles import Role
    from pastoral.models import School
    from pastoral.outbox import fan_out
    from pastoral.selectors import staff_holding

    schools = School.objects.all() if school_ids is None else School.objects.filter(pk__in=school_ids)
    return fan_out(
        send_training_expiry_task,
        (
            (school.pk, user_id)
            for school in schools
            for user_id in staff_holding(school, [Role.PASTORAL_LEAD]).values_list("id", flat=True)
        ),
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_training_expiry_task(school_id, user_id):
    from django.utils import timezone

    from pastoral.accounts import access
    from pastoral.models import School, User
    from pastoral.tasks import _send

    from .interventions.selectors import EXPIRY_WINDOW_DAYS, expiring_training

    school = School.objects.filter(pk=school_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if school is None or user is None or not access.has_school_perm(user, school, "behaviour.view_training"):
        return "skipped"
    today = timezone.localdate()
    records = list(expiring_training(user, school, today))
    if not records:
        return "nothing due"
    _send("training_expiry", user, {"school": school, "records": records, "days": EXPIRY_WINDOW_DAYS, "today": today})
    return "sent"


@shared_task(acks_late=True)
def removals_untold_task(school_ids=None, day=None):
    """Weekdays at the end of the school day: each school's pastoral leads hear how many of today's removals still
    have parents not told (once a day each, names only in the app)."""
    from django.utils import timezone

    from pastoral.accounts.roles import Role
    from pastoral.calendar.school_days import SchoolCalendar
    from pastoral.models import School
    from pastoral.outbox import fan_out
    from pastoral.selectors import staff_holding

    from .removals.models import Removal
    from .removals.selectors import untold_today

    today = datetime.date.fromisoformat(day) if day else timezone.localdate()
    schools = School.objects.all() if school_ids is None else School.objects.filter(pk__in=school_ids)
    calls = []
    for school in schools:
        if not untold_today(Removal.objects.all(), school, today).exists():
            continue
        if not SchoolCalendar.for_school(school, weekdays_without_terms=True).is_school_day(today):
            continue
        calls += [
            (school.pk, user_id) for user_id in staff_holding(school, [Role.PASTORAL_LEAD]).values_list("id", flat=True)
        ]
    return fan_out(send_removals_untold_task, [(*call, today.isoformat()) for call in calls])


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_removals_untold_task(school_id, user_id, day):

    from pastoral.accounts import access
    from pastoral.models import School, User
    from pastoral.tasks import _send

    from .removals.selectors import removals_visible_to, untold_today

    school = School.objects.filter(pk=school_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if school is None or user is None or not access.has_school_perm(user, school, "behaviour.view_alerts"):
        return "skipped"
    count = untold_today(removals_visible_to(user), school, datetime.date.fromisoformat(day)).count()
    if not count:
        return "all told"
    _send("removals_untold", user, {"school": school, "count": count})
    return "sent"


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_detention_notice_email_task(notice_id):
    """The email to a family that a detention has been set. It names no child: it points to the letter and the
    school. The notice's sent time is recorded when it leaves."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.utils import timezone

    from .detentions.models import DetentionNotice

    notice = DetentionNotice.objects.select_related("detention__school", "contact").filter(pk=notice_id).first()
    if notice is None or notice.sent_at or notice.contact is None or not notice.contact.email:
        return "skipped"
    if notice.detention.voided_at:
        return "voided"
    context = {"school": notice.detention.school, "contact": notice.contact}
    subject = render_to_string("emails/detention_notice-subject.txt", context).strip()
    body = render_to_string("emails/detention_notice-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.contact.email])
    DetentionNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(sent_at=timezone.now())
    return "sent"


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_detention_missed_task(detention_id, user_id):
    """A member of staff hears that a detention was missed (no child named in the email: the link opens it)."""
    from pastoral.accounts import access
    from pastoral.models import User
    from pastoral.tasks import _send

    from .detentions.models import Detention

    detention = Detention.objects.select_related("school", "session__type").filter(pk=detention_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if detention is None or user is None or not access.has_school_perm(user, detention.school, "behaviour.view_event"):
        return "skipped"
    _send("detention_missed", user, {"detention": detention, "school": detention.school})
    return "sent"


@shared_task(acks_late=True)
def flag_unmarked_detentions_task():
    """Every 15 minutes on weekday afternoons: sessions that have ended with pupils unmarked are flagged, once, to
    whoever ran them."""
    from .detentions.services import flag_unmarked_sessions

    return len(flag_unmarked_sessions())


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_detention_unmarked_task(session_id, user_id):
    from pastoral.models import User
    from pastoral.tasks import _send

    from .detentions.models import Detention, DetentionSession
    from .detentions.services import can_mark

    session = DetentionSession.objects.select_related("school", "type").filter(pk=session_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if session is None or user is None or not can_mark(user, session):
        return "skipped"
    count = session.detentions.filter(status=Detention.Status.SET, voided_at__isnull=True).count()
    if not count:
        return "all marked"
    _send("detention_unmarked", user, {"session": session, "school": session.school, "count": count})
    return "sent"


@shared_task(acks_late=True)
def evaluate_rules_task(event_ids):
    """After events are logged: the school's switched-on behaviour rules for those pupils (see rules.services)."""
    from .rules.services import rules_evaluate

    return len(rules_evaluate(event_ids=event_ids))
