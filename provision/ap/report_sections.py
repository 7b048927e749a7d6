"""Alternative provision's section of the termly report: counts and spend only, from the schools where the reader
sees AP figures (`provision.view_ap_counts`)."""

from django.db.models import Count, Q

from pastoral.accounts import access
from pastoral.files.reports import Section, Table

from .dashboard import spend_of
from .models import AttendanceReturn, ObjectiveProgress, Placement

COUNTS = "provision.view_ap_counts"


def _placements(school_ids, start, end):
    return Placement.objects.filter(school_id__in=school_ids, start__lte=end, started_at__isnull=False).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=start)
    )


def build_ap(user, schools, start, end, previous_start, previous_end):
    allowed = set(access.schools_with_perm(user, COUNTS))
    school_ids = [s.pk for s in schools if s.pk in allowed]
    placements = _placements(school_ids, start, end)
    pupils = placements.values("pupil_id").distinct().count()
    returns = AttendanceReturn.objects.filter(placement__in=placements, date__gte=start, date__lte=end)
    marks = returns.aggregate(total=Count("pk"), attended=Count("pk", filter=~Q(mark=AttendanceReturn.Mark.ABSENT)))
    rate = f"{100 * marks['attended'] / marks['total']:.1f}%" if marks["total"] else "–"
    progress = ObjectiveProgress.objects.filter(
        review__placement__in=placements, review__held_on__gte=start, review__held_on__lte=end
    )
    met = progress.filter(score=2).values("objective_id").distinct().count()
    scored = progress.values("objective_id").distinct().count()
    spend = spend_of(placements, start, end)
    section = Section(
        "Alternative provision",
        headlines=[
            ("Pupils in alternative provision", pupils),
            ("Attendance at AP", rate),
            ("Objectives met", f"{met} of {scored}"),
            ("Spend", f"£{spend:,.2f}"),
        ],
        notes=["Counts only. Spend is the sessions the providers returned × the placement's cost per session."],
    )
    by_provider = (
        placements.values("provider__name")
        .annotate(n=Count("pk"), full=Count("pk", filter=Q(full_time=True)))
        .order_by("provider__name")
    )
    section.tables.append(
        Table(
            "Placements by provider",
            ["Provider", "Placements", "Full-time"],
            [(row["provider__name"], row["n"], row["full"]) for row in by_provider],
        )
    )
    return section
