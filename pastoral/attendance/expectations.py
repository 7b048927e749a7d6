"""What the register should say, from what the duty areas know: a registry the core reads without importing them.

A duty app registers a provider in its AppConfig.ready():

    expectations.register("behaviour_suspensions", suspension_expectations)

`provider(user, school, start, end)` returns Expectations read through its own `*_visible_to(user)` selectors:
"from `first` to `last` this pupil's sessions should carry one of `codes`". `mismatches()` finds the marks that do
not, in one query for all of them.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import AttendanceMark

_PROVIDERS = {}


@dataclass(frozen=True)
class Expectation:
    pupil_id: int
    first: object  # date
    last: object  # date
    codes: tuple
    reason: str
    link: str = ""
    session: str = ""  # "AM" or "PM" for one session only; blank for both


@dataclass(frozen=True)
class Mismatch:
    mark: AttendanceMark
    expectation: Expectation


def register(name, provider):
    _PROVIDERS[name] = provider


def providers():
    return dict(_PROVIDERS)


def expectations_for(user, school, start, end):
    found = []
    for provider in _PROVIDERS.values():
        found.extend(provider(user, school, start, end))
    return found


def mismatches(user, school, start, end, marks=None):
    """Marks from `start` to `end` that break an expectation, oldest first, with the expectation they break."""
    expected = expectations_for(user, school, start, end)
    if not expected:
        return []
    marks = marks if marks is not None else AttendanceMark.objects.filter(school=school)
    wanted = Q()
    for item in expected:
        clause = Q(pupil_id=item.pupil_id, date__gte=max(item.first, start), date__lte=min(item.last, end))
        if item.session:
            clause &= Q(session=item.session)
        wanted |= clause & ~Q(code__in=item.codes)
    found = []
    for mark in marks.filter(wanted).select_related("pupil").order_by("date", "session", "pupil_id"):
        for item in expected:
            if (
                item.pupil_id == mark.pupil_id
                and item.first <= mark.date <= item.last
                and (not item.session or item.session == mark.session)
                and mark.code not in item.codes
            ):
                found.append(Mismatch(mark, item))
                break
    return found
