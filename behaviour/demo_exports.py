"""Demo: the headteacher gets the physical interventions oversight CSV every half-term (a new list kind)."""

from pastoral.models import ScheduledReport
from pastoral.roles import Role
from pastoral.scheduled_reports import schedule


def seed_export_schedules(school, staff_by_role, pupils, rng, term):
    for recipient in staff_by_role.get(Role.HEADTEACHER, [])[:1]:
        report = ScheduledReport(
            recipient=recipient,
            school=school,
            kind="behaviour.interventions_oversight_csv",
            parameters={},
            frequency=ScheduledReport.Frequency.HALF_TERMLY,
            created_by=recipient,
        )
        schedule(report).save()
