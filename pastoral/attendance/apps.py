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
    "pastoral_staff": _READ,
    "senco": _READ,
    "ap_coordinator": _READ,
    "trust_leader": _READ,
    "trust_dsl": _READ,
}


def register():
    from pastoral import audit, dashboard

    from .panels import alerts_panel

    for action, sentence in {
        "pastoral.attendance.imported": "imported attendance marks",
        "pastoral.attendance.alert_done": "marked an attendance alert done",
        "pastoral.attendance.part_time_created": "recorded a part-time timetable",
    }.items():
        audit.describe(action, sentence)
    dashboard.register("attendance_alerts", alerts_panel, order=12)
