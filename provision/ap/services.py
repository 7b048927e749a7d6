"""Writes for alternative provision: keyword-only `<entity>_<action>` functions, one transaction each, audited."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import PDF, checked_content_type, display_name
from pastoral.models import Membership, User

from . import selectors
from .models import (
    APSchoolSettings,
    APTrustSettings,
    AttendanceReturn,
    DueDiligenceCheck,
    InformationShare,
    MissingReturnAlert,
    ObjectiveProgress,
    Placement,
    PlacementObjective,
    PlacementReview,
    ProgressReport,
    ProviderAccount,
    ProviderSite,
)

DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = frozenset({PDF, "image/png", "image/jpeg"})


def _require(actor, school, perm=selectors.MANAGE):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _require_trust(actor, trust_id):
    if trust_id not in selectors._trust_ids(actor, selectors.MANAGE):
        raise PastoralError("You do not keep the provider register of this trust.")


def _store(record, field, upload):
    """Checks the upload by its content (a PDF, PNG or JPEG), then stores it under a random name."""
    try:
        content_type = checked_content_type(upload, limit=DOCUMENT_MAX_BYTES, allowed=DOCUMENT_TYPES)
    except ValidationError as error:
        if error.code == "too_large":
            raise PastoralError("The document must be 10 MB or smaller.") from error
        raise PastoralError("Upload the document as a PDF, PNG or JPEG file.") from error
    setattr(record, f"{field}_type", content_type)
    setattr(record, f"{field}_name", display_name(upload.name))
    getattr(record, field).save("upload", upload, save=False)


def _locked(placement):
    locked = Placement.objects.select_for_update().get(pk=placement.pk)
    locked.pupil, locked.school, locked.provider = placement.pupil, placement.school, placement.provider
    return locked


# Settings -------------------------------------------------------------------------------------------------------


@transaction.atomic
def trust_settings_save(*, actor, trust, check_valid_months):
    _require_trust(actor, trust.pk)
    APTrustSettings.objects.update_or_create(trust=trust, defaults={"check_valid_months": check_valid_months})
    audit.record("provision.ap.settings_changed", actor=actor, data={"check_valid_months": check_valid_months})


@transaction.atomic
def school_settings_save(*, actor, school, return_cutoff, review_weeks):
    _require(actor, school)
    APSchoolSettings.objects.update_or_create(
        school=school, defaults={"return_cutoff": return_cutoff, "review_weeks": review_weeks}
    )
    audit.record(
        "provision.ap.settings_changed",
        actor=actor,
        school=school,
        data={"return_cutoff": return_cutoff.strftime("%H:%M"), "review_weeks": review_weeks},
    )


# Provider register ----------------------------------------------------------------------------------------------


@transaction.atomic
def provider_save(*, actor, provider, school=None):
    """Adds a provider to the register of the actor's trust, or saves its changes."""
    if provider.pk is None:
        if school is None:
            raise PastoralError("Choose the school whose trust keeps this provider.")
        provider.trust_id = school.trust_id
        provider.created_by = actor
    _require_trust(actor, provider.trust_id)
    made = provider.pk is None
    provider.full_clean()
    provider.save()
    audit.record(
        "provision.ap.provider_added" if made else "provision.ap.provider_changed",
        actor=actor,
        obj=provider,
        school=school,
        data={"registration": provider.registration},
    )
    return provider


@transaction.atomic
def site_add(*, actor, provider, name, address):
    _require_trust(actor, provider.trust_id)
    site = ProviderSite(provider=provider, name=name, address=address)
    site.full_clean()
    site.save()
    audit.record("provision.ap.site_added", actor=actor, obj=provider, data={"site": name})
    return site


