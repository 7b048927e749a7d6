"""Reads for cases about adults: one visibility selector, used by every page, panel and report section.

Who reads what (see docs/adult-allegations.md):
- the headteacher of the school is the case manager: every case of the school except one about a headteacher;
- the trust safeguarding lead is the trust's named person: the cases about a headteacher of a school in the trust;
- the DSL and deputy DSLs read and work the head's cases only where the school has switched
  "DSL shares case management of adult allegations" on;
- nobody ever reads a case about themselves, whatever their role; the IT admin and everyone else read nothing;
- whoever raised a case sees its receipt only (received, when), never the case work.
"""

import datetime

from django.db.models import Count, Q

from pastoral.accounts import access
from pastoral.calendar.school_days import SchoolCalendar, bank_holidays_between
from pastoral.models import User

from .models import AdultCase, AdultCaseSettings, AdultConcernReview

RAISE = "safeguarding.raise_adult_concern"
MANAGE = "safeguarding.manage_adult_cases"
ABOUT_HEAD = "safeguarding.manage_adult_cases_about_head"
SHARE = "safeguarding.share_adult_cases"
COUNTS = "safeguarding.view_adult_case_counts"

# A pattern worth the case manager's attention: the same person named this many times in low-level concerns
# within PATTERN_DAYS, or the same kind of behaviour reported about this many different people.
PATTERN_TIMES = 3
PATTERN_PEOPLE = 3
PATTERN_DAYS = 365


_SHARING_CACHE = "_adult_case_sharing_schools"


def sharing_schools(user):
    """Schools where the user is DSL or deputy and the school has chosen to share case management with them
    (read once per request and kept on the user, like their roles)."""
    cached = getattr(user, _SHARING_CACHE, None)
    if cached is not None:
        return cached
    ids = access.schools_with_perm(user, SHARE)
    found = []
    if ids:
        chosen = AdultCaseSettings.objects.filter(school_id__in=ids, dsl_shares_case_management=True)
        found = list(chosen.values_list("school_id", flat=True))
    if user.is_authenticated:
        setattr(user, _SHARING_CACHE, found)
    return found


def cases_visible_to(user):
    """Cases the user may read in full and work."""
    managed = set(access.schools_with_perm(user, MANAGE)) | set(sharing_schools(user))
    about_head = access.schools_with_perm(user, ABOUT_HEAD)
    cases = AdultCase.objects.filter(
        Q(school_id__in=managed, about_headteacher=False) | Q(school_id__in=about_head, about_headteacher=True)
    )
    return cases.exclude(subject_user=user) if user.is_authenticated else cases.none()


def manages_in(user, school):
    """True if the user works some cases about adults in this school (the list and pattern pages)."""
    school_id = getattr(school, "pk", school)
    return (
        access.has_school_perm(user, school_id, MANAGE)
        or access.has_school_perm(user, school_id, ABOUT_HEAD)
        or school_id in sharing_schools(user)
    )


def receipts_visible_to(user):
    """The raiser's own cases, for the receipt page only."""
    return AdultCase.objects.filter(raised_by=user, school_id__in=access.schools_with_perm(user, RAISE))


def counted_for(user, schools):
    """Cases counted in the termly report for a head or the trust: counts only, never one about the reader."""
    school_ids = [getattr(s, "pk", s) for s in schools]
    allowed = [s for s in school_ids if access.has_school_perm(user, s, COUNTS)]
    return AdultCase.objects.filter(school_id__in=allowed).exclude(subject_user=user)


def reviews_visible_to(user, school):
    if not manages_in(user, school):
        return AdultConcernReview.objects.none()
    return AdultConcernReview.objects.filter(school=school)


def trail_of(case):
    """Every recorded read, refusal and change of the case, newest first: kept off the school's audit log page
    (see apps.register), so the case manager reads it here."""
    from django.contrib.contenttypes.models import ContentType

    from pastoral.models import AuditEntry

    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(AdultCase), object_id=str(case.pk)
    )
    return entries.select_related("actor").order_by("-at")


