"""Writes to the shared core. Each runs in one transaction and writes its audit entry inside it.

Follow-up tasks are queued by their registered name: tasks.py imports this module, never the reverse."""

import secrets

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, outbox, selectors
from .accounts import access
from .accounts.roles import APPROVAL_ROLES, Role
from .calendar.school_days import SchoolCalendar, bank_holidays_between
from .exceptions import PastoralError
from .files.uploads import checked_photo
from .models import Membership, MfaResetRequest, Pupil, RecordsSent, School, SchoolClosure, User
from .pupils.leavers import WRITE_LEAVER, require_writable
from .selectors import NOTE_VOID_PERM
from .voiding import void_record

BACKUP_CODE_COUNT = 10


def _save(instance, **clean_kwargs):
    instance.full_clean(**clean_kwargs)
    instance.save()
    return instance


# Pupils -------------------------------------------------------------------


def pupil_update(*, actor, pupil, changed):
    """`pupil` already carries the new values (from a ModelForm); `changed` is audit.changes(form).

    A new photo is checked and re-encoded before it is written; if the save then fails the new file is deleted, and
    once it commits the photo it replaced (or that was cleared) is deleted, so no child's old photo lingers on disk.
    """
    stored = Pupil.objects.filter(pk=pupil.pk).values_list("photo", "leaving_date").first() if pupil.pk else None
    earlier = stored[0] if stored else ""
    if stored:
        # The stored leaving date decides: the form's new values must not unlock a leaver's record.
        require_writable(actor, Pupil(pk=pupil.pk, school_id=pupil.school_id, leaving_date=stored[1]))
    new_photo = bool(pupil.photo) and not pupil.photo._committed
    if new_photo:
        pupil.photo = checked_photo(pupil.photo.file)
    try:
        with transaction.atomic():
            _save(pupil)
            audit.record("pastoral.pupil.changed", actor=actor, obj=pupil, data=changed)
    except BaseException:
        if new_photo and pupil.photo._committed:
            pupil.photo.storage.delete(pupil.photo.name)
        raise
    if earlier and earlier != pupil.photo.name:
        storage = Pupil._meta.get_field("photo").storage
        transaction.on_commit(lambda: storage.delete(earlier))
    return pupil


# Chronology areas whose entries on the profile are themselves reads of sensitive records.
SENSITIVE_AREAS = ("safeguarding", "medical")


@transaction.atomic
def pupil_record_view(*, actor, pupil, shown=()):
    """The profile read; the entry says how many safeguarding and medical entries its chronology page showed."""
    counts = {}
    for item in shown:
        if item.area in SENSITIVE_AREAS:
            counts[item.area] = counts.get(item.area, 0) + 1
    return audit.record("pastoral.pupil.viewed", actor=actor, obj=pupil, data={"shown": counts} if counts else None)


def pupil_search_record(*, actor, school, text, results, where):
    """Audit a pupil search: who searched, where, and which pupils it showed (by code), never the words typed
    (a search box invites notes such as "bruise" or a sibling's name); only the length of the query is kept.

    One entry in the log of each school whose pupils were shown (a trust-wide search shows several), so every
    school's auditors see the lookups of its own pupils; a search that showed nobody goes in `school`'s log.
    """
    shown = {}
    for pupil in results:
        shown.setdefault(pupil.school_id, []).append(str(pupil.code))
    for school_id, codes in shown.items() or [(getattr(school, "pk", None), [])]:
        audit.record(
            "pastoral.pupil.searched",
            actor=actor,
            school=school_id,
            data={"where": where, "length": len(text), "shown": codes},
        )


@transaction.atomic
def contact_save(*, actor, contact, changed):
    require_writable(actor, contact.pupil)
    created = contact.pk is None
    _save(contact)
    action = "pastoral.contact.created" if created else "pastoral.contact.changed"
    audit.record(action, actor=actor, obj=contact, pupil=contact.pupil, data=changed)
    return contact