@transaction.atomic
def check_record(
    *, actor, provider, kind, checked_on, checked_by=None, covers=(), visitor="", findings="", document=None
):
    """A dated due-diligence check. It stays current for the trust's interval from the date of the check.

    The safeguarding confirmation is the provider's written confirmation, uploaded and checked by its content, and
    must cover every check the guidance lists."""
    _require_trust(actor, provider.trust_id)
    if checked_on > timezone.localdate():
        raise PastoralError("A check cannot be dated in the future.")
    check = DueDiligenceCheck(
        provider=provider,
        kind=kind,
        checked_on=checked_on,
        checked_by=checked_by or actor,
        expires_on=selectors.add_months(checked_on, selectors.check_months(provider.trust_id)),
        covers=sorted(covers),
        visitor=visitor,
        findings=findings,
    )
    if kind == DueDiligenceCheck.Kind.SAFEGUARDING:
        if document is None:
            raise PastoralError("Upload the provider's written safeguarding confirmation.")
        wanted = {key for key, _ in DueDiligenceCheck.SAFEGUARDING_ITEMS}
        if not wanted <= set(covers):
            raise PastoralError("The written confirmation must cover every check listed.")
    if kind == DueDiligenceCheck.Kind.QA_VISIT and not (visitor.strip() and findings.strip()):
        raise PastoralError("Say who visited and what they found.")
    if document is not None:
        _store(check, "document", document)
    check.full_clean()
    check.save()
    audit.record(
        "provision.ap.check_recorded",
        actor=actor,
        obj=provider,
        data={"kind": kind, "checked_on": checked_on.isoformat(), "expires_on": check.expires_on.isoformat()},
    )
    return check


@transaction.atomic
def provider_account_create(*, actor, provider, school, username, email, first_name, last_name):
    """A sign-in for the provider's named contact: the provider role across the trust (approved by a headteacher or
    trust DSL; two-factor at first sign-in, like every account) and a link to the provider, which is all it sees."""
    _require(actor, school)
    _require_trust(actor, provider.trust_id)
    if provider.trust_id != school.trust_id:
        raise PastoralError("The provider is not on this trust's register.")
    if User.objects.filter(username__iexact=username).exists():
        raise PastoralError("That username is taken.")
    user = User(username=username, email=email, first_name=first_name, last_name=last_name, job_title="")
    user.set_unusable_password()  # they choose one through the emailed link
    user.full_clean(exclude=["password"])
    user.save()
    # The role waits for a headteacher or trust DSL of the trust to approve it (roles.TRUST_APPROVED_ROLES); the
    # password link is sent on approval, as for staff.
    membership = Membership.objects.create(
        user=user, school=None, trust_id=provider.trust_id, role=Role.AP_PROVIDER, granted_by=actor, approved_at=None
    )
    account = ProviderAccount.objects.create(user=user, provider=provider, created_by=actor)
    audit.record("provision.ap.account_created", actor=actor, obj=provider, school=school, data={"user": username})
    audit.record(
        "pastoral.membership.granted",
        actor=actor,
        obj=membership,
        data={"role": membership.role, "awaiting_approval": True},
    )
    outbox.enqueue("pastoral.tasks.notify_role_approvers_task", membership.id)
    return account


# Placements -----------------------------------------------------------------------------------------------------


def _block_on_expired(provider):
    expired = selectors.expired_kinds(provider)
    if expired:
        labels = ", ".join(DueDiligenceCheck.Kind(kind).label.lower() for kind in sorted(expired))
        raise PastoralError(f"{provider.name}'s checks have expired ({labels}). Renew them before a new placement.")


@transaction.atomic
def placement_create(*, actor, pupil, provider, objectives=(), site=None, **fields):
    """A proposed placement. Expired checks of the provider block it until they are renewed."""
    school = pupil.school
    _require(actor, school)
    if provider.trust_id != school.trust_id:
        raise PastoralError("Choose a provider on your trust's register.")
    _block_on_expired(provider)
    placement = Placement(school=school, pupil=pupil, provider=provider, site=site, created_by=actor, **fields)
    if not placement.review_weeks:
        placement.review_weeks = selectors.school_settings(school).review_weeks
    placement.full_clean()
    placement.save()
    for objective in objectives:
        PlacementObjective.objects.create(placement=placement, **objective)
    audit.record(
        "provision.ap.placement_proposed",
        actor=actor,
        obj=placement,
        pupil=pupil,
        data={"provider": provider.name, "code": placement.attendance_code},
    )
    return placement


@transaction.atomic
def placement_update(*, actor, placement, fields):
    _require(actor, placement.school)
    placement = _locked(placement)
    if placement.status == Placement.Status.ENDED:
        raise PastoralError("An ended placement stays as it was.")
    for name, value in fields.items():
        setattr(placement, name, value)
    placement.full_clean()
    placement.save()
    audit.record(
        "provision.ap.placement_changed",
        actor=actor,
        obj=placement,
        pupil=placement.pupil,
        data={"changed": sorted(fields)},
    )
    return placement


