"""Attendance: the MIS import is for headteachers and pastoral leads; its jobs for their uploader only."""

from pastoral.models import ImportJob
from tests.matrix import statuses

IMPORTERS_ONLY = statuses(302, 403, 403, 403, 200, 403, 403)

ROWS = [
    ("pastoral:attendance_import", (), IMPORTERS_ONLY),
    ("pastoral:attendance_import_template", (), IMPORTERS_ONLY),
    ("pastoral:attendance_import_job", ("attendance_import_job",), IMPORTERS_ONLY),
    ("pastoral:attendance_import_job_status", ("attendance_import_job",), IMPORTERS_ONLY),
]

KWARG_NAMES = {"attendance_import_job": "code"}


def build(objects, request):
    headteacher = request.getfixturevalue("headteacher")
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.ATTENDANCE, school=objects["school"], created_by=headteacher, status=ImportJob.Status.DONE
    )
    return {"attendance_import_job": job.code}


# The lists: everyone who reads attendance in their school; teachers and IT admins do not.
ROWS += [
    ("pastoral:attendance_lists", (), statuses(302, 403, 200, 200, 200, 403, 200)),
]
