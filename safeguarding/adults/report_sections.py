"""Concerns and allegations about adults in the termly report: counts only, for the headteacher and the trust."""

from django.db.models import Count, Q

from pastoral.files.pdf import OFFICIAL_SENSITIVE
from pastoral.files.reports import Section, Table, bounds, comparison_table

from . import selectors
from .models import AdultCase


def _counts(cases, start, end):
    low, high = bounds(start, end)
    allegation = Q(kind=AdultCase.Kind.ALLEGATION)
    return cases.filter(raised_at__gte=low, raised_at__lt=high).aggregate(
        allegations=Count("pk", filter=allegation),
        low_level=Count("pk", filter=Q(kind=AdultCase.Kind.LOW_LEVEL)),
        referred=Count("pk", filter=allegation & Q(lado_referred_on__isnull=False)),
        suspended=Count("pk", filter=allegation & Q(suspended_from__isnull=False)),
    )


def build_adult_cases(user, schools, start, end, previous_start, previous_end):
    cases = selectors.counted_for(user, schools)
    now = _counts(cases, start, end)
    then = _counts(cases, previous_start, previous_end)
    if not any(now.values()) and not any(then.values()):
        return None
    low, high = bounds(start, end)
    concluded = (
        cases.filter(kind=AdultCase.Kind.ALLEGATION, concluded_at__gte=low, concluded_at__lt=high)
        .values("outcome")
        .annotate(n=Count("pk"))
    )
    by_outcome = {row["outcome"]: row["n"] for row in concluded}
    section = Section(
        "Concerns and allegations about adults",
        headlines=[("Allegations", now["allegations"]), ("Low-level concerns", now["low_level"])],
        notes=["Counts only: the cases are read by the case manager alone."],
        sensitivity=OFFICIAL_SENSITIVE,
    )
    section.tables.append(
        comparison_table(
            "Against the previous period",
            [
                ("Allegations", now["allegations"], then["allegations"]),
                ("Referred to the LADO", now["referred"], then["referred"]),
                ("Suspensions", now["suspended"], then["suspended"]),
                ("Low-level concerns", now["low_level"], then["low_level"]),
            ],
        )
    )
    section.tables.append(
        Table(
            "Allegations concluded this period, by outcome",
            ["Outcome", "Allegations"],
            [(label, by_outcome.get(value, 0)) for value, label in AdultCase.Outcome.choices],
        )
    )
    return section