@transaction.atomic
def objective_add(*, actor, placement, objective, target, due_on, ehcp_outcome=""):
    _require(actor, placement.school)
    if placement.status == Placement.Status.ENDED:
        raise PastoralError("An ended placement stays as it was.")
    item = PlacementObjective(
        placement=placement, objective=objective, target=target, due_on=due_on, ehcp_outcome=ehcp_outcome
    )
    item.full_clean()
    item.save()
    audit.record("provision.ap.objective_added", actor=actor, obj=placement, pupil=placement.pupil)
    return item


@transaction.atomic
def information_shared(*, actor, placement, what, shared_on):
    _require(actor, placement.school)
    share = InformationShare.objects.create(placement=placement, what=what, shared_on=shared_on, shared_by=actor)
    audit.record(
        "provision.ap.information_shared",
        actor=actor,
        obj=placement,
        pupil=placement.pupil,
        data={"shared_on": shared_on.isoformat()},
    )
    return share


@transaction.atomic
def agreement_upload(*, actor, placement, document):
    _require(actor, placement.school)
    placement = _locked(placement)
    _store(placement, "agreement", document)
    placement.save(update_fields=["agreement", "agreement_type", "agreement_name", "updated_at"])
    audit.record("provision.ap.agreement_uploaded", actor=actor, obj=placement, pupil=placement.pupil)
    return placement


@transaction.atomic
def placement_agree(*, actor, placement, agreed_on):
    _require(actor, placement.school)
    placement = _locked(placement)
    if placement.status != Placement.Status.PROPOSED:
        raise PastoralError("Only a proposed placement is agreed.")
    if agreed_on > timezone.localdate():
        raise PastoralError("The placement cannot be agreed on a future date.")
    _block_on_expired(placement.provider)
    placement.status, placement.agreed_on = Placement.Status.AGREED, agreed_on
    placement.save(update_fields=["status", "agreed_on", "updated_at"])
    audit.record("provision.ap.placement_agreed", actor=actor, obj=placement, pupil=placement.pupil)
    return placement


def start_problems(placement, today=None):
    """What stops the placement starting (statutory rules §5), as sentences; none when it may start."""
    today = today or timezone.localdate()
    problems = []
    if not (placement.address or "").strip():
        problems.append("Record the provider's address (or the site's).")
    if selectors.current_safeguarding(placement.provider, today) is None:
        problems.append("The provider has no current written safeguarding confirmation.")
    if selectors.expired_kinds(placement.provider, today):
        problems.append("Some of the provider's checks have expired.")
    if not placement.objectives.exists():
        problems.append("Add at least one objective with a target and a date.")
    if not placement.attendance_code:
        problems.append("Choose the register code (B, D or K).")
    if not placement.sessions:
        problems.append("Choose the timetabled sessions.")
    if placement.part_time and not (placement.planned_end or placement.next_review):
        problems.append("A part-time timetable is temporary: give a planned end or a review date.")
    return problems


@transaction.atomic
def placement_start(*, actor, placement):
    """Agreed → active, once nothing in start_problems() stands in the way."""
    _require(actor, placement.school)
    placement = _locked(placement)
    if placement.status != Placement.Status.AGREED:
        raise PastoralError("Only an agreed placement starts.")
    problems = start_problems(placement)
    if problems:
        raise PastoralError(" ".join(problems))
    placement.status, placement.started_at = Placement.Status.ACTIVE, timezone.now()
    if placement.next_review is None:
        placement.next_review = max(placement.start, timezone.localdate()) + datetime.timedelta(
            weeks=placement.review_weeks
        )
    placement.save(update_fields=["status", "started_at", "next_review", "updated_at"])
    audit.record("provision.ap.placement_started", actor=actor, obj=placement, pupil=placement.pupil)
    return placement


