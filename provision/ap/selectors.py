"""Reads for alternative provision. Every list, panel, card, export, report line and task reads through
`providers_visible_to(user)`, `placements_visible_to(user)` or, for a provider's own contact,
`portal_placements_for(user)`.

Who sees what:
- the AP coordinator and headteacher keep the trust's provider register and commission, review and end
  placements of their school (`provision.manage_ap`);
- the DSL, deputy DSL, pastoral lead, pastoral staff and SENCo read the school's placements (`provision.view_ap`);
- trust leaders see every placement and the spend across the trust (`provision.view_ap_trust`);
- a provider's contact sees only its provider's active placements, in schools of the trust that holds their role,
  and nothing else of the app (see portal.py).
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from pastoral import breakglass
from pastoral.accounts import access
from pastoral.models import School

from .models import (
    DEFAULT_CHECK_MONTHS,
    DEFAULT_CUTOFF,
    DEFAULT_REVIEW_WEEKS,
    APSchoolSettings,
    APTrustSettings,
    DueDiligenceCheck,
    Placement,
    Provider,
    ProviderAccount,
)

MANAGE = "provision.manage_ap"
VIEW = "provision.view_ap"
TRUST = "provision.view_ap_trust"
PORTAL = "provision.ap_provider_portal"
# Checks a provider must have current before a placement starts (the QA visit is flagged when overdue).
REQUIRED_KINDS = (DueDiligenceCheck.Kind.SAFEGUARDING,)
# Full-time places of compulsory school age at an unregistered provider that oblige it to register.
REGISTRATION_PUPILS = 5
COMPULSORY_YEARS = range(1, 12)


def _trust_ids(user, *perms):
    school_ids = set()
    for perm in perms:
        school_ids |= set(access.schools_with_perm(user, perm))
    if not school_ids:
        return []
    return list(School.objects.filter(pk__in=school_ids).values_list("trust_id", flat=True).distinct())


def providers_visible_to(user):
    """The registers of the trusts where the user reads or keeps placements."""
    return Provider.objects.filter(trust_id__in=_trust_ids(user, MANAGE, VIEW, TRUST))


def providers_managed_by(user):
    return Provider.objects.filter(trust_id__in=_trust_ids(user, MANAGE))


# The break-glass record kind (pastoral.breakglass): one placement, opened read-only in an emergency.
KIND = "provision.ap_placement"


def _reading_schools(user):
    return set(access.schools_with_perm(user, VIEW)) | set(access.schools_with_perm(user, TRUST))


def placements_visible_to(user):
    condition = Q(school_id__in=_reading_schools(user))
    glass = breakglass.granted(user, KIND)
    return Placement.objects.filter(condition | glass if glass is not None else condition)


def can_read_placement(user, placement):
    """On the placement's access list (without any break-glass opening)."""
    return placement.school_id in _reading_schools(user)


def placements_counted_for(user):
    """Placements of the schools whose AP figures the user may see in reports: never shown one by one."""
    return Placement.objects.filter(school_id__in=access.schools_with_perm(user, "provision.view_ap_counts"))


def account_of(user):
    if not user or not user.is_authenticated:
        return None
    cached = getattr(user, "_ap_provider_account", False)
    if cached is False:
        cached = ProviderAccount.objects.select_related("provider").filter(user=user).first()
        user._ap_provider_account = cached
    return cached


def is_provider_account(user):
    """True for an account holding a current provider role (read from the roles cached for the request, so no
    extra query). An account whose roles have all ended is signed out by the core."""
    from pastoral.accounts.roles import Role

    if not user or not user.is_authenticated:
        return False
    return any(Role.AP_PROVIDER in roles for roles in access.school_roles(user).values())


def portal_placements_for(user):
    """The provider's active placements in the schools where the user's provider role is current."""
    account = account_of(user)
    if account is None:
        return Placement.objects.none()
    return Placement.objects.filter(
        provider_id=account.provider_id,
        provider__trust_id=account.provider.trust_id,
        school_id__in=access.schools_with_perm(user, PORTAL),
        status=Placement.Status.ACTIVE,
    )


