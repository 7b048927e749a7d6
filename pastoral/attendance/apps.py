"""Attendance's permissions and registrations, called from PastoralConfig.ready()."""

VIEW = "pastoral.view_attendance"
IMPORT = "pastoral.import_attendance"
MANAGE = "pastoral.manage_attendance"

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
    from pastoral import audit

    for action, sentence in {
        "pastoral.attendance.imported": "imported attendance marks",
    }.items():
        audit.describe(action, sentence)