@transaction.atomic
def placement_end(*, actor, placement, end_kind, ended_on, reason="", exit_plan="", reintegration_plan=None):
    """Ends the placement (planned, early with a reason, or made permanent) with its exit plan. The provider's
    contact no longer sees the pupil from this moment."""
    _require(actor, placement.school)
    placement = _locked(placement)
    if placement.status == Placement.Status.ENDED:
        raise PastoralError("This placement has already ended.")
    if end_kind == Placement.EndKind.EARLY and not reason.strip():
        raise PastoralError("Say why the placement ends early.")
    if not exit_plan.strip() and reintegration_plan is None:
        raise PastoralError("Write the exit plan, or link the pupil's reintegration plan.")
    if reintegration_plan is not None and reintegration_plan.pupil_id != placement.pupil_id:
        raise PastoralError("Link a plan of this pupil.")
    placement.status = Placement.Status.ENDED
    placement.end_kind, placement.ended_on, placement.end_reason = end_kind, ended_on, reason
    placement.exit_plan, placement.reintegration_plan = exit_plan, reintegration_plan
    placement.save()
    audit.record(
        "provision.ap.placement_ended",
        actor=actor,
        obj=placement,
        pupil=placement.pupil,
        data={"end_kind": end_kind, "ended_on": ended_on.isoformat()},
    )
    return placement


def placement_viewed(*, actor, placement):
    audit.record("provision.ap.placement_viewed", actor=actor, obj=placement, pupil=placement.pupil)


# Attendance returns ---------------------------------------------------------------------------------------------


def _may_return(actor, placement):
    if selectors.portal_placements_for(actor).filter(pk=placement.pk).exists():
        return True
    return access.has_school_perm(actor, placement.school, selectors.MANAGE)


@transaction.atomic
def returns_submit(*, actor, placement, date, marks):
    """The provider's marks for `date`: {session: (mark, reason, minutes_late)} for timetabled sessions only.
    A mark already sent for a session is corrected (and audited) rather than duplicated."""
    if not _may_return(actor, placement):
        raise PastoralError("You cannot send returns for this placement.")
    if placement.status != Placement.Status.ACTIVE:
        raise PastoralError("Returns are sent for an active placement.")
    today = timezone.localdate()
    if date > today:
        raise PastoralError("A return cannot be sent for a future day.")
    due = placement.sessions_on(date)
    saved = []
    for session, (mark, reason, minutes_late) in marks.items():
        if session not in due:
            raise PastoralError(f"The pupil is not timetabled for the {session} session on that day.")
        if mark == AttendanceReturn.Mark.ABSENT and not reason.strip():
            raise PastoralError("Give the reason for the absence.")
        item, made = AttendanceReturn.objects.update_or_create(
            placement=placement,
            date=date,
            session=session,
            defaults={
                "mark": mark,
                "reason": reason if mark == AttendanceReturn.Mark.ABSENT else "",
                "minutes_late": minutes_late if mark == AttendanceReturn.Mark.LATE else None,
                "submitted_by": actor,
                "submitted_at": timezone.now(),
            },
        )
        saved.append(item)
        audit.record(
            "provision.ap.return_sent" if made else "provision.ap.return_corrected",
            actor=actor,
            obj=placement,
            pupil=placement.pupil,
            data={"date": date.isoformat(), "session": session, "mark": mark},
        )
    remaining = [s for s in due if not AttendanceReturn.objects.filter(placement=placement, date=date, session=s)]
    if not remaining:
        MissingReturnAlert.objects.filter(placement=placement, date=date, resolved_at__isnull=True).update(
            resolved_at=timezone.now()
        )
    return saved


@transaction.atomic
def missing_returns_raise(*, school, now=None):
    """Raises today's alert for each active placement of the school with a timetabled session and no return,
    once the school's cut-off has passed. One alert per placement per day (a second run raises nothing), and the
    emails to the AP coordinators and DSLs go through the outbox keyed by the alert."""
    now = timezone.localtime(now or timezone.now())
    day = now.date()
    from pastoral.calendar.school_days import SchoolCalendar

    if now.time() < selectors.school_settings(school).return_cutoff:
        return []
    if not SchoolCalendar.for_school(school, weekdays_without_terms=True).is_school_day(day):
        return []
    raised = []
    placements = Placement.objects.filter(school=school)
    for placement, gaps in selectors.missing_returns(placements, day):
        if "AM" not in gaps and now.hour < 14:
            continue  # an afternoon-only gap is not late until the afternoon
        try:
            with transaction.atomic():
                alert = MissingReturnAlert.objects.create(
                    school=school, placement=placement, date=day, sessions=",".join(gaps)
                )
        except IntegrityError:
            continue
        audit.record(
            "provision.ap.return_missing",
            obj=placement,
            pupil=placement.pupil,
            data={"date": day.isoformat(), "sessions": gaps},
            actor_label="system",
        )
        for user_id in _alert_recipients(school):
            outbox.enqueue(
                "provision.tasks.send_missing_return_task", alert.pk, user_id, key=f"ap-missing-{alert.pk}-{user_id}"
            )
        raised.append(alert)
    return raised


