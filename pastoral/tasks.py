"""Thin tasks: they take ids, reload, re-check that the person may still act, then call a service."""

import logging

from celery import Task, shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from . import selectors
from .accounts import access
from .accounts.roles import Role
from .files import digest
from .models import Membership, School, User
from .outbox import fan_out
from .selectors import staff_holding

log = logging.getLogger(__name__)


def _send(template, recipient, context):
    context = {"site_url": settings.SITE_URL, "recipient": recipient, **context}
    subject = render_to_string(f"emails/{template}-subject.txt", context).strip()
    body = render_to_string(f"emails/{template}-body.txt", context)
    html = render_to_string(f"emails/{template}-body.html", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], html_message=html)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_welcome_email_task(user_id, actor_id):
    """The link to choose a password. `actor_id` None: the platform operator's set-up (setup_trust), which
    has no account to re-check; the approved role below is still required."""
    from .services import password_reset_link

    user = User.objects.filter(pk=user_id, is_active=True).first()
    actor = User.objects.filter(pk=actor_id, is_active=True).first() if actor_id is not None else None
    if user is None or (actor_id is not None and actor is None):
        return "skipped"
    if actor is not None and not (
        access.has_any_school_perm(actor, "pastoral.manage_staff")
        or access.has_any_school_perm(actor, "pastoral.approve_roles")
        or access.can_add_schools(actor)
    ):
        return "skipped"
    approved = Membership.objects.filter(user=user, approved_at__isnull=False).exclude(ends_on__lt=timezone.localdate())
    if not approved.exists():
        # Every role still awaits approval: the link is sent when one is approved, not before.
        return "awaiting approval"
    _send("welcome", user, {"link": password_reset_link(user), "actor": actor})
    return "sent"


@shared_task(acks_late=True)
def deactivate_leavers_task():
    """Accounts whose every role has ended lose access (memberships already stop counting on their end date)."""
    today = timezone.localdate()
    still_current = Membership.objects.exclude(ends_on__lt=today).values("user_id")
    leavers = User.objects.filter(is_active=True, memberships__isnull=False, is_superuser=False).exclude(
        id__in=still_current
    )
    count = leavers.update(is_active=False, deactivated_at=timezone.now())
    log.info("deactivated %s accounts whose roles have all ended", count)
    return count


def digest_recipients(school):
    return staff_holding(school, [Role.PASTORAL_LEAD])


