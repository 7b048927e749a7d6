"""Attendance's permissions and registrations, called from PastoralConfig.ready()."""

from .permissions import IMPORT, MANAGE, VIEW

_READ = {VIEW}
_OFFICER = _READ | {MANAGE}
# Attendance is read by everyone who acts on it; the MIS import stays with those who import pupils.
PERMISSIONS = {
    "headteacher": _OFFICER | {IMPORT},
    "pastoral_lead": _OFFICER | {IMPORT},
    "dsl": _OFFICER,
    "deputy_dsl": _OFFICER,
    "pastoral_assistant": _OFFICER,
    "pastoral_staff": _READ,
    "senco": _READ,
    "ap_coordinator": _READ,
    "trust_leader": _READ,
    "trust_dsl": _READ,
}


def register():
    from pastoral import audit, dashboard, demo
    from pastoral.files import reports, weekly_trend

    from .demo import seed_attendance
    from .exports import register_exports
    from .panels import alerts_panel, alerts_probe
    from .report_sections import attendance_lines, build_attendance

    for action, sentence in {
        "pastoral.attendance.imported": "imported attendance marks",
        "pastoral.attendance.alert_done": "marked an attendance alert done",
        "pastoral.attendance.part_time_created": "recorded a part-time timetable",
        "pastoral.attendance.exported": "exported attendance",
    }.items():
        audit.describe(action, sentence)
    dashboard.register("attendance_alerts", alerts_panel, order=12, probe=alerts_probe)
    register_exports()
    demo.register_seeder("pastoral.attendance", seed_attendance)
    reports.register_section("attendance", build_attendance, order=5, permission=VIEW, title="Attendance")
    weekly_trend.register("attendance", attendance_lines, order=5, permission=VIEW)