def _alert_recipients(school):
    from pastoral.selectors import staff_holding

    roles = [Role.AP_COORDINATOR, Role.DSL]
    return list(staff_holding(school, roles).values_list("id", flat=True))


# Reviews and reports --------------------------------------------------------------------------------------------


@transaction.atomic
def review_record(*, actor, placement, held_on, attendees, decision, notes="", progress=()):
    """A review: progress against each objective (−2..+2 with a comment), the attendance since the last review,
    and the decision. The next review follows the placement's schedule."""
    _require(actor, placement.school)
    placement = _locked(placement)
    if not placement.is_current:
        raise PastoralError("Only an agreed or active placement is reviewed.")
    if held_on > timezone.localdate():
        raise PastoralError("A review cannot be recorded for a future day.")
    last = placement.reviews.order_by("-held_on").values_list("held_on", flat=True).first()
    first = (last + datetime.timedelta(days=1)) if last else placement.start
    attended, returned = selectors.period_attendance(placement, first, held_on)
    review = PlacementReview.objects.create(
        placement=placement,
        held_on=held_on,
        due_on=placement.next_review,
        attendees=attendees,
        sessions_attended=attended,
        sessions_returned=returned,
        decision=decision,
        notes=notes,
        reviewed_by=actor,
    )
    objectives = {o.pk: o for o in placement.objectives.all()}
    for objective, score, comment in progress:
        if objective.pk not in objectives:
            raise PastoralError("Score this placement's objectives.")
        if not -2 <= score <= 2:
            raise PastoralError("Progress is scored from −2 to +2.")
        ObjectiveProgress.objects.create(review=review, objective=objective, score=score, comment=comment)
        if score == 2 and not objective.met:
            objective.met = True
            objective.save(update_fields=["met"])
    placement.next_review = held_on + datetime.timedelta(weeks=placement.review_weeks)
    placement.save(update_fields=["next_review", "updated_at"])
    audit.record(
        "provision.ap.reviewed",
        actor=actor,
        obj=placement,
        pupil=placement.pupil,
        data={"decision": decision, "held_on": held_on.isoformat()},
    )
    return review


@transaction.atomic
def report_submit(*, actor, placement, dated, text="", document=None):
    """A progress report from the provider (or typed in by the school), on the pupil's chronology."""
    if not _may_return(actor, placement):
        raise PastoralError("You cannot send reports for this placement.")
    if not placement.is_current:
        raise PastoralError("Reports are sent for a current placement.")
    if not text.strip() and document is None:
        raise PastoralError("Type the report or upload it.")
    if dated > timezone.localdate():
        raise PastoralError("A report cannot be dated in the future.")
    report = ProgressReport(placement=placement, dated=dated, text=text, submitted_by=actor)
    if document is not None:
        _store(report, "document", document)
    report.save()
    audit.record("provision.ap.report_sent", actor=actor, obj=placement, pupil=placement.pupil)
    return report


@transaction.atomic
def account_send_link(*, actor, account):
    """Sends the provider's contact the link to choose a password, once a headteacher or trust DSL has approved
    their role."""
    _require_trust(actor, account.provider.trust_id)
    if not account.user.memberships.filter(role=Role.AP_PROVIDER, approved_at__isnull=False).exists():
        raise PastoralError("The account is waiting for a headteacher or trust DSL to approve it.")
    outbox.enqueue("provision.tasks.send_provider_welcome_task", account.pk, actor.pk)
    audit.record("provision.ap.account_link_sent", actor=actor, obj=account.provider)
