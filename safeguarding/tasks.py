"""Celery tasks for safeguarding: take ids, reload, re-check access, call a service."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from pastoral import audit
from pastoral.accounts import access
from pastoral.models import School, User

from .selectors import MANAGE, concerns_visible_to


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_concern_raised_task(concern_id, user_id):
    """Tell one DSL or deputy a concern was raised. The email names no child and quotes nothing."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    concern = concerns_visible_to(user).filter(pk=concern_id).select_related("school").first()
    if concern is None:
        return "skipped"
    context = {
        "recipient": user,
        "school": concern.school,
        "urgent": concern.urgent,
        "reference": concern.reference,
        "link": settings.SITE_URL.rstrip("/") + reverse("safeguarding:concern_detail", args=[concern.code]),
    }
    subject = render_to_string("emails/safeguarding_concern-subject.txt", context).strip()
    body = render_to_string("emails/safeguarding_concern-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    audit.record("safeguarding.concern.emailed", actor=user, obj=concern)
    return "sent"


@shared_task(acks_late=True)
def overdue_alerts_task():
    """Fan out one overdue-alert email per DSL and deputy of each school."""
    from pastoral.outbox import fan_out

    from .services import case_workers

    fan_out(
        send_overdue_alert_task,
        (
            (school.pk, user_id)
            for school in School.objects.all()
            for user_id in case_workers(school).values_list("id", flat=True)
        ),
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_overdue_alert_task(school_id, user_id):
    """Counts only, and a link: what is overdue is read in the app."""
    from .dashboard import overdue_counts

    school = School.objects.filter(pk=school_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if school is None or user is None or not user.email or not access.has_school_perm(user, school, MANAGE):
        return "skipped"
    counts = overdue_counts(user, school)
    if not any(counts.values()):
        return "nothing overdue"
    context = {
        "recipient": user,
        "school": school,
        "counts": counts,
        "link": settings.SITE_URL.rstrip("/") + reverse("safeguarding:dashboard"),
    }
    subject = render_to_string("emails/safeguarding_overdue-subject.txt", context).strip()
    body = render_to_string("emails/safeguarding_overdue-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return "sent"


@shared_task(acks_late=True)
def escalate_unopened_urgent_task():
    """Every few minutes: escalate urgent concerns left unopened past their school's time."""
    from .escalation import escalate_due

    return len(escalate_due())


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_escalation_email_task(concern_id, user_id):
    """Tell a deputy DSL or the head an urgent concern is still unopened. Names no child, quotes nothing."""
    from .escalation import age_label, policy_for

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    concern = concerns_visible_to(user).filter(pk=concern_id).select_related("school").first()
    if concern is None:
        return "skipped"
    if concern.first_opened_at is not None:
        return "opened meanwhile"
    context = {
        "recipient": user,
        "school": concern.school,
        "reference": concern.reference,
        "age": age_label(concern.reported_at),
        "minutes": policy_for(concern.school).urgent_unopened_minutes,
        "link": settings.SITE_URL.rstrip("/") + reverse("safeguarding:concern_detail", args=[concern.code]),
    }
    subject = render_to_string("emails/safeguarding_escalation-subject.txt", context).strip()
    body = render_to_string("emails/safeguarding_escalation-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    audit.record("safeguarding.concern.emailed", actor=user, obj=concern)
    return "sent"


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_adult_case_raised_task(case_id, user_id):
    """Tell one case manager a concern or allegation about an adult was raised. The email names nobody and
    quotes nothing; the recipient must still be able to read the case (never one about themselves)."""
    from .adults.selectors import cases_visible_to

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    case = cases_visible_to(user).filter(pk=case_id).select_related("school").first()
    if case is None:
        return "skipped"
    context = {
        "recipient": user,
        "school": case.school,
        "allegation": case.is_allegation,
        "reference": case.reference,
        "link": settings.SITE_URL.rstrip("/") + reverse("safeguarding:adult_case_detail", args=[case.code]),
    }
    subject = render_to_string("emails/safeguarding_adult_case-subject.txt", context).strip()
    body = render_to_string("emails/safeguarding_adult_case-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    audit.record("safeguarding.adult_case.emailed", actor=user, obj=case)
    return "sent"
