"""Doses' figures for the medical section of the termly report (medical/report_sections.py)."""

from django.db.models import Count, Q

from .models import DoseAdministration


def dose_figures(school_ids, start, end, low, high):
    doses = DoseAdministration.objects.filter(school_id__in=school_ids, given_at__gte=low, given_at__lt=high)
    return doses.aggregate(
        given=Count("pk", filter=Q(outcome=DoseAdministration.Outcome.GIVEN)),
        missed=Count("pk", filter=~Q(outcome=DoseAdministration.Outcome.GIVEN)),
        flagged=Count("pk", filter=Q(flagged_untrained=True)),
    )
