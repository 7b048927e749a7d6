"""Writes for behaviour analytics: its downloads are audited."""

from django.db import transaction

from pastoral import audit

from ..services import _require


@transaction.atomic
def analytics_export(*, actor, schools, filters, rows):
    """A download of analytics rows leaves the system, so it is on each covered school's audit log."""
    for school in schools:
        _require(actor, school, "behaviour.view_analytics")
    data = {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "rows": rows,
        "schools": len(schools),
        "filters": {
            name: str(value)
            for name, value in (
                ("year_group", filters.year_group),
                ("form", filters.form),
                ("kind", filters.kind),
                ("category", filters.category),
                ("location", filters.location),
                ("staff", getattr(filters.staff, "code", None)),
                ("sen", filters.sen),
                ("pupil_premium", filters.pupil_premium),
                ("looked_after", filters.looked_after),
                ("gender", filters.gender),
            )
            if value not in (None, "")
        },
    }
    for school in schools:
        audit.record("behaviour.analytics.exported", actor=actor, school=school, data=data)