@transaction.atomic
def contact_delete(*, actor, contact):
    require_writable(actor, contact.pupil)
    audit.record("pastoral.contact.deleted", actor=actor, obj=contact, pupil=contact.pupil, data={"name": contact.name})
    contact.delete()


@transaction.atomic
def professional_save(*, actor, professional, changed):
    require_writable(actor, professional.pupil)
    created = professional.pk is None
    _save(professional)
    action = "pastoral.professional.created" if created else "pastoral.professional.changed"
    audit.record(action, actor=actor, obj=professional, pupil=professional.pupil, data=changed)
    return professional


@transaction.atomic
def professional_delete(*, actor, professional):
    require_writable(actor, professional.pupil)
    audit.record(
        "pastoral.professional.deleted",
        actor=actor,
        obj=professional,
        pupil=professional.pupil,
        data={"name": professional.name},
    )
    professional.delete()


@transaction.atomic
def note_record(*, actor, note):
    require_writable(actor, note.pupil)
    note.author = actor
    _save(note)
    audit.record("pastoral.note.created", actor=actor, obj=note, pupil=note.pupil, data={"kind": note.kind})
    return note


@transaction.atomic
def records_sent_log(*, actor, pupil, sent_on, new_school, what, method):
    """Log what of a leaver's records was sent to their new school, how and by whom (the DSL team or the head)."""
    if not access.has_school_perm(actor, pupil.school_id, WRITE_LEAVER):
        raise PastoralError("Only the DSL team and the headteacher log records sent to a new school.")
    sent = _save(
        RecordsSent(pupil=pupil, sent_on=sent_on, new_school=new_school, what=what, method=method, sent_by=actor)
    )
    audit.record(
        "pastoral.records_sent.logged",
        actor=actor,
        obj=sent,
        pupil=pupil,
        data={"sent_on": sent_on.isoformat(), "new_school": new_school, "what": what, "method": method},
    )
    return sent


@transaction.atomic
def note_void(*, actor, note, reason):
    """Wrong entries are voided with a reason and stay visible as voided; nothing is deleted."""
    require_writable(actor, note.pupil)
    if not access.has_school_perm(actor, note.pupil.school_id, NOTE_VOID_PERM):
        raise PastoralError("You cannot correct this pupil's contact log.")
    return void_record(actor=actor, record=note, reason=reason, action="pastoral.note.voided", noun="entry")


@transaction.atomic
def calendar_save(*, actor, school, item, changed):
    """Save an academic year or a term of `school` (the caller has checked manage_calendar)."""
    if not access.has_school_perm(actor, school, "pastoral.manage_calendar"):
        raise PastoralError("You do not manage this school's calendar.")
    _save(item)
    audit.record("pastoral.calendar.changed", actor=actor, obj=item, school=school, data=changed)
    return item


def _lock_calendar(actor, school):
    """Check manage_calendar and lock the school row, so two saves cannot both pass the overlap check."""
    if not access.has_school_perm(actor, school, "pastoral.manage_calendar"):
        raise PastoralError("You do not manage this school's calendar.")
    School.objects.select_for_update().get(pk=school.pk)


@transaction.atomic
def closure_save(*, actor, school, closure, changed):
    """Add or change a closure (half term, INSET day, bank holiday) of `school`."""
    _lock_calendar(actor, school)
    created = closure.pk is None
    closure.school = school
    _save(closure)
    action = "pastoral.closure.created" if created else "pastoral.closure.changed"
    audit.record(action, actor=actor, obj=closure, school=school, data=changed)
    return closure


@transaction.atomic
def closure_remove(*, actor, school, closure):
    """Remove a closure entered in error; the audit entry keeps what it was."""
    _lock_calendar(actor, school)
    if closure.school_id != school.pk:
        raise PastoralError("This closure belongs to another school.")
    data = {"kind": closure.kind, "name": closure.name, "start": str(closure.start), "end": str(closure.end)}
    audit.record("pastoral.closure.removed", actor=actor, obj=closure, school=school, data=data)
    closure.delete()


