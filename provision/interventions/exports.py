"""The intervention groups list as CSV (re-applying the page's filters), and the external visits log."""

from django.utils import timezone

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from ..visits.views import register_exports as register_visit_exports
from .filters import group_filter

COLUMNS = ["Group", "Programme", "Status", "Planned start", "Planned end", "Finished on", "Pupils", "Sessions held"]


def build_groups_csv(generated_file, user):
    rows = [
        [
            group.name,
            group.programme.name,
            group.get_status_display(),
            group.starts_on.isoformat(),
            group.ends_on.isoformat(),
            group.finished_on.isoformat() if group.finished_on else "",
            group.pupils,
            group.sessions_held,
        ]
        for group in filtered(group_filter(user, generated_file.school, generated_file.parameters))
    ]
    audit.record("provision.groups.exported", actor=user, school=generated_file.school, data={"rows": len(rows)})
    today = timezone.localdate()
    return exports.Built(
        f"intervention-groups-{today:%Y%m%d}.csv", "text/csv; charset=utf-8", exports.csv_bytes(COLUMNS, rows)
    )


def register_exports():
    exports.register(
        "provision.intervention_groups_csv",
        label="Intervention groups (CSV)",
        permission="provision.view_interventions",
        build=build_groups_csv,
        description="The intervention groups you see, with the list's filters.",
    )
    register_visit_exports()
