"""Multi-agency meetings: readers of meetings in the school; a child protection conference for the DSL team only."""

from datetime import date

from pastoral.meetings.models import Meeting, MeetingAction
from tests.matrix import POST_ONLY, statuses

# The TAC meeting: meeting readers. IT admins and teachers have no meeting role.
READERS = statuses(302, 403, 200, 200, 200, 403, 404)
# A child protection conference: the DSL only among these roles (the headteacher is not in the DSL team).
DSL_TEAM = statuses(302, 403, 403, 200, 403, 403, 404)

ROWS = [
    ("pastoral:pupil_meetings", ("pupil",), READERS),
    ("pastoral:meeting_create", ("pupil",), READERS),
    ("pastoral:meeting_detail", ("meeting_tac",), READERS),
    ("pastoral:meeting_report", ("meeting_cp",), DSL_TEAM),
    ("pastoral:meeting_action_done", ("meeting_action",), POST_ONLY),
]

KWARG_NAMES = {"meeting_tac": "code", "meeting_cp": "code", "meeting_action": "code"}


def build(objects, request):
    from django.core.files.base import ContentFile

    from pastoral.tests.upload_files import MINIMAL_PDF

    dsl = request.getfixturevalue("dsl")
    tac = Meeting.objects.create(
        school=objects["school"], pupil=objects["pupil"], kind="tac", held_on=date(2025, 10, 1), recorded_by=dsl
    )
    cp = Meeting(
        school=objects["school"],
        pupil=objects["pupil"],
        kind="cp_conference",
        held_on=date(2025, 10, 2),
        recorded_by=dsl,
        report_type="application/pdf",
        report_name="conference.pdf",
    )
    cp.report.save("upload", ContentFile(MINIMAL_PDF), save=False)
    cp.save()
    action = MeetingAction.objects.create(meeting=tac, action="Call", owner=dsl, due_on=date(2025, 10, 8))
    return {"meeting_tac": tac.code, "meeting_cp": cp.code, "meeting_action": action.code}