@transaction.atomic
def closure_add_bank_holidays(*, actor, school, year):
    """Add the England bank holidays of `year` that fall in its terms; returns (added, already recorded)."""
    _lock_calendar(actor, school)
    if year.school_id != school.pk:
        raise PastoralError("This academic year belongs to another school.")
    calendar = SchoolCalendar.for_school(school)
    added, already = [], []
    for day, name in bank_holidays_between(year.start, year.end):
        term = calendar.term_of(day)
        if term is None or term.academic_year_id != year.pk:
            continue  # a holiday outside term time changes no count
        if calendar.is_closed(day):
            already.append(day)
            continue
        added.append(SchoolClosure(school=school, kind=SchoolClosure.Kind.BANK_HOLIDAY, name=name, start=day, end=day))
    for closure in added:
        _save(closure)
    if added:
        audit.record(
            "pastoral.closure.bank_holidays_added",
            actor=actor,
            obj=year,
            school=school,
            data={"dates": [str(closure.start) for closure in added]},
        )
    return added, already


# Staff accounts ------------------------------------------------------------


def _require_manage(actor, school):
    if not access.has_school_perm(actor, school, "pastoral.manage_staff"):
        raise PastoralError("You do not manage staff accounts for this school.")


@transaction.atomic
def staff_create(*, actor, school, username, email, first_name, last_name, job_title, role):
    _require_manage(actor, school)
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, job_title=job_title)
    user.set_unusable_password()  # the new starter chooses one through the emailed link
    _save(user, exclude=["password"])
    membership = Membership(user=user, school=school, trust=school.trust, role=role)
    _needs_approval(membership, actor)
    _save(membership)
    audit.record("pastoral.staff.created", actor=actor, obj=user, school=school, data={"role": role})
    _record_grant(actor, membership)
    outbox.enqueue("pastoral.tasks.send_welcome_email_task", user.id, actor.id)
    return user


def _needs_approval(membership, actor):
    """A role that reads pupils waits for an approver; an IT admin role takes effect at once."""
    membership.granted_by = actor
    if membership.role in APPROVAL_ROLES:
        membership.approved_at = None
        membership.approved_by = None
    else:
        membership.approved_at = timezone.now()
        membership.approved_by = None


def _record_grant(actor, membership):
    data = {"role": membership.role}
    if membership.awaiting_approval:
        data["awaiting_approval"] = True
        outbox.enqueue("pastoral.tasks.notify_role_approvers_task", membership.id)
    audit.record("pastoral.membership.granted", actor=actor, obj=membership, school=membership.school, data=data)


@transaction.atomic
def membership_grant(*, actor, user, school, role, starts_on=None):
    _require_manage(actor, school)
    if user == actor:
        # Otherwise an IT admin could make themselves DSL and read every safeguarding concern.
        raise PastoralError("You cannot grant yourself a role. Ask another administrator.")
    existing = Membership.objects.filter(user=user, school=school, role=role).first()
    if existing and existing.awaiting_approval and (existing.ends_on is None or existing.is_current):
        raise PastoralError("This role is already awaiting approval.")
    if existing and existing.is_current:
        raise PastoralError("This person already holds that role in this school.")
    membership = existing or Membership(user=user, school=school, trust=school.trust, role=role)
    membership.starts_on = starts_on or timezone.localdate()
    membership.ends_on = None
    _needs_approval(membership, actor)
    _save(membership)
    _record_grant(actor, membership)
    access.forget(user)
    return membership


def _pending_for_update(membership):
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    today = timezone.localdate()
    if locked.approved_at is not None:
        raise PastoralError("This role has already been approved.")
    if locked.ends_on is not None and locked.ends_on < today:
        raise PastoralError("This request has already been declined or ended.")
    return locked


