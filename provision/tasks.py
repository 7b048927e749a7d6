"""Celery tasks for provision: take ids, reload, re-check access, call a service."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from pastoral.models import School, User


@shared_task(acks_late=True)
def ap_missing_returns_task():
    """Every school: raise today's missing attendance-return alerts once its cut-off has passed (idempotent)."""
    from .ap.services import missing_returns_raise

    raised = 0
    for school in School.objects.all():
        raised += len(missing_returns_raise(school=school))
    return raised


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_missing_return_task(alert_id, user_id):
    """Tell an AP coordinator or DSL that a provider has not sent today's return. No name in the email: a child
    unaccounted for off-site is read about in the app."""
    from .ap.models import MissingReturnAlert
    from .ap.selectors import placements_visible_to

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "skipped"
    alert = MissingReturnAlert.objects.select_related("school", "placement").filter(pk=alert_id).first()
    if alert is None or not placements_visible_to(user).filter(pk=alert.placement_id).exists():
        return "skipped"
    if alert.resolved_at is not None:
        return "resolved"
    context = {
        "recipient": user,
        "school": alert.school,
        "date": alert.date,
        "link": settings.SITE_URL.rstrip("/") + reverse("provision:ap_dashboard"),
    }
    subject = render_to_string("emails/ap_missing_return-subject.txt", context).strip()
    body = render_to_string("emails/ap_missing_return-body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return "sent"
