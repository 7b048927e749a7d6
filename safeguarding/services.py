"""Writes for safeguarding: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts import access
from pastoral.accounts.permissions import record_access_grant, record_access_revoke
from pastoral.accounts.roles import Role
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import checked_content_type, display_name
from pastoral.selectors import pupils_visible_to, staff_holding

from . import selectors
from .models import (
    KCSIE_CATEGORIES,
    Amendment,
    Attachment,
    BodyMark,
    CaseAction,
    CaseNote,
    Concern,
    ConcernCategory,
    DecisionRecord,
    EscalationPolicy,
    ExpectedFile,
    FileTransfer,
    IncomingFile,
    Notification,
    Referral,
)

CASE_ROLES = [Role.DSL, Role.DEPUTY_DSL, Role.PASTORAL_ASSISTANT]


def _require(actor, school, perm):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _once(model, actor_field, actor, submission_key, create):
    """create() unless this form's submission key already made a record; a racing copy gets the first one's."""

    def earlier():
        if submission_key is None:
            return None
        return model.objects.filter(submission_key=submission_key, **{actor_field: actor}).first()

    existing = earlier()
    if existing is not None:
        return existing
    try:
        return create()
    except IntegrityError:
        existing = earlier()
        if existing is None:
            raise
        return existing


def _removing_files_on_failure(create):
    """create(written) writes files before its transaction commits; if it fails, the rollback leaves
    no row, so the files it wrote (collected in `written`) are deleted too."""
    written = []
    try:
        return create(written)
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise


def categories_ensure(school, actor=None):
    """The school's categories, seeded from the KCSIE list the first time the school uses them."""
    if not ConcernCategory.objects.filter(school=school).exists():
        with transaction.atomic():
            ConcernCategory.objects.bulk_create(
                [ConcernCategory(school=school, name=name, order=i) for i, name in enumerate(KCSIE_CATEGORIES)],
                ignore_conflicts=True,
            )
            if actor is not None:  # the demo seeder passes none and must leave the audit log empty
                audit.record("safeguarding.categories.seeded", actor=actor, school=school)
    return selectors.categories_for(school)


@transaction.atomic
def category_save(*, actor, category, changed):
    """Categories are retired (inactive), never deleted, so old concerns keep theirs."""
    _require(actor, category.school, selectors.MANAGE)
    created = category.pk is None
    if not created:
        stored = ConcernCategory.objects.select_for_update().get(pk=category.pk)
        if stored.name != category.name and stored.concerns.exists():
            # Renaming would rewrite the category every earlier concern was recorded under.
            raise PastoralError(
                "Concerns already use this category, so it cannot be renamed. Retire it and add a new one."
            )
    category.save()
    action = "safeguarding.category.created" if created else "safeguarding.category.changed"
    audit.record(action, actor=actor, school=category.school, data=changed)
    return category


def notification_recipients(school):
    """The DSL and deputies of the school."""
    return staff_holding(school, CASE_ROLES)


# --- Raising ---------------------------------------------------------------------------------------


def concern_raise(*, actor, school, pupils, category, occurred_at, account, submission_key, marks=(), files=(), **rest):
    try:
        concern, _created = _removing_files_on_failure(
            lambda written: _raise(
                actor=actor,
                school=school,
                pupils=pupils,
                category=category,
                occurred_at=occurred_at,
                account=account,
                submission_key=submission_key,
                marks=marks,
                files=files,
                rest=rest,
                written=written,
            )
        )
    except IntegrityError:
        concern = Concern.objects.filter(reporter=actor, submission_key=submission_key).first()
        if concern is None:
            raise
    return concern