@transaction.atomic
def membership_approve(*, actor, membership):
    """A headteacher or DSL of the school (for a trust-wide role: a trust DSL or a head in the trust) signs
    off a role in roles.APPROVAL_ROLES. Neither its holder nor the person who granted it may approve it.

    A new starter's sign-up link is sent only now, so until a school lead has vouched for the person
    the address an IT admin typed receives nothing that opens the account."""
    membership = _pending_for_update(membership)
    if actor.pk == membership.user_id:
        raise PastoralError("You cannot approve your own role.")
    if actor.pk == membership.granted_by_id:
        raise PastoralError("You granted this role, so someone else must approve it.")
    if not access.can_approve(actor, membership):
        raise PastoralError("You cannot approve roles for this school.")
    membership.approved_at = timezone.now()
    membership.approved_by = actor
    membership.save(update_fields=["approved_at", "approved_by"])
    audit.record(
        "pastoral.membership.approved",
        actor=actor,
        obj=membership,
        school=membership.school,
        data={"role": membership.role, "granted_by": membership.granted_by_id},
    )
    hand_over_lead_dsl(membership, actor=actor)
    access.forget(membership.user)
    _welcome_once_approved(membership, sender_id=membership.granted_by_id or actor.id)
    return membership


def current_lead_dsls(schools, *, exclude_user=None):
    """The current, approved lead DSL memberships of a school (or of several: ids) — KCSIE asks for one lead;
    deputies are a separate role."""
    today = timezone.localdate()
    where = {"school_id__in": schools} if isinstance(schools, set | list | tuple) else {"school": schools}
    rows = (
        Membership.objects.filter(**where, role=Role.DSL, approved_at__isnull=False, starts_on__lte=today)
        .exclude(ends_on__lt=today)
        .select_related("user")
    )
    return rows.exclude(user=exclude_user) if exclude_user is not None else rows


def hand_over_lead_dsl(membership, *, actor=None, actor_label=""):
    """A school has exactly one lead DSL: approving a new one hands over. The previous lead's role ends today and
    they stay in the safeguarding team as a deputy DSL (approved by the same approval, since it reads no more than
    they already did), so nobody loses the cases they are working; the school can end that deputy role later."""
    if membership.role != Role.DSL or membership.school_id is None or not membership.is_current:
        return
    # Two approvals at once must not both keep their lead: the school row is the lock.
    School.objects.select_for_update().filter(pk=membership.school_id).first()
    for previous in current_lead_dsls(membership.school, exclude_user=membership.user_id):
        _end(previous)
        deputy = Membership.objects.filter(user=previous.user, school=previous.school, role=Role.DEPUTY_DSL).first()
        if deputy is None or not deputy.is_current:
            deputy = deputy or Membership(
                user=previous.user, school=previous.school, trust=previous.trust, role=Role.DEPUTY_DSL
            )
            deputy.starts_on = timezone.localdate()
            deputy.ends_on = None
            deputy.granted_by = actor
            deputy.approved_by = actor
            deputy.approved_at = timezone.now()
            _save(deputy)
        audit.record(
            "pastoral.membership.lead_dsl_handed_over",
            actor=actor,
            actor_label=actor_label,
            obj=membership,
            school=membership.school,
            data={"from": previous.user.get_full_name() or previous.user.username, "to": str(membership.user)},
        )
        access.forget(previous.user)


def _welcome_once_approved(membership, sender_id):
    """Send the sign-up link of an account that has never had a password (the task re-checks approval)."""
    user = membership.user
    if sender_id and not user.has_usable_password():
        outbox.enqueue("pastoral.tasks.send_welcome_email_task", user.id, sender_id)


