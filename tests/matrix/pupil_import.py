"""Pupil import jobs: only their uploader sees them, and only while they may still import for the school."""

from pastoral.models import ImportJob
from tests.matrix import statuses

IMPORTERS_ONLY = statuses(302, 403, 403, 403, 200, 403, 403)

ROWS = [
    ("pastoral:pupil_import_job", ("import_job",), IMPORTERS_ONLY),
    ("pastoral:pupil_import_job_status", ("import_job",), IMPORTERS_ONLY),
]

KWARG_NAMES = {"import_job": "code"}


def build(objects, request):
    headteacher = request.getfixturevalue("headteacher")
    job = ImportJob.objects.create(school=objects["school"], created_by=headteacher, status=ImportJob.Status.DONE)
    return {"import_job": job.code}