@transaction.atomic
def _raise(*, actor, school, pupils, category, occurred_at, account, submission_key, marks, files, rest, written):
    _require(actor, school, selectors.RAISE)
    existing = Concern.objects.filter(reporter=actor, submission_key=submission_key).first()
    if existing:
        return existing, False
    if not pupils:
        raise PastoralError("Choose at least one pupil.")
    ids = {p.pk for p in pupils}
    if pupils_visible_to(actor).filter(school=school, pk__in=ids).count() != len(ids):
        raise PastoralError("Every pupil must be one of this school's pupils that you can see.")
    if category.school_id != school.pk or not category.active:
        raise PastoralError("Choose one of this school's categories.")
    if not (account or "").strip():
        raise PastoralError("Say what was seen or heard.")
    allowed = {"location", "child_words", "immediate_action", "others_informed", "urgent"}
    concern = Concern.objects.create(
        school=school,
        reporter=actor,
        category=category,
        occurred_at=occurred_at,
        account=account,
        submission_key=submission_key,
        **{key: value for key, value in rest.items() if key in allowed},
    )
    concern.pupils.set(pupils)
    for mark in marks:
        BodyMark.objects.create(concern=concern, **mark)
    for upload in files:
        _attach(concern, actor, upload, written)
    from .tasks import notify_concern_raised_task

    for recipient in notification_recipients(school):
        Notification.objects.create(recipient=recipient, concern=concern)
        # Saved with the concern, so the alert goes out even if the broker is down right now.
        outbox.enqueue(notify_concern_raised_task, concern.pk, recipient.pk)
    audit.record(
        "safeguarding.concern.raised",
        actor=actor,
        obj=concern,
        pupil=pupils[0] if len(pupils) == 1 else None,
        data={"pupils": len(pupils), "urgent": concern.urgent, "marks": len(marks), "attachments": len(files)},
    )
    return concern, True


def _checked_type(upload):
    """The type is decided by the content, checked again here whatever the form said."""
    return checked_content_type(upload, limit=settings.SAFEGUARDING_ATTACHMENT_MAX_BYTES)


def _attach(concern, actor, upload, written):
    attachment = Attachment(
        concern=concern,
        name=display_name(upload.name),
        content_type=_checked_type(upload),
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name, upload, save=False)
    written.append(attachment.file)
    attachment.save()
    return attachment


# --- Reads that are recorded ---------------------------------------------------------------------


def record_read(*, actor, action, obj, pupil=None, school=None, data=None):
    """Every read of a concern, chronology, transfer or file is written to the audit log."""
    with transaction.atomic():
        return audit.record(action, actor=actor, obj=obj, pupil=pupil, school=school, data=data)


def notifications_mark_read(*, actor, concern):
    Notification.objects.filter(recipient=actor, concern=concern, read_at__isnull=True).update(read_at=timezone.now())


def concern_opened(*, actor, concern):
    """The first time a DSL or deputy opens a concern stops its escalation clock (a head's read does not)."""
    if concern.first_opened_at is not None or not access.has_school_perm(actor, concern.school_id, selectors.MANAGE):
        return
    now = timezone.now()
    if Concern.objects.filter(pk=concern.pk, first_opened_at__isnull=True).update(first_opened_at=now):
        concern.first_opened_at = now


@transaction.atomic
def escalation_policy_save(*, actor, school, urgent_unopened_minutes, day_starts, day_ends):
    _require(actor, school, selectors.MANAGE)
    policy, _created = EscalationPolicy.objects.get_or_create(school=school)
    before = {
        "minutes": policy.urgent_unopened_minutes,
        "day_starts": policy.day_starts.isoformat(),
        "day_ends": policy.day_ends.isoformat(),
    }
    policy.urgent_unopened_minutes = urgent_unopened_minutes
    policy.day_starts = day_starts
    policy.day_ends = day_ends
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    after = {"minutes": urgent_unopened_minutes, "day_starts": day_starts.isoformat(), "day_ends": day_ends.isoformat()}
    audit.record(
        "safeguarding.escalation.changed", actor=actor, obj=policy, school=school, data={"from": before, "to": after}
    )
    return policy


# --- Case work -----------------------------------------------------------------------------------


def _require_manage(actor, concern):
    if not selectors.can_manage(actor, concern):
        raise PastoralError("Only the DSL and deputies can work this concern.")