@transaction.atomic
def membership_decline(*, actor, membership, reason):
    """Refuse a pending role: the membership is ended (never deleted) and the reason kept in the audit log."""
    reason = (reason or "").strip()
    if not reason:
        raise PastoralError("Give a reason for declining.")
    membership = _pending_for_update(membership)
    if not access.can_approve(actor, membership):
        raise PastoralError("You cannot decline this role.")
    membership.ends_on = timezone.localdate() - timezone.timedelta(days=1)
    membership.starts_on = min(membership.starts_on, membership.ends_on)
    membership.save(update_fields=["starts_on", "ends_on"])
    audit.record(
        "pastoral.membership.declined",
        actor=actor,
        obj=membership,
        school=membership.school,
        data={"role": membership.role, "reason": reason},
    )
    access.forget(membership.user)
    return membership


@transaction.atomic
def membership_approve_by_operator(*, membership, operator=""):
    """The platform operator's fallback (manage.py approve_role) for a school with nobody who can approve yet."""
    membership = _pending_for_update(membership)
    membership.approved_at = timezone.now()
    membership.approved_by = None
    membership.save(update_fields=["approved_at", "approved_by"])
    audit.record(
        "pastoral.membership.approved",
        actor=None,
        actor_label=operator or "platform operator",
        obj=membership,
        school=membership.school,
        data={"role": membership.role, "by_operator": True, "operator": operator},
    )
    hand_over_lead_dsl(membership, actor_label=operator or "platform operator")
    _welcome_once_approved(membership, sender_id=membership.granted_by_id)
    return membership


def _end(membership, ends_on=None):
    # The day before by default: an end date is the last day of access, and access must stop now.
    membership.ends_on = ends_on or timezone.localdate() - timezone.timedelta(days=1)
    if membership.ends_on < membership.starts_on:
        membership.starts_on = membership.ends_on
    _save(membership)


@transaction.atomic
def membership_end(*, actor, membership, ends_on=None):
    """A school role is ended by an administrator of that school; a trust-wide one (no school) only by a
    trust-level administrator, so one school's IT admin cannot cut off the trust's leads."""
    if not access.can_end_membership(actor, membership):
        raise PastoralError("You do not manage this role.")
    _end(membership, ends_on)
    audit.record(
        "pastoral.membership.ended",
        actor=actor,
        obj=membership,
        school=membership.school,
        data={"role": membership.role, "ends_on": membership.ends_on.isoformat()},
    )
    access.forget(membership.user)
    return membership


@transaction.atomic
def staff_deactivate(*, actor, user, school):
    """A leaver: the roles `actor` administers end at once (their school's; a trust administrator's also the
    trust-wide ones). Someone who still holds roles elsewhere keeps them and their account; otherwise the
    account is deactivated and access stops on the very next request (inactive users fail authentication)."""
    _require_manage(actor, school)
    if user == actor:
        raise PastoralError("You cannot deactivate your own account.")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one deactivation at a time per person
    mine, kept = access.open_roles_split(actor, user)
    if kept and not mine:
        raise PastoralError("This person's roles are held in other schools or across the trust, not ones you manage.")
    for membership in mine:
        _end(membership)
    if not kept:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
    action = "pastoral.staff.left_school" if kept else "pastoral.staff.deactivated"
    ended = [{"role": m.role, "school": m.school_id, "trust": m.trust_id} for m in mine]
    audit.record(action, actor=actor, obj=user, school=school, data={"ended": ended})
    access.forget(user)
    return user


@transaction.atomic
def staff_reactivate(*, actor, user, school):
    _require_manage(actor, school)
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])
    audit.record("pastoral.staff.reactivated", actor=actor, obj=user, school=school)
    return user


