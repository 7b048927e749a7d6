"""Accidents' figures and chart for the medical section of the termly report (medical/report_sections.py)."""

from django.db.models import Count, Q

from pastoral.files import charts

from .models import Accident


def _accidents(school_ids, low, high):
    return Accident.objects.filter(
        school_id__in=school_ids, occurred_at__gte=low, occurred_at__lt=high, voided_at__isnull=True
    )


def accident_figures(school_ids, start, end, low, high):
    return _accidents(school_ids, low, high).aggregate(
        accidents=Count("pk"),
        head=Count("pk", filter=Q(head_injury=True)),
        riddor=Count("pk", filter=Q(riddor_possible=True)),
        hospital=Count("pk", filter=Q(outcome__in=[Accident.Outcome.HOSPITAL, Accident.Outcome.AMBULANCE])),
    )


def accidents_by_location(school_ids, low, high):
    rows = _accidents(school_ids, low, high).values("location").annotate(n=Count("pk")).order_by("-n", "location")
    return charts.bar_chart(
        "Accidents by location",
        [(row["location"], row["n"]) for row in rows[:10]],
        label_header="Location",
        value_header="Accidents",
    )