def get_placement_for_user(user, code):
    placement = (
        Placement.objects.select_related("pupil", "school", "provider", "site", "reintegration_plan")
        .filter(code=code)
        .first()
    )
    if placement is not None and placements_visible_to(user).filter(pk=placement.pk).exists():
        breakglass.note_read(user, KIND, placement)
        return placement
    breakglass.refuse(
        user,
        placement,
        code,
        None,
        allowed_to_know=placement is not None and access.is_member_of(user, placement.school_id),
        noun="placement",
        kind_name=KIND,
    )


def get_managed_placement(user, code):
    placement = get_placement_for_user(user, code)
    if not can_manage(user, placement.school_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return placement


def get_provider_for_user(user, code):
    from django.http import Http404

    provider = Provider.objects.filter(code=code).first()
    if provider is not None and providers_visible_to(user).filter(pk=provider.pk).exists():
        return provider
    # Staff of the trust know its register exists: told "not allowed"; anyone else "not found".
    if provider is not None and School.objects.filter(pk__in=access.school_roles(user), trust_id=provider.trust_id):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    raise Http404("No such provider")


def get_managed_provider(user, code):
    from django.core.exceptions import PermissionDenied

    provider = get_provider_for_user(user, code)
    if not providers_managed_by(user).filter(pk=provider.pk).exists():
        raise PermissionDenied
    return provider


def get_portal_placement(user, code):
    from django.http import Http404

    placement = portal_placements_for(user).select_related("pupil", "school", "provider", "site").filter(code=code)
    placement = placement.first()
    if placement is None:
        raise Http404("No such placement")
    return placement


def can_manage(user, school):
    return access.has_school_perm(user, school, MANAGE)


def can_view(user, school):
    return access.has_school_perm(user, school, VIEW)


# Settings -------------------------------------------------------------------------------------------------------


def check_months(trust_id):
    value = APTrustSettings.objects.filter(trust_id=trust_id).values_list("check_valid_months", flat=True).first()
    return value or DEFAULT_CHECK_MONTHS


def school_settings(school):
    found = APSchoolSettings.objects.filter(school=school).first()
    return found or APSchoolSettings(school=school, return_cutoff=DEFAULT_CUTOFF, review_weeks=DEFAULT_REVIEW_WEEKS)


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


# Due diligence ---------------------------------------------------------------------------------------------------


def latest_checks(provider_ids):
    """{provider id: {kind: newest check}} in one query."""
    found = {}
    rows = (
        DueDiligenceCheck.objects.filter(provider_id__in=list(provider_ids))
        .select_related("checked_by", "provider")
        .order_by("provider_id", "kind", "-checked_on", "-pk")
        .distinct("provider_id", "kind")
    )
    for check in rows:
        found.setdefault(check.provider_id, {})[check.kind] = check
    return found


def check_state(checks, today=None):
    """(expired kinds, missing required kinds) for one provider's newest checks."""
    today = today or timezone.localdate()
    expired = [kind for kind, check in checks.items() if check.expires_on < today]
    missing = [kind for kind in REQUIRED_KINDS if kind not in checks]
    return expired, missing


def current_safeguarding(provider, today=None):
    today = today or timezone.localdate()
    return (
        DueDiligenceCheck.objects.filter(
            provider=provider,
            kind=DueDiligenceCheck.Kind.SAFEGUARDING,
            checked_on__lte=today,
            expires_on__gte=today,
        )
        .exclude(document="")
        .order_by("-checked_on")
        .first()
    )


def expired_kinds(provider, today=None):
    return check_state(latest_checks([provider.pk]).get(provider.pk, {}), today)[0]


def expiring_checks(providers, within_days=30, today=None):
    """Newest checks of these providers that have expired or expire within `within_days`, soonest first."""
    today = today or timezone.localdate()
    found = []
    for checks in latest_checks(providers.values_list("pk", flat=True)).values():
        for check in checks.values():
            if check.expires_on <= today + datetime.timedelta(days=within_days):
                found.append(check)
    return sorted(found, key=lambda check: (check.expires_on, check.pk))


def qa_visits_due(providers, today=None):
    """Providers with current placements whose newest QA visit has expired, or who never had one."""
    today = today or timezone.localdate()
    used = providers.filter(Exists(Placement.objects.filter(provider=OuterRef("pk"), status__in=Placement.CURRENT)))
    used = list(used)
    checks = latest_checks([p.pk for p in used])
    due = []
    for provider in used:
        visit = checks.get(provider.pk, {}).get(DueDiligenceCheck.Kind.QA_VISIT)
        if visit is None or visit.expires_on < today:
            due.append((provider, visit))
    return due


# Registration warning -------------------------------------------------------------------------------------------


def registration_warnings(providers):
    """Unregistered providers with full-time places, across all the trust's current placements, for 5 or more
    pupils of compulsory school age or for 1 who is looked after or has an EHCP: [(provider, pupils, reason)]."""
    from pastoral.models import Pupil

    rows = (
        Placement.objects.filter(
            provider__in=providers.filter(registration=Provider.Registration.UNREGISTERED),
            status__in=Placement.CURRENT,
            full_time=True,
            pupil__year_group__in=list(COMPULSORY_YEARS),
        )
        .values_list("provider_id", "pupil_id", "pupil__looked_after", "pupil__sen_status")
        .distinct()
    )
    counts, special = {}, {}
    for provider_id, pupil_id, looked_after, sen in rows:
        counts.setdefault(provider_id, set()).add(pupil_id)
        if looked_after or sen == Pupil.SEN.EHCP:
            special.setdefault(provider_id, set()).add(pupil_id)
    flagged = [pid for pid, pupils in counts.items() if len(pupils) >= REGISTRATION_PUPILS or special.get(pid)]
    if not flagged:
        return []
    warnings = []
    for provider in Provider.objects.filter(pk__in=flagged).order_by("name"):
        pupils = len(counts[provider.pk])
        if special.get(provider.pk):
            reason = (
                f"full-time for {len(special[provider.pk])} pupil(s) who are looked after or have an EHCP"
                f" ({pupils} full-time of compulsory school age in all)"
            )
        else:
            reason = f"full-time for {pupils} pupils of compulsory school age"
        warnings.append((provider, pupils, reason))
    return warnings


# Attendance returns ---------------------------------------------------------------------------------------------


def sessions_due(placements, day):
    """[(placement, [sessions])] of these placements' timetabled sessions on `day`."""
    found = []
    for placement in placements:
        sessions = placement.sessions_on(day)
        if sessions:
            found.append((placement, sessions))
    return found


def missing_returns(placements, day, sessions=("AM", "PM")):
    """[(placement, [sessions with no return])] for active placements timetabled on `day`, in two queries."""
    from .models import AttendanceReturn

    placements = list(
        placements.filter(status=Placement.Status.ACTIVE, start__lte=day)
        .filter(Q(planned_end__isnull=True) | Q(planned_end__gte=day))
        .select_related("pupil", "provider", "school")
        .order_by("pupil__legal_last_name", "pk")
    )
    if not placements:
        return []
    returned = set(
        AttendanceReturn.objects.filter(placement__in=placements, date=day).values_list("placement_id", "session")
    )
    found = []
    for placement, due in sessions_due(placements, day):
        gaps = [s for s in due if s in sessions and (placement.pk, s) not in returned]
        if gaps:
            found.append((placement, gaps))
    return found


def period_attendance(placement, first, last):
    """(attended, returned) sessions of the placement from `first` to `last`."""
    from .models import AttendanceReturn

    rows = AttendanceReturn.objects.filter(placement=placement, date__gte=first, date__lte=last)
    marks = list(rows.values_list("mark", flat=True))
    attended = sum(1 for mark in marks if mark != AttendanceReturn.Mark.ABSENT)
    return attended, len(marks)


def overdue_reviews(placements, today=None):
    today = today or timezone.localdate()
    return placements.filter(status__in=Placement.CURRENT, next_review__lt=today)