def _remove_mfa_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def staff_reset_mfa(*, actor, user, school, reason=""):
    """For a lost phone: the person enrols a new authenticator at their next sign-in.

    For someone holding a role in roles.APPROVAL_ROLES the reset only becomes a request (returned),
    which takes effect when a headteacher or DSL of one of their schools approves it; otherwise an
    IT admin who also controls the school's mail could take over a DSL's account. Returns None when
    the reset was done at once."""
    _require_manage(actor, school)
    reason = (reason or "").strip()
    if not access.mfa_reset_needs_approval(user):
        _remove_mfa_devices(user)
        audit.record("auth.mfa.reset", actor=actor, obj=user, school=school)
        return None
    User.objects.select_for_update().filter(pk=user.pk).first()  # one open request, even on a double click
    if MfaResetRequest.objects.filter(user=user, approved_at__isnull=True, declined_at__isnull=True).exists():
        raise PastoralError("A two-factor reset for this person is already awaiting approval.")
    reset_request = _save(MfaResetRequest(user=user, school=school, requested_by=actor, reason=reason))
    audit.record(
        "auth.mfa.reset_requested",
        actor=actor,
        obj=reset_request,
        school=school,
        data={"user": user.pk, "reason": reason},
    )
    outbox.enqueue("pastoral.tasks.notify_mfa_reset_approvers_task", reset_request.id)
    return reset_request


def _pending_reset_for_update(reset_request):
    locked = MfaResetRequest.objects.select_for_update().select_related("user").get(pk=reset_request.pk)
    if locked.approved_at is not None:
        raise PastoralError("This reset has already been approved.")
    if locked.declined_at is not None:
        raise PastoralError("This reset has already been declined.")
    return locked


@transaction.atomic
def mfa_reset_approve(*, actor, reset_request):
    """An approver of one of the person's schools signs off the reset; the devices go in the same transaction."""
    reset_request = _pending_reset_for_update(reset_request)
    if actor.pk == reset_request.user_id:
        raise PastoralError("You cannot approve a reset of your own two-factor authentication.")
    if actor.pk == reset_request.requested_by_id:
        raise PastoralError("You asked for this reset, so someone else must approve it.")
    if not selectors.can_approve_mfa_reset(actor, reset_request):
        raise PastoralError("You cannot approve two-factor resets for this person.")
    reset_request.approved_at = timezone.now()
    reset_request.approved_by = actor
    reset_request.save(update_fields=["approved_at", "approved_by"])
    _remove_mfa_devices(reset_request.user)
    data = {"user": reset_request.user_id, "requested_by": reset_request.requested_by_id}
    audit.record("auth.mfa.reset_approved", actor=actor, obj=reset_request, school=reset_request.school, data=data)
    audit.record(
        "auth.mfa.reset",
        actor=actor,
        obj=reset_request.user,
        school=reset_request.school,
        data={"requested_by": reset_request.requested_by_id, "request": str(reset_request.code)},
    )
    return reset_request


@transaction.atomic
def mfa_reset_decline(*, actor, reset_request, reason):
    """Refuse a reset: the authenticator stays as it was and the reason is kept (on the request and in the log)."""
    reason = (reason or "").strip()
    if not reason:
        raise PastoralError("Give a reason for declining.")
    reset_request = _pending_reset_for_update(reset_request)
    if not selectors.can_approve_mfa_reset(actor, reset_request):
        raise PastoralError("You cannot decline this reset.")
    reset_request.declined_at = timezone.now()
    reset_request.declined_by = actor
    reset_request.decline_reason = reason
    reset_request.save(update_fields=["declined_at", "declined_by", "decline_reason"])
    audit.record(
        "auth.mfa.reset_declined",
        actor=actor,
        obj=reset_request,
        school=reset_request.school,
        data={"user": reset_request.user_id, "reason": reason},
    )
    return reset_request


def password_reset_link(user):
    from django.conf import settings
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("accounts:password_reset_confirm", args=[uid, token])


# Two-factor authentication -------------------------------------------------


def mfa_pending_device(user):
    """The unconfirmed authenticator being enrolled (kept until confirmed, so a reload shows the same QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@transaction.atomic
def mfa_confirm(*, user, device):
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    codes = mfa_issue_backup_codes(user=user)
    audit.record("auth.mfa.enrolled", actor=user, obj=user)
    return codes


@transaction.atomic
def mfa_issue_backup_codes(*, user):
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    audit.record("auth.mfa.backup_codes_issued", actor=user, obj=user)
    return codes