@shared_task(acks_late=True)
def reviews_due_digest_task():
    fan_out(
        send_digest_task,
        (
            (school_id, user_id)
            for school_id in School.objects.values_list("id", flat=True)
            for user_id in digest_recipients(School(id=school_id)).values_list("id", flat=True)
        ),
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_digest_task(school_id, user_id):
    school = School.objects.filter(pk=school_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if school is None or user is None or not access.has_school_perm(user, school, "pastoral.view_pupil"):
        return "skipped"
    lines = digest.lines_for(school, user, timezone.localdate())
    if not lines:
        return "nothing due"
    _send("digest", user, {"school": school, "lines": lines})
    return "sent"


# Exports and scheduled reports ----------------------------------------------------

_TRANSIENT = (OperationalError, InterfaceError, KombuOperationalError, ConnectionError, TimeoutError)


class GeneratedFileTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries used up on a transient error: say so on the row, so the page offers "Try again".
        from .files.exports import mark_failed

        if args:
            mark_failed(args[0], "The export could not be finished because a service was unavailable. Try again.")


# The soft limit lets the build say "took too long" on the row; the hard limit kills a build stuck in C code.
_EXPORT_HARD_LIMIT = settings.EXPORT_TIME_LIMIT_SECONDS
_EXPORT_SOFT_LIMIT = _EXPORT_HARD_LIMIT - min(60, _EXPORT_HARD_LIMIT // 5)


@shared_task(
    base=GeneratedFileTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_EXPORT_SOFT_LIMIT,
    time_limit=_EXPORT_HARD_LIMIT,
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def generate_file(file_id):
    """Build one GeneratedFile; a re-run on a finished file does nothing."""
    from .files.exports import generate

    return generate(file_id)


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def delete_expired_files():
    from .files.exports import delete_expired

    count = delete_expired()
    log.info("deleted %s expired generated files", count)
    return count


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=3)
def fail_stuck_files():
    from .files.exports import fail_stuck
    from .pupils.imports import fail_stuck_imports
    from .sar.building import fail_stuck_packs

    return fail_stuck() + fail_stuck_imports() + fail_stuck_packs()


class SarPackTask(Task):
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        # Retries used up on a transient error: say so on the pack, so the page offers "Build again".
        from .sar.building import mark_failed

        if args:
            mark_failed(args[0], "The pack could not be built because a service was unavailable. Build it again.")


@shared_task(
    base=SarPackTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=_EXPORT_SOFT_LIMIT,
    time_limit=_EXPORT_HARD_LIMIT,
    autoretry_for=_TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def build_sar_pack(pack_id):
    """Snapshot every record about the pupil into a subject access pack; a re-run on a built pack does nothing."""
    from .sar.building import build

    return build(pack_id)


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=3)
def run_scheduled_reports():
    from .files.scheduled_reports import run_due

    results = run_due()
    return sum(1 for _report, generated_file in results if generated_file is not None)


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=5)
def send_file_ready_email(file_id):
    """Tell the recipient of a scheduled report that it is ready: a link, never the content."""
    from django.db import transaction

    from .files.exports import downloadable
    from .models import GeneratedFile

    with transaction.atomic():
        generated_file = (
            GeneratedFile.objects.select_for_update()
            .select_related("owner", "school")
            .filter(pk=file_id, status=GeneratedFile.Status.DONE, emailed_at__isnull=True)
            .first()
        )
        if generated_file is None:
            return "skipped"
        owner = generated_file.owner
        if not owner.is_active or not downloadable(owner, generated_file):
            return "skipped"
        _send("report_ready", owner, {"file": generated_file})
        generated_file.emailed_at = timezone.now()
        generated_file.save(update_fields=["emailed_at"])
    return "sent"


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=3)
def ensure_termly_schedules_task():
    from .files.reports import ensure_termly_schedules

    return len(ensure_termly_schedules())


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_role_approvers_task(membership_id):
    """Email the people who may approve a pending role. Only names, role and school: no pupil data."""
    from .selectors import role_approvers

    membership = (
        Membership.objects.filter(pk=membership_id, approved_at__isnull=True, user__is_active=True)
        .exclude(ends_on__lt=timezone.localdate())
        .select_related("user", "school", "trust", "granted_by")
        .first()
    )
    if membership is None:
        return 0
    sent = 0
    for approver in role_approvers(membership):
        if not access.can_approve(approver, membership):
            continue
        _send("role_approval", approver, {"membership": membership})
        sent += 1
    return sent


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_role_change_approvers_task(change_ids):
    """Email the headteachers and DSLs who may approve these additions to a school's roles (other than whoever
    asked). Roles and permissions only: no pupil data. Changes decided meanwhile are left out."""
    from .accounts.roles import SCHOOL_APPROVERS
    from .models import RolePermissionChange
    from .roleperms.selectors import can_approve_change

    changes = list(
        RolePermissionChange.objects.filter(pk__in=change_ids, approved_at__isnull=True, declined_at__isnull=True)
        .select_related("school", "requested_by")
        .order_by("pk")
    )
    if not changes:
        return 0
    school = changes[0].school
    sent = 0
    for approver in staff_holding(school, list(SCHOOL_APPROVERS)):
        mine = [change for change in changes if can_approve_change(approver, change)]
        if mine:
            _send("role_change_approval", approver, {"changes": mine, "school": school})
            sent += 1
    return sent


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def notify_mfa_reset_approvers_task(reset_request_id):
    """Email the people who may approve a pending two-factor reset. Names and school only: no pupil data."""
    from .models import MfaResetRequest
    from .selectors import mfa_reset_approvers

    reset_request = (
        MfaResetRequest.objects.filter(
            pk=reset_request_id, approved_at__isnull=True, declined_at__isnull=True, user__is_active=True
        )
        .select_related("user", "school", "requested_by")
        .first()
    )
    if reset_request is None:
        return 0
    sent = 0
    for approver in mfa_reset_approvers(reset_request):
        if not selectors.can_approve_mfa_reset(approver, reset_request):
            continue
        _send("mfa_reset_approval", approver, {"reset": reset_request})
        sent += 1
    return sent


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def break_glass_notify_task(use_id):
    """Tell the school's DSL team that a record was opened in an emergency: who, when and the kind of record,
    never the child or the reason (both are in the app, behind sign-in)."""
    from . import breakglass
    from .models import BreakGlassAccess

    use = BreakGlassAccess.objects.select_related("user", "school").filter(pk=use_id).first()
    if use is None:
        return 0
    sent = 0
    for recipient in staff_holding(use.school, breakglass.NOTIFIED_ROLES).exclude(pk=use.user_id):
        if not recipient.email or not access.has_school_perm(recipient, use.school_id, breakglass.REVIEW):
            continue
        _send("break_glass", recipient, {"use": use, "kind_label": breakglass.label_of(use.kind)})
        sent += 1
    return sent


# Weekly trend email --------------------------------------------------------------------


@shared_task(acks_late=True)
def weekly_trend_task(school_ids=None):
    """Fan out one weekly trend email per pastoral lead of each school (all schools unless ids are given)."""
    from .files.weekly_trend import recipients

    schools = School.objects.all() if school_ids is None else School.objects.filter(pk__in=school_ids)
    fan_out(
        send_weekly_trend_task,
        (
            (school_id, user_id)
            for school_id in schools.values_list("id", flat=True)
            for user_id in recipients(School(id=school_id)).values_list("id", flat=True)
        ),
    )


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_weekly_trend_task(school_id, user_id):
    """Counts and links only; the recipient's rights are checked again here, at sending time."""
    from .files.weekly_trend import email_context, may_receive

    school = School.objects.filter(pk=school_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if school is None or user is None or not may_receive(user, school):
        return "skipped"
    _send("weekly_trend", user, email_context(user, school))
    return "sent"


# Pupil import ---------------------------------------------------------------------------


@shared_task(acks_late=True)
def pupil_import_task(job_id):
    """Check and apply one uploaded MIS file. The job re-checks that its uploader may still import
    for the school before reading the file, and deletes the file whatever the outcome."""
    from .pupils.imports import import_job_run

    return import_job_run(job_id)


@shared_task(acks_late=True)
def attendance_alerts_task(school_id):
    """Raise the statutory attendance alerts of one school (after an import, and each weekday morning)."""
    from .attendance.alerts import raise_alerts

    school = School.objects.filter(pk=school_id).first()
    if school is None:
        return "skipped"
    return {str(kind): count for kind, count in raise_alerts(school).items()}


@shared_task(acks_late=True)
def attendance_alerts_all_task():
    return fan_out(attendance_alerts_task, ((school_id,) for school_id in School.objects.values_list("id", flat=True)))


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def attendance_social_worker_task(alert_id):
    """Tell the school's DSL team, the same day, that a pupil with a social worker is absent without a reason.

    The email carries a link, not the child's details; the page behind it checks the reader's role."""
    from .attendance.models import AttendanceAlert

    alert = AttendanceAlert.objects.select_related("school").filter(pk=alert_id, done_at__isnull=True).first()
    if alert is None:
        return "skipped"
    recipients = staff_holding(alert.school, [Role.DSL, Role.DEPUTY_DSL, Role.PASTORAL_ASSISTANT])
    sent = 0
    for recipient in recipients:
        _send("attendance_social_worker", recipient, {"alert": alert, "school": alert.school})
        sent += 1
    return sent


@shared_task(acks_late=True)
def attendance_import_task(job_id):
    """Check and apply one uploaded attendance file, as the pupil import does."""
    from .attendance.imports import import_job_run

    return import_job_run(job_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True, max_retries=5)
def send_password_reset_task(email):
    """Mail a reset link to each active account with a usable password at this address; none for others."""
    from urllib.parse import urlparse

    from django.contrib.auth.forms import PasswordResetForm
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    form = PasswordResetForm()
    site = urlparse(settings.SITE_URL)
    sent = 0
    for user in form.get_users(email):
        context = {
            "email": user.email,
            "domain": site.netloc,
            "site_name": site.netloc,
            "protocol": site.scheme or "https",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
        }
        subject = "".join(render_to_string("emails/password_reset-subject.txt", context).splitlines())
        body = render_to_string("emails/password_reset-body.txt", context)
        html = render_to_string("emails/password_reset-body.html", context)
        # Not PasswordResetForm.send_mail, which swallows a mail server error: this one is retried.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], html_message=html)
        sent += 1
    return sent


# Transactional outbox ------------------------------------------------------------------


# The saved task runs inside this one, so this one carries the longest limits of any (an export's build), and
# a worker killed mid-run gives the message back to the broker for another worker.
@shared_task(
    acks_late=True, reject_on_worker_lost=True, soft_time_limit=_EXPORT_SOFT_LIMIT, time_limit=_EXPORT_HARD_LIMIT
)
def deliver_outbox_message(message_id):
    """Run one saved follow-up task once; a second delivery of the same row does nothing."""
    from . import outbox

    return outbox.deliver(message_id)


@shared_task(acks_late=True)
def sweep_outbox():
    """Publish again the saved follow-up tasks that the broker never got or that failed."""
    from . import outbox

    return outbox.sweep()


@shared_task(acks_late=True, autoretry_for=_TRANSIENT, retry_backoff=True, max_retries=3)
def list_due_for_disposal_task():
    """Nightly: list the records that have reached their retention date for the data-protection lead's review."""
    from .retention.services import list_due

    count = list_due()
    log.info("listed %s records due for disposal", count)
    return count
