"""Demo scheduled reports: the pastoral lead gets the weekly reward points, the headteacher the termly report."""

from ..accounts.roles import Role
from ..files.scheduled_reports import schedule
from ..models import ScheduledReport


def seed_scheduled_reports(school, staff_by_role, pupils, rng, term):
    wanted = [
        (Role.PASTORAL_LEAD, ScheduledReport.Frequency.WEEKLY, "behaviour.rewards_csv", {"section": "pupils"}),
        # As pastoral.files.reports.ensure_termly_schedules would give every headteacher.
        (Role.HEADTEACHER, ScheduledReport.Frequency.TERMLY, "pastoral.termly_report", {"school": str(school.code)}),
    ]
    for role, frequency, kind, parameters in wanted:
        for recipient in staff_by_role.get(role, [])[:1]:
            report = ScheduledReport(
                recipient=recipient,
                school=school,
                kind=kind,
                parameters=parameters,
                frequency=frequency,
                created_by=recipient,
            )
            schedule(report).save()
