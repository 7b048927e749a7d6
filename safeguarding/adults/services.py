"""Writes for cases about adults: keyword-only `<entity>_<action>` functions, one transaction each, audited.

The audit entries name the case by its reference only (its `__str__`), never the person it is about.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from pastoral import audit, outbox
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import Membership, User
from pastoral.selectors import staff_holding

from . import selectors
from .models import AdultCase, AdultCaseSettings, AdultConcernReview, retention_for


def _require(actor, school, perm):
    if not access.has_school_perm(actor, school, perm):
        raise PastoralError("You do not have permission to do that in this school.")


def _require_case(actor, case, *, open_only=True):
    if not selectors.cases_visible_to(actor).filter(pk=case.pk).exists():
        raise PastoralError("You do not manage this case.")
    if open_only and case.status == AdultCase.Status.CONCLUDED:
        raise PastoralError("This case is concluded; its record can no longer be changed.")


def staff_choices(school):
    """Staff accounts of the school a case may be about (current roles only)."""
    return staff_holding(school, Role.values)


def is_headteacher_of(user, school):
    return user is not None and staff_holding(school, [Role.HEADTEACHER]).filter(pk=user.pk).exists()


def adult_case_raise(
    *,
    actor,
    school,
    kind,
    subject_category,
    behaviour,
    occurred_on,
    account,
    submission_key,
    subject_user=None,
    subject_name="",
    children="",
):
    """Record a concern or allegation; a resubmitted form returns the case it made the first time."""
    try:
        return _raise(
            actor=actor,
            school=school,
            kind=kind,
            subject_user=subject_user,
            subject_name=subject_name,
            subject_category=subject_category,
            behaviour=behaviour,
            occurred_on=occurred_on,
            account=account,
            children=children,
            submission_key=submission_key,
        )
    except IntegrityError:
        case = AdultCase.objects.filter(raised_by=actor, submission_key=submission_key).first()
        if case is None:
            raise
        return case


@transaction.atomic
def _raise(*, actor, school, submission_key, subject_user, subject_name, **fields):
    _require(actor, school, selectors.RAISE)
    existing = AdultCase.objects.filter(raised_by=actor, submission_key=submission_key).first()
    if existing is not None:
        return existing
    if subject_user is not None and not staff_choices(school).filter(pk=subject_user.pk).exists():
        raise PastoralError("Choose a member of staff of this school, or type the person's name.")
    case = AdultCase(
        school=school,
        raised_by=actor,
        submission_key=submission_key,
        subject_user=subject_user,
        # A staff account names the person; a typed name is kept only when no account was chosen.
        subject_name="" if subject_user is not None else subject_name.strip(),
        about_headteacher=is_headteacher_of(subject_user, school),
        **fields,
    )
    case.full_clean()
    case.save()
    audit.record("safeguarding.adult_case.raised", actor=actor, obj=case, data={"kind": case.kind})
    from ..tasks import notify_adult_case_raised_task

    for user_id in case_manager_ids(case):
        outbox.enqueue(notify_adult_case_raised_task, case.pk, user_id)
    return case


def case_manager_ids(case):
    """Who is told a case was raised: the headteacher (and the DSL and deputies where the school shares case
    management), or for a case about a headteacher the trust safeguarding leads; never the person it is about.
    The task checks again that each may read the case."""
    school = case.school
    today = timezone.localdate()
    if case.about_headteacher:
        current = Membership.objects.filter(
            trust_id=school.trust_id,
            school__isnull=True,
            role=Role.TRUST_DSL,
            starts_on__lte=today,
            approved_at__isnull=False,
        ).exclude(ends_on__lt=today)
        users = User.objects.filter(is_active=True, id__in=current.values("user_id"))
    else:
        roles = [Role.HEADTEACHER]
        if selectors.settings_for(school).dsl_shares_case_management:
            roles += [Role.DSL, Role.DEPUTY_DSL]
        users = staff_holding(school, roles)
    if case.subject_user_id:
        users = users.exclude(pk=case.subject_user_id)
    return list(users.order_by("pk").values_list("pk", flat=True))


@transaction.atomic
def adult_case_refer_lado(*, actor, case, referred_on, advice, late_reason=""):
    """The referral to the LADO: when, by whom, the advice given; a reason is needed when it was late."""
    _require_case(actor, case)
    if not case.is_allegation:
        raise PastoralError("Only allegations are referred to the LADO.")
    if case.lado_referred_on is not None:
        raise PastoralError("The referral to the LADO is already recorded.")
    if referred_on > timezone.localdate():
        raise PastoralError("The referral date cannot be in the future.")
    if referred_on < timezone.localdate(case.raised_at):
        raise PastoralError("The referral date cannot be before the allegation was raised.")
    due = selectors.lado_due_by(case)
    if referred_on > due and not late_reason.strip():
        raise PastoralError(f"This is later than one working day (due by {due:%d/%m/%Y}): say why.")
    case.lado_referred_on = referred_on
    case.lado_referred_by = actor
    case.lado_advice = advice
    case.lado_late_reason = late_reason.strip()
    case.full_clean()
    case.save(update_fields=["lado_referred_on", "lado_referred_by", "lado_advice", "lado_late_reason"])
    audit.record(
        "safeguarding.adult_case.lado_referred",
        actor=actor,
        obj=case,
        data={"referred_on": referred_on.isoformat(), "late": selectors.lado_late(case)},
    )
    return case


@transaction.atomic
def adult_case_record_strategy(*, actor, case, meeting_on, notes):
    _require_case(actor, case)
    if not case.is_allegation:
        raise PastoralError("Strategy meetings are for allegations.")
    if meeting_on > timezone.localdate():
        raise PastoralError("Record the strategy meeting once it has happened.")
    case.strategy_meeting_on = meeting_on
    case.strategy_notes = notes
    case.save(update_fields=["strategy_meeting_on", "strategy_notes"])
    audit.record(
        "safeguarding.adult_case.strategy_recorded",
        actor=actor,
        obj=case,
        data={"meeting_on": meeting_on.isoformat()},
    )
    return case


@transaction.atomic
def adult_case_record_suspension(*, actor, case, suspended_from, suspended_until, reason):
    _require_case(actor, case)
    if not case.is_allegation:
        raise PastoralError("Suspension is considered for allegations only.")
    case.suspended_from = suspended_from
    case.suspended_until = suspended_until
    case.suspension_reason = reason
    case.full_clean()
    case.save(update_fields=["suspended_from", "suspended_until", "suspension_reason"])
    audit.record(
        "safeguarding.adult_case.suspension_recorded",
        actor=actor,
        obj=case,
        data={"from": str(suspended_from or ""), "until": str(suspended_until or "")},
    )
    return case


@transaction.atomic
def adult_case_conclude(*, actor, case, conclusion, outcome="", pension_age_on=None):
    """Close the case with its outcome (an allegation) or what was done (a low-level concern), and record the
    retention rule that outcome brings. A false or malicious allegation is marked "remove" (from the personnel
    record, kept elsewhere); this record is kept, never deleted."""
    _require_case(actor, case)
    if case.is_allegation and not outcome:
        raise PastoralError("Choose the outcome of the allegation.")
    if not conclusion.strip():
        raise PastoralError("Give the reasons and the action taken.")
    case.outcome = outcome if case.is_allegation else ""
    case.conclusion = conclusion
    case.pension_age_on = pension_age_on
    case.status = AdultCase.Status.CONCLUDED
    case.concluded_at = timezone.now()
    case.concluded_by = actor
    case.retention, case.retain_until = retention_for(case, timezone.localdate())
    case.full_clean()
    case.save()
    audit.record(
        "safeguarding.adult_case.concluded",
        actor=actor,
        obj=case,
        data={"outcome": case.outcome, "retention": case.retention},
    )
    return case


@transaction.atomic
def adult_review_record(*, actor, school, reviewed_on, notes):
    """The case manager's termly review of low-level concerns for patterns."""
    if not selectors.manages_in(actor, school):
        raise PastoralError("Only the case manager records this review.")
    if reviewed_on > timezone.localdate():
        raise PastoralError("The review date cannot be in the future.")
    review = AdultConcernReview.objects.create(school=school, reviewed_on=reviewed_on, reviewed_by=actor, notes=notes)
    audit.record("safeguarding.adult_review.recorded", actor=actor, obj=review, school=school)
    return review


@transaction.atomic
def adult_settings_save(*, actor, school, dsl_shares_case_management):
    """Only the headteacher decides whether the DSL shares case management."""
    _require(actor, school, selectors.MANAGE)
    settings, _created = AdultCaseSettings.objects.select_for_update().get_or_create(school=school)
    before = settings.dsl_shares_case_management
    settings.dsl_shares_case_management = dsl_shares_case_management
    settings.updated_by = actor
    settings.save()
    if before != dsl_shares_case_management:
        audit.record(
            "safeguarding.adult_settings.changed",
            actor=actor,
            school=school,
            data={"dsl_shares_case_management": dsl_shares_case_management},
        )
    return settings


def record_read(*, actor, action, obj=None, school=None, data=None):
    """Every read of a case, a list of cases or the pattern page is written to the audit log."""
    with transaction.atomic():
        return audit.record(action, actor=actor, obj=obj, school=school, data=data)