def _open(concern):
    if concern.status == Concern.Status.CLOSED:
        raise PastoralError("This concern is closed.")


def case_workers(school):
    return staff_holding(school, CASE_ROLES)


@transaction.atomic
def concern_assign(*, actor, concern, owner):
    _require_manage(actor, concern)
    _open(concern)
    if not access.has_school_perm(owner, concern.school_id, selectors.MANAGE):
        raise PastoralError("The owner must be a DSL or deputy DSL of this school.")
    previous = concern.owner
    concern.owner = owner
    if concern.status == Concern.Status.NEW:
        concern.status = Concern.Status.OPEN
    concern.save(update_fields=["owner", "status"])
    data = {"owner": str(owner), "previous_owner": str(previous) if previous else ""}
    audit.record("safeguarding.concern.assigned", actor=actor, obj=concern, data=data)
    return concern


@transaction.atomic
def concern_triage(*, actor, concern, decision, reason):
    _require_manage(actor, concern)
    _open(concern)
    reason = (reason or "").strip()
    if not reason:
        raise PastoralError("Record the reason for this decision.")
    if decision not in Concern.Decision.values:
        raise PastoralError("Choose a decision.")
    DecisionRecord.objects.create(concern=concern, decision=decision, reason=reason, decided_by=actor)
    concern.decision = decision
    fields = ["decision"]
    if concern.status == Concern.Status.NEW:
        concern.status = Concern.Status.OPEN
        fields.append("status")
    if concern.owner_id is None:
        concern.owner = actor
        fields.append("owner")
    concern.save(update_fields=fields)
    audit.record("safeguarding.concern.triaged", actor=actor, obj=concern, data={"decision": decision})
    return concern


