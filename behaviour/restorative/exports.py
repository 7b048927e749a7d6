"""Export kinds for restorative meetings: the list as CSV."""

from pastoral.lists import filtered

from ..exports import _day, _finish_list, _voided, register_list_csv
from .filters import restorative_filter

RESTORATIVE_COLUMNS = ["Held on", "Pupils", "Incidents", "Repair", "What was agreed", "Follow up on", "Recorded by"]
RESTORATIVE_COLUMNS.append("Voided")


def restorative_rows(user, school):
    return filtered(restorative_filter(user, school, None))


def build_restorative_csv(generated_file, user):
    rows = [
        [
            _day(m.held_on),
            "; ".join(p.display_name for p in m.pupils.all()),
            m.incident_count,
            m.get_repair_happened_display(),
            m.agreed,
            _day(m.follow_up_on),
            str(m.recorded_by),
            _voided(m),
        ]
        for m in restorative_rows(user, generated_file.school)
    ]
    return _finish_list(
        generated_file,
        user,
        action="behaviour.restorative.exported",
        name="restorative-meetings",
        headers=RESTORATIVE_COLUMNS,
        rows=rows,
    )


def register_exports():
    register_list_csv(
        "behaviour.restorative_csv",
        "Restorative meetings (CSV)",
        "behaviour.view_event",
        build_restorative_csv,
        "behaviour.restorative.exported",
        "exported the restorative meetings list",
    )
