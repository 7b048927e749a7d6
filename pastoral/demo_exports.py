"""Demo scheduled reports: the pastoral lead gets the weekly reward points, the headteacher a termly copy."""

from .models import ScheduledReport
from .roles import Role
from .scheduled_reports import schedule


def seed_scheduled_reports(school, staff_by_role, pupils, rng, term):
    wanted = [
        (Role.PASTORAL_LEAD, ScheduledReport.Frequency.WEEKLY),
        (Role.HEADTEACHER, ScheduledReport.Frequency.TERMLY),
    ]
    for role, frequency in wanted:
        for recipient in staff_by_role.get(role, [])[:1]:
            report = ScheduledReport(
                recipient=recipient,
                school=school,
                kind="behaviour.rewards_csv",
                parameters={"section": "pupils"},
                frequency=frequency,
                created_by=recipient,
            )
            schedule(report).save()
