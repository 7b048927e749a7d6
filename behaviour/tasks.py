"""Celery tasks for behaviour: take ids, reload, re-check access, call a service."""

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