def settings_for(school):
    found = AdultCaseSettings.objects.filter(school=school).first()
    return found or AdultCaseSettings(school=school)


def _get(queryset, user, code, refused):
    case = AdultCase.objects.select_related("school", "subject_user", "raised_by").filter(code=code).first()
    if case is not None and queryset.filter(pk=case.pk).exists():
        return case
    known = case is not None and access.is_member_of(user, case.school_id)
    access.refuse(user, case, code, refused, allowed_to_know=known, noun="case")


def get_case_for_user(user, code):
    """The case, or 403 to staff of its school who may not read it (its subject too) and 404 to anyone else."""
    return _get(cases_visible_to(user), user, code, "safeguarding.adult_case.refused")


def get_receipt_for_user(user, code):
    return _get(receipts_visible_to(user), user, code, "safeguarding.adult_receipt.refused")


# --- The LADO within one working day ----------------------------------------------------------------------


def working_calendar(start):
    """Working days for the LADO: weekdays that are not bank holidays in England. The LADO works through
    school holidays, so the school's terms do not count here; its closures (INSET days) are working days."""
    holidays = [day for day, _name in bank_holidays_between(start, start + datetime.timedelta(days=40))]
    return SchoolCalendar([], holidays, weekdays_without_terms=True)


def lado_due_by(case):
    """The last day the LADO should be contacted: one working day after the allegation was raised."""
    from django.utils import timezone

    raised_on = timezone.localdate(case.raised_at)
    return working_calendar(raised_on).add_school_days(raised_on, 1)


def lado_late(case, today=None):
    """True when the referral was (or, still unmade, is now) later than one working day."""
    from django.utils import timezone

    if not case.is_allegation:
        return False
    due = lado_due_by(case)
    if case.lado_referred_on:
        return case.lado_referred_on > due
    return (today or timezone.localdate()) > due


# --- Patterns in low-level concerns -----------------------------------------------------------------------


def _person_key(user_id, name):
    return ("user", user_id) if user_id else ("name", " ".join(name.lower().split()))


def repeated_people(cases, since):
    """[(person, count)] named in PATTERN_TIMES or more low-level concerns since `since`, most first.

    Two queries: the counts by person, then the staff accounts named. A typed name counts with the same name
    typed again (case and spacing ignored)."""
    rows = (
        cases.filter(kind=AdultCase.Kind.LOW_LEVEL, raised_at__date__gte=since)
        .values("subject_user_id", "subject_name")
        .annotate(n=Count("pk"))
    )
    totals, names = {}, {}
    for row in rows:
        key = _person_key(row["subject_user_id"], row["subject_name"])
        totals[key] = totals.get(key, 0) + row["n"]
        names.setdefault(key, row["subject_name"].strip())
    users = {u.pk: u for u in User.objects.filter(pk__in=[k[1] for k in totals if k[0] == "user"])}
    found = [
        (str(users[key[1]]) if key[0] == "user" else names[key], n)
        for key, n in totals.items()
        if n >= PATTERN_TIMES and (key[0] != "user" or key[1] in users)
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def repeated_behaviours(cases, since):
    """[(behaviour label, concerns, people)] reported about PATTERN_PEOPLE or more different people since `since`."""
    rows = (
        cases.filter(kind=AdultCase.Kind.LOW_LEVEL, raised_at__date__gte=since)
        .values("behaviour", "subject_user_id", "subject_name")
        .annotate(n=Count("pk"))
    )
    by_behaviour = {}
    for row in rows:
        entry = by_behaviour.setdefault(row["behaviour"], [0, set()])
        entry[0] += row["n"]
        entry[1].add(_person_key(row["subject_user_id"], row["subject_name"]))
    labels = dict(AdultCase.Behaviour.choices)
    found = [
        (labels.get(behaviour, behaviour), n, len(people))
        for behaviour, (n, people) in by_behaviour.items()
        if len(people) >= PATTERN_PEOPLE
    ]
    return sorted(found, key=lambda item: (-item[2], item[0]))
