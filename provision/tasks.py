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


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_provider_welcome_task(account_id, actor_id):
    """The password link for a provider's contact whose role has been approved, asked for by someone who keeps the
    provider register of that trust (the core's welcome follows the grant only when its granter manages staff)."""
    from django.utils import timezone

    from pastoral.accounts.roles import Role
    from pastoral.services import password_reset_link
    from pastoral.tasks import _send

    from .ap.models import ProviderAccount
    from .ap.selectors import providers_managed_by

    account = ProviderAccount.objects.select_related("user", "provider").filter(pk=account_id).first()
    actor = User.objects.filter(pk=actor_id, is_active=True).first()
    if account is None or actor is None or not account.user.is_active or not account.user.email:
        return "skipped"
    if not providers_managed_by(actor).filter(pk=account.provider_id).exists():
        return "skipped"
    approved = account.user.memberships.filter(role=Role.AP_PROVIDER, approved_at__isnull=False).exclude(
        ends_on__lt=timezone.localdate()
    )
    if not approved.exists():
        return "awaiting approval"
    _send("welcome", account.user, {"link": password_reset_link(account.user), "actor": actor})
    return "sent"
