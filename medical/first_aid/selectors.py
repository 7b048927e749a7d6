"""Reads for the accident and first-aid log, and its trends."""

import datetime

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from ..selectors import get_or_refuse, reading_schools
from .models import Accident

REPEAT_THRESHOLD = 3


def accidents_visible_to(user):
    return Accident.objects.filter(school_id__in=reading_schools(user))


def current(queryset):
    return queryset.filter(voided_at__isnull=True)


def get_accident_for_user(user, code):
    rows = Accident.objects.select_related(
        "pupil", "school", "treated_by", "recorded_by", "parents_informed_by", "riddor_decided_by"
    )
    return get_or_refuse(rows, user, code, "accident", "medical.accident.refused")


def parents_due(queryset):
    """Pupils' accidents where parents are not yet informed, or a head injury's letter is not yet given."""
    from django.db.models import Q

    return (
        current(queryset)
        .filter(person_kind=Accident.Person.PUPIL)
        .filter(Q(parents_informed=False) | Q(head_injury=True, head_letter_given=False))
    )


def riddor_pending(queryset):
    return current(queryset).filter(riddor_possible=True, riddor_decision="")


def trends(user, school, start, end):
    """Accidents in [start, end] (dates, inclusive) by location, hour, injury, body part; and repeat pupils."""
    tz_start = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    tz_end = timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
    rows = current(accidents_visible_to(user).filter(school=school, occurred_at__gte=tz_start, occurred_at__lt=tz_end))

    def by(field):
        return list(rows.values(field).annotate(n=Count("pk")).order_by("-n", field))

    hours = {
        r["hour"]: r["n"]
        for r in rows.annotate(hour=ExtractHour("occurred_at", tzinfo=timezone.get_current_timezone()))
        .values("hour")
        .annotate(n=Count("pk"))
    }
    repeat = list(
        rows.filter(pupil__isnull=False)
        .values(
            "pupil__code",
            "pupil__legal_first_name",
            "pupil__preferred_first_name",
            "pupil__legal_last_name",
            "pupil__year_group",
        )
        .annotate(n=Count("pk"), heads=Count("pk", filter=Q(head_injury=True)))
        .filter(n__gte=REPEAT_THRESHOLD)
        .order_by("-n", "pupil__legal_last_name")[:50]
    )
    return {
        "total": rows.count(),
        "head_injuries": rows.filter(head_injury=True).count(),
        "locations": [(r["location"].strip() or "Not recorded", r["n"]) for r in by("location")[:12]],
        "injuries": [(Accident.Injury(r["injury"]).label, r["n"]) for r in by("injury")],
        "body_parts": [
            (dict(Accident._meta.get_field("body_part").choices)[r["body_part"]], r["n"]) for r in by("body_part")
        ],
        "hours": [(f"{h:02d}:00", hours.get(h, 0)) for h in range(7, 19)],
        "repeat": repeat,
    }
