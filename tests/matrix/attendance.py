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

# Alerts: those who act on attendance (headteacher, DSL team, pastoral lead).
ROWS += [
    ("pastoral:attendance_alerts", (), statuses(302, 403, 403, 200, 200, 403, 200)),
    ("pastoral:attendance_alert_done", ("attendance_alert",), statuses(302, 405, 405, 405, 405, 405, 405)),
]
KWARG_NAMES["attendance_alert"] = "code"
_build_imports = build


def build(objects, request):  # noqa: F811
    from datetime import date

    from pastoral.attendance.models import AttendanceAlert

    alert = AttendanceAlert.objects.create(
        school=objects["school"], pupil=objects["pupil"], kind="penalty", raised_on=date(2025, 9, 1)
    )
    return {**_build_imports(objects, request), "attendance_alert": alert.code}


# Part-time timetables: read by attendance readers, recorded by those who act on attendance; cross-checks for
# those who act on attendance.
ROWS += [
    ("pastoral:part_time_list", (), statuses(302, 403, 200, 200, 200, 403, 200)),
    ("pastoral:part_time_create", ("pupil",), statuses(302, 403, 403, 200, 200, 403, 404)),
    ("pastoral:attendance_checks", (), statuses(302, 403, 403, 200, 200, 403, 200)),
]

ROWS += [
    ("pastoral:attendance_trends", (), statuses(302, 403, 200, 200, 200, 403, 200)),
]
