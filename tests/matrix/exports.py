"""Exports and scheduled reports: a file is its owner's alone, whatever the role of anyone else."""

from datetime import timedelta

from django.utils import timezone

from pastoral.files import exports
from pastoral.models import GeneratedFile, ScheduledReport
from tests.matrix import POST_ONLY, statuses

ROWS = [
    ("pastoral:export_list", (), statuses(302, 200, 200, 200, 200, 200, 200)),
    ("pastoral:export_request", (), POST_ONLY),
    ("pastoral:export_status", ("dsl_file",), statuses(302, 404, 404, 200, 404, 404, 404)),
    ("pastoral:export_download", ("dsl_file",), statuses(302, 404, 404, 200, 404, 404, 404)),
    ("pastoral:export_retry", ("dsl_file",), POST_ONLY),
    ("pastoral:schedule_create", (), POST_ONLY),
    ("pastoral:schedule_stop", ("dsl_schedule",), POST_ONLY),
]

KWARG_NAMES = {"dsl_file": "code", "dsl_schedule": "code"}


def build(objects, request):
    dsl = request.getfixturevalue("dsl")
    school = objects["school"]
    generated_file = GeneratedFile.objects.create(
        owner=dsl,
        school=school,
        kind="pastoral.chronology_pdf",
        parameters={"pupil": str(objects["pupil"].code)},
        status=GeneratedFile.Status.DONE,
        progress=100,
        filename="chronology.pdf",
        content_type="application/pdf",
        expires_at=timezone.now() + timedelta(days=1),
    )
    generated_file.storage_name, generated_file.size = exports._write(
        generated_file, exports.Built("chronology.pdf", "application/pdf", b"%PDF-1.7 test")
    )
    generated_file.save()
    schedule = ScheduledReport.objects.create(
        recipient=dsl,
        school=school,
        kind="behaviour.rewards_csv",
        frequency="weekly",
        next_run_at=timezone.now() + timedelta(days=3),
    )
    return {"dsl_file": generated_file.code, "dsl_schedule": schedule.code}
