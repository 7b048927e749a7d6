"""Suspensions and permanent exclusions: view for pastoral roles, drafting for leads, deciding for the head."""

import datetime

from behaviour.models import GovernorTask, Suspension
from tests.matrix import POST_ONLY, statuses

S = ("suspension",)
ROWS = [
    ("behaviour:suspension_list", (), statuses(302, 403, 200, 200, 200, 403, 200)),
    ("behaviour:suspension_create", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("behaviour:suspension_detail", S, statuses(302, 403, 200, 200, 200, 403, 404)),
    ("behaviour:suspension_edit", S, statuses(302, 403, 403, 200, 200, 403, 404)),
    ("behaviour:suspension_finalise", S, POST_ONLY),
    ("behaviour:suspension_void", S, POST_ONLY),
    ("behaviour:suspension_cancel", S, POST_ONLY),
    ("behaviour:suspension_governors_review", S, POST_ONLY),
    ("behaviour:suspension_review_panel", S, POST_ONLY),
    ("behaviour:suspension_notification_add", S, POST_ONLY),
    ("behaviour:suspension_reintegration_add", S, POST_ONLY),
    ("behaviour:governor_task_complete", ("governor_task",), POST_ONLY),
]
KWARG_NAMES = {"suspension": "code", "governor_task": "code"}


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    term = objects["term"]
    suspension = Suspension.objects.create(
        school=objects["school"],
        pupil=objects["pupil"],
        start_date=term.start + datetime.timedelta(days=(7 - term.start.weekday()) % 7),
        length_units=4,
        summary="Threatened a member of staff",
        recorded_by=dsl,
    )
    task = GovernorTask.objects.create(
        school=objects["school"],
        suspension=suspension,
        kind=GovernorTask.Kind.NOTIFY,
        reason="permanent exclusion",
        due_on=term.start,
    )
    return {"suspension": suspension.code, "governor_task": task.code}