def action_add(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) adds one action."""
    create = lambda: _action_add(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(CaseAction, "created_by", actor, submission_key, create)


@transaction.atomic
def _action_add(*, actor, concern, description, owner, due_on, submission_key):
    _require_manage(actor, concern)
    _open(concern)
    if not access.is_member_of(owner, concern.school_id):
        raise PastoralError("The action's owner must work at this school.")
    action = CaseAction.objects.create(
        concern=concern,
        description=description,
        owner=owner,
        due_on=due_on,
        created_by=actor,
        submission_key=submission_key,
    )
    audit.record("safeguarding.action.added", actor=actor, obj=concern, data={"owner": str(owner)})
    return action


@transaction.atomic
def action_complete(*, actor, action):
    _require_manage(actor, action.concern)
    if action.done_at:
        raise PastoralError("This action is already done.")
    action.done_at = timezone.now()
    action.done_by = actor
    action.save(update_fields=["done_at", "done_by"])
    audit.record("safeguarding.action.completed", actor=actor, obj=action.concern)
    return action


def note_add(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) adds one note."""
    create = lambda: _note_add(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(CaseNote, "author", actor, submission_key, create)


@transaction.atomic
def _note_add(*, actor, concern, text, submission_key):
    _require_manage(actor, concern)
    if not (text or "").strip():
        raise PastoralError("Write the note.")
    note = CaseNote.objects.create(concern=concern, text=text, author=actor, submission_key=submission_key)
    audit.record("safeguarding.note.added", actor=actor, obj=concern)
    return note


@transaction.atomic
def concern_link(*, actor, concern, other=None, pupil=None):
    _require_manage(actor, concern)
    if other is not None:
        if other.pk == concern.pk or other.school_id != concern.school_id:
            raise PastoralError("Link a different concern of this school.")
        if not selectors.concerns_visible_to(actor).filter(pk=other.pk).exists():
            raise PastoralError("Link a concern you can see.")
        concern.linked.add(other)
        audit.record("safeguarding.concern.linked", actor=actor, obj=concern, data={"concern": other.reference})
    if pupil is not None:
        # Re-checked here whatever the form offered: the pupil must be one the actor may see.
        if not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
            raise PastoralError("Link a pupil you can see.")
        if pupil.school_id != concern.school_id:
            raise PastoralError("Link a pupil of this school.")
        concern.pupils.add(pupil)
        audit.record("safeguarding.pupil.linked", actor=actor, obj=concern, pupil=pupil)
    return concern


@transaction.atomic
def concern_close(*, actor, concern, outcome, referral_made, referral_rationale):
    _require_manage(actor, concern)
    _open(concern)
    if not (outcome or "").strip():
        raise PastoralError("Record the outcome before closing.")
    if referral_made is None or not (referral_rationale or "").strip():
        raise PastoralError("Say whether a referral was made and why (KCSIE asks for the rationale either way).")
    if not concern.decisions.exists():
        raise PastoralError("Record a triage decision before closing.")
    concern.outcome = outcome
    concern.referral_made = referral_made
    concern.referral_rationale = referral_rationale
    concern.status = Concern.Status.CLOSED
    concern.closed_at = timezone.now()
    concern.closed_by = actor
    concern.save(update_fields=["outcome", "referral_made", "referral_rationale", "status", "closed_at", "closed_by"])
    audit.record("safeguarding.concern.closed", actor=actor, obj=concern)
    return concern


@transaction.atomic
def concern_amend(*, actor, concern, field, new_text, reason):
    """Corrections never overwrite silently: the old wording, the new, who and why are kept."""
    _require_manage(actor, concern)
    if field not in Amendment.FIELDS:
        raise PastoralError("That part of the concern cannot be amended.")
    if not (reason or "").strip():
        raise PastoralError("Say why the record is being corrected.")
    old = getattr(concern, field)
    if old == new_text:
        raise PastoralError("The new text is the same as the old.")
    if field == "account" and not new_text.strip():
        raise PastoralError("What was seen or heard cannot be empty.")
    Amendment.objects.create(
        concern=concern, field=field, old_text=old, new_text=new_text, reason=reason, amended_by=actor
    )
    setattr(concern, field, new_text)
    concern.save(update_fields=[field])
    audit.record("safeguarding.concern.amended", actor=actor, obj=concern, data={"field": field})
    return concern


def concern_share(*, actor, concern, grantee):
    _require_manage(actor, concern)
    if not access.has_school_perm(grantee, concern.school_id, "pastoral.view_pupil"):
        raise PastoralError("You can share only with staff of this school who work with pupils.")
    with transaction.atomic():
        record_access_grant(actor=actor, grantee=grantee, perm="safeguarding.read_concern", obj=concern)
        audit.record("safeguarding.concern.shared", actor=actor, obj=concern, data={"grantee": str(grantee)})


def concern_unshare(*, actor, concern, grantee):
    _require_manage(actor, concern)
    with transaction.atomic():
        record_access_revoke(actor=actor, grantee=grantee, perm="safeguarding.read_concern", obj=concern)
        audit.record("safeguarding.concern.unshared", actor=actor, obj=concern, data={"grantee": str(grantee)})


# --- Referrals -----------------------------------------------------------------------------------


def referral_create(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) records one referral."""
    create = lambda: _referral_create(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(Referral, "made_by", actor, submission_key, create)


@transaction.atomic
def _referral_create(*, actor, concern, pupil, agency, referred_on, submission_key, reference="", follow_up_due=None):
    _require_manage(actor, concern)
    if not concern.pupils.filter(pk=pupil.pk).exists():
        raise PastoralError("Choose one of the concern's pupils.")
    if follow_up_due and follow_up_due < referred_on:
        raise PastoralError("The follow-up date cannot be before the referral.")
    referral = Referral.objects.create(
        school=concern.school,
        concern=concern,
        pupil=pupil,
        agency=agency,
        referred_on=referred_on,
        reference=reference,
        follow_up_due=follow_up_due,
        made_by=actor,
        submission_key=submission_key,
    )
    audit.record("safeguarding.referral.made", actor=actor, obj=referral, pupil=pupil, data={"agency": agency})
    return referral


@transaction.atomic
def referral_record_outcome(*, actor, referral, outcome, reference="", follow_up_due=None):
    _require(actor, referral.school, selectors.MANAGE)
    if not (outcome or "").strip() and not follow_up_due:
        raise PastoralError("Record the outcome, or a new follow-up date.")
    # Nothing recorded is lost: the audit entry keeps each changed field's old and new value.
    changed = {}
    if outcome.strip() and outcome != referral.outcome:
        changed["outcome"] = (referral.outcome, outcome)
    if reference and reference != referral.reference:
        changed["reference"] = (referral.reference, reference)
    if follow_up_due and follow_up_due != referral.follow_up_due:
        changed["follow_up_due"] = (referral.follow_up_due, follow_up_due)
    if not changed:
        raise PastoralError("Nothing has changed.")
    for name, (_old, new) in changed.items():
        setattr(referral, name, new)
    fields = list(changed)
    if "outcome" in changed:
        referral.outcome_recorded_at = timezone.now()
        fields.append("outcome_recorded_at")
    referral.save(update_fields=fields)
    history = {name: {"from": "" if old is None else str(old), "to": str(new)} for name, (old, new) in changed.items()}
    audit.record("safeguarding.referral.updated", actor=actor, obj=referral, pupil=referral.pupil, data=history)
    return referral


# --- Child-protection file transfer --------------------------------------------------------------


def transfer_create(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) starts one transfer."""
    create = lambda: _transfer_create(actor=actor, submission_key=submission_key, **fields)  # noqa: E731
    return _once(FileTransfer, "created_by", actor, submission_key, create)


@transaction.atomic
def _transfer_create(
    *, actor, school, pupil, kind, leave_date, submission_key, destination="", destination_urn="", **rest
):
    _require(actor, school, selectors.MANAGE)
    if pupil.school_id != school.pk or not pupils_visible_to(actor).filter(pk=pupil.pk).exists():
        raise PastoralError("Choose a pupil of this school.")
    transfer = FileTransfer.objects.create(
        school=school,
        pupil=pupil,
        kind=kind,
        leave_date=leave_date,
        due_by=selectors.transfer_due_by(school, leave_date, kind),
        destination=destination,
        destination_urn=destination_urn,
        destination_unknown=rest.get("destination_unknown", False),
        advance_information=rest.get("advance_information", ""),
        created_by=actor,
        submission_key=submission_key,
    )
    audit.record("safeguarding.transfer.created", actor=actor, obj=transfer, pupil=pupil)
    return transfer


@transaction.atomic
def transfer_mark_sent(*, actor, transfer, method, sent_at=None):
    _require(actor, transfer.school, selectors.MANAGE)
    if transfer.sent_at:
        raise PastoralError("This file has already been sent.")
    if method not in FileTransfer.Method.values:
        raise PastoralError("Choose how the file was sent.")
    sent_at = sent_at or timezone.now()
    if timezone.localdate(sent_at) < transfer.leave_date:
        # Only advance information goes before the pupil leaves; the file itself follows the leaving date.
        raise PastoralError(
            f"The pupil leaves on {uk_date(transfer.leave_date)}, so the file cannot be recorded as sent before then. "
            "Share anything urgent as advance information, and record the file as sent once it goes."
        )
    transfer.sent_at = sent_at
    transfer.sent_by = actor
    transfer.method = method
    transfer.save(update_fields=["sent_at", "sent_by", "method"])
    audit.record("safeguarding.transfer.sent", actor=actor, obj=transfer, pupil=transfer.pupil, data={"method": method})
    return transfer


@transaction.atomic
def transfer_confirm_receipt(*, actor, transfer, received_on, confirmed_by):
    _require(actor, transfer.school, selectors.MANAGE)
    if not transfer.sent_at:
        raise PastoralError("Record how the file was sent first.")
    if transfer.receipt_confirmed_on:
        raise PastoralError("Receipt has already been recorded for this file.")
    if not (confirmed_by or "").strip():
        raise PastoralError("Give the name and role of the person who confirmed receipt.")
    transfer.receipt_confirmed_on = received_on
    transfer.receipt_confirmed_by = confirmed_by
    transfer.save(update_fields=["receipt_confirmed_on", "receipt_confirmed_by"])
    audit.record("safeguarding.transfer.receipted", actor=actor, obj=transfer, pupil=transfer.pupil)
    return transfer


def incoming_upload(*, actor, submission_key=None, **fields):
    """The same form sent twice (same submission key) stores one file; a failed save leaves no file on disk."""

    def create():
        return _removing_files_on_failure(
            lambda written: _incoming_upload(actor=actor, submission_key=submission_key, written=written, **fields)
        )

    return _once(IncomingFile, "uploaded_by", actor, submission_key, create)


@transaction.atomic
def expected_file_create(*, actor, school, pupil, from_school, expected_by=None):
    """The school waits for a CP file from a new pupil's previous school; it is chased once `expected_by` passes."""
    from pastoral.calendar.school_days import SchoolCalendar

    _require(actor, school, selectors.MANAGE)
    if pupil.school_id != school.pk:
        raise PastoralError("Choose a pupil of this school.")
    today = timezone.localdate()
    if expected_by is None:
        expected_by = SchoolCalendar.for_school(school, weekdays_without_terms=True).add_school_days(today, 5)
    if ExpectedFile.objects.filter(pupil=pupil, received__isnull=True, closed_at__isnull=True).exists():
        raise PastoralError("A file for this pupil is already expected.")
    expected = ExpectedFile.objects.create(
        school=school, pupil=pupil, from_school=from_school, expected_by=expected_by, created_by=actor
    )
    audit.record(
        "safeguarding.expected.created",
        actor=actor,
        obj=expected,
        pupil=pupil,
        data={"from": from_school, "by": expected_by.isoformat()},
    )
    return expected


@transaction.atomic
def expected_file_chase(*, actor, expected, note):
    _require(actor, expected.school, selectors.MANAGE)
    expected = ExpectedFile.objects.select_for_update().get(pk=expected.pk)
    if not expected.is_open:
        raise PastoralError("This file is no longer awaited.")
    expected.last_chased_on = timezone.localdate()
    expected.chase_note = note
    expected.save(update_fields=["last_chased_on", "chase_note"])
    audit.record("safeguarding.expected.chased", actor=actor, obj=expected, pupil=expected.pupil, data={"note": note})
    return expected


@transaction.atomic
def expected_file_close(*, actor, expected, reason):
    _require(actor, expected.school, selectors.MANAGE)
    expected = ExpectedFile.objects.select_for_update().get(pk=expected.pk)
    if not expected.is_open:
        raise PastoralError("This file is no longer awaited.")
    expected.closed_at = timezone.now()
    expected.closed_reason = reason
    expected.save(update_fields=["closed_at", "closed_reason"])
    audit.record(
        "safeguarding.expected.closed", actor=actor, obj=expected, pupil=expected.pupil, data={"reason": reason}
    )
    return expected


@transaction.atomic
def _incoming_upload(*, actor, school, pupil, from_school, received_on, upload, submission_key, written):
    _require(actor, school, selectors.MANAGE)
    if pupil.school_id != school.pk:
        raise PastoralError("Choose a pupil of this school.")
    incoming = IncomingFile(
        school=school,
        pupil=pupil,
        from_school=from_school,
        received_on=received_on,
        name=display_name(upload.name),
        content_type=_checked_type(upload),
        size=upload.size,
        uploaded_by=actor,
        submission_key=submission_key,
    )
    incoming.file.save(upload.name, upload, save=False)
    written.append(incoming.file)
    incoming.save()
    audit.record("safeguarding.incoming.uploaded", actor=actor, obj=incoming, pupil=pupil)
    # The file the school was waiting for has come: it is no longer chased.
    waiting = ExpectedFile.objects.select_for_update().filter(
        pupil=pupil, received__isnull=True, closed_at__isnull=True
    )
    for expected in waiting:
        expected.received = incoming
        expected.save(update_fields=["received"])
    return incoming
