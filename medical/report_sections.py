"""Medical care's section of the termly report: counts only, from the schools where the reader sees medical
figures (`medical.view_counts`), so a trust leader gets the numbers and never a child's record."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from pastoral.accounts import access
from pastoral.files import charts
from pastoral.files.reports import Section, Table, comparison_table

from .first_aid.models import Accident
from .medication.models import DoseAdministration
from .plans.models import HealthcarePlan
from .selectors import COUNTS


def _bounds(start, end):
    low = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    high = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    return low, high


def _schools(user, schools):
    allowed = set(access.schools_with_perm(user, COUNTS))
    return [s.pk for s in schools if s.pk in allowed]


def _figures(school_ids, start, end):
    low, high = _bounds(start, end)
    plans = HealthcarePlan.objects.filter(school_id__in=school_ids, status=HealthcarePlan.Status.ACTIVE)
    plan_counts = plans.aggregate(
        in_place=Count("pk", filter=Q(plan_date__lte=end)),
        on_time=Count("pk", filter=Q(plan_date__lte=end, review_date__gte=end)),
        overdue=Count("pk", filter=Q(plan_date__lte=end, review_date__lt=end)),
        reviewed=Count("pk", filter=Q(reviewed_on__gte=start, reviewed_on__lte=end)),
    )
    doses = DoseAdministration.objects.filter(school_id__in=school_ids, given_at__gte=low, given_at__lt=high)
    dose_counts = doses.aggregate(
        given=Count("pk", filter=Q(outcome=DoseAdministration.Outcome.GIVEN)),
        missed=Count("pk", filter=~Q(outcome=DoseAdministration.Outcome.GIVEN)),
        flagged=Count("pk", filter=Q(flagged_untrained=True)),
    )
    accidents = Accident.objects.filter(
        school_id__in=school_ids, occurred_at__gte=low, occurred_at__lt=high, voided_at__isnull=True
    )
    accident_counts = accidents.aggregate(
        accidents=Count("pk"),
        head=Count("pk", filter=Q(head_injury=True)),
        riddor=Count("pk", filter=Q(riddor_possible=True)),
        hospital=Count("pk", filter=Q(outcome__in=[Accident.Outcome.HOSPITAL, Accident.Outcome.AMBULANCE])),
    )
    return {**plan_counts, **dose_counts, **accident_counts}, accidents


def build_medical(user, schools, start, end, previous_start, previous_end):
    school_ids = _schools(user, schools)
    now, accidents = _figures(school_ids, start, end)
    then, _ = _figures(school_ids, previous_start, previous_end)
    section = Section(
        "Medical care",
        headlines=[
            ("Healthcare plans in place", now["in_place"]),
            ("Reviews on time", now["on_time"]),
            ("Doses given", now["given"]),
            ("Accidents", now["accidents"]),
        ],
        notes=[
            "Counts only. Plans are those active at the end of the period; a review due on the last day is on time."
        ],
    )
    section.tables.append(
        comparison_table(
            "Medical care against the previous period",
            [
                ("Healthcare plans in place", now["in_place"], then["in_place"]),
                ("Plan reviews on time", now["on_time"], then["on_time"]),
                ("Plan reviews overdue", now["overdue"], then["overdue"]),
                ("Plans reviewed in the period", now["reviewed"], then["reviewed"]),
                ("Doses given", now["given"], then["given"]),
                ("Doses refused or missed", now["missed"], then["missed"]),
                ("Doses given without in-date training (flagged)", now["flagged"], then["flagged"]),
                ("Accidents", now["accidents"], then["accidents"]),
                ("Head injuries", now["head"], then["head"]),
                ("Taken to hospital or ambulance called", now["hospital"], then["hospital"]),
                ("Flagged as possibly RIDDOR-reportable", now["riddor"], then["riddor"]),
            ],
        )
    )
    by_location = accidents.values("location").annotate(n=Count("pk")).order_by("-n", "location")[:10]
    section.charts.append(
        charts.bar_chart(
            "Accidents by location",
            [(row["location"], row["n"]) for row in by_location],
            label_header="Location",
            value_header="Accidents",
        )
    )
    if len(schools) > 1:
        rows = []
        for school in schools:
            figures, _ = _figures([school.pk] if school.pk in school_ids else [], start, end)
            rows.append((school.name, figures["in_place"], figures["overdue"], figures["given"], figures["accidents"]))
        section.tables.append(
            Table(
                "Medical care by school",
                ["School", "Plans in place", "Reviews overdue", "Doses given", "Accidents"],
                rows,
            )
        )
    return section
