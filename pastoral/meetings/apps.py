"""Meetings' permissions and registrations, called from PastoralConfig.ready()."""

from .permissions import RECORD, VIEW, VIEW_CP

_READ = {VIEW}
_RECORD = _READ | {RECORD}
PERMISSIONS = {
    "headteacher": _RECORD,
    "dsl": _RECORD | {VIEW_CP},
    "deputy_dsl": _RECORD | {VIEW_CP},
    "pastoral_assistant": _RECORD | {VIEW_CP},
    "trust_dsl": _READ | {VIEW_CP},
    "pastoral_lead": _RECORD,
    "pastoral_staff": _RECORD,
    "senco": _RECORD,
    "ap_coordinator": _READ,
}


def register():
    from pastoral import audit, dashboard

    from .panels import meetings_panel, meetings_probe

    for action, sentence in {
        "pastoral.meeting.recorded": "recorded a multi-agency meeting",
        "pastoral.meeting.viewed": "read a child protection meeting",
        "pastoral.meeting.refused": "was refused a child protection meeting",
        "pastoral.meeting.report_downloaded": "downloaded a meeting's minutes or report",
        "pastoral.meeting.action_done": "completed a meeting action",
    }.items():
        audit.describe(action, sentence)
    dashboard.register("meetings", meetings_panel, order=14, probe=meetings_probe)
