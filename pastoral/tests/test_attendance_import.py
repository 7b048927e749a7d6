"""Attendance marks from the MIS: checked whole, repeatable, corrections kept, the 2024 code rules enforced."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pastoral.attendance import imports
from pastoral.attendance.models import AttendanceMark, AttendanceMarkChange
from pastoral.exceptions import ImportRejected
from pastoral.models import AuditEntry, ImportJob
from pastoral.tests.attendance_helpers import (
    attendance_codes,  # noqa: F401
    csv_bytes,
)
from pastoral.tests.factories import PupilFactory


def _file(rows, **kwargs):
    return SimpleUploadedFile("marks.csv", csv_bytes(rows, **kwargs), content_type="text/csv")


def _import(actor, school, rows, **kwargs):
    return imports.attendance_import(actor=actor, school=school, uploaded_file=_file(rows, **kwargs))


@pytest.fixture
def two_pupils(school):
    return PupilFactory(school=school), PupilFactory(school=school)


def _reasons(exc):
    return [(p.row, p.column, p.reason) for p in exc.value.problems]


def test_it_imports_marks_and_the_same_file_twice_changes_nothing(school, pastoral_lead, two_pupils):
    amy, ben = two_pupils
    rows = [
        (amy.upn, "2025-09-08", "AM", "/", "", ""),
        (amy.upn, "08/09/2025", "PM", "\\", "", ""),
        (ben.upn, "2025-09-08", "am", "L", "12", ""),
        (ben.upn, "2025-09-08", "PM", "N", "", ""),
        (ben.upn, "2025-09-09", "AM", "-", "", ""),
    ]

    first = _import(pastoral_lead, school, rows)
    second = _import(pastoral_lead, school, rows)

    assert (first.created, first.updated, first.unchanged, first.skipped) == (4, 0, 0, 1)
    assert (second.created, second.updated, second.unchanged, second.skipped) == (0, 0, 4, 1)
    late = AttendanceMark.objects.get(pupil=ben, session="AM")
    assert (late.code, late.counts, late.minutes_late) == ("L", "present", 12)
    assert AttendanceMark.objects.count() == 4
    assert AttendanceMarkChange.objects.count() == 0
    assert AuditEntry.objects.filter(action="pastoral.attendance.imported").count() == 2


def test_a_corrected_mark_replaces_the_earlier_one_and_the_change_is_kept(school, pastoral_lead, two_pupils):
    amy, _ = two_pupils
    _import(pastoral_lead, school, [(amy.upn, "2025-09-08", "AM", "N", "", "")])

    result = _import(pastoral_lead, school, [(amy.upn, "2025-09-08", "AM", "I", "", "Rang in ill")])

    mark = AttendanceMark.objects.get()
    change = AttendanceMarkChange.objects.get()
    assert (result.created, result.updated) == (0, 1)
    assert (mark.code, mark.counts, mark.note) == ("I", "authorised", "Rang in ill")
    assert (change.mark, change.previous_code, change.new_code, change.changed_by) == (mark, "N", "I", pastoral_lead)


def test_withdrawn_codes_are_refused_from_19_august_2024_and_read_before(school, pastoral_lead, two_pupils):
    amy, _ = two_pupils
    with pytest.raises(ImportRejected) as exc:
        _import(
            pastoral_lead,
            school,
            [(amy.upn, "2024-08-19", "AM", code, "", "") for code in []]
            + [(amy.upn, "2024-08-19", "AM", "H", "", ""), (amy.upn, "2024-09-02", "PM", "Y", "", "")],
        )
    assert [reason[0] for reason in _reasons(exc)] == [2, 3]
    assert all("withdrawn on 19 August 2024" in reason[2] for reason in _reasons(exc))
    assert AttendanceMark.objects.count() == 0

    result = _import(
        pastoral_lead,
        school,
        [(amy.upn, "2024-08-16", "AM", code, "", "") for code in ["H"]]
        + [(amy.upn, "2024-07-15", s, c, "", "") for s, c in [("AM", "F"), ("PM", "J")]]
        + [(amy.upn, "2024-07-16", "AM", "Y", "", "")],
    )
    assert result.created == 4
    assert dict(AttendanceMark.objects.values_list("code", "counts")) == {
        "H": "authorised",
        "F": "authorised",
        "J": "elsewhere",
        "Y": "not_counted",
    }


def test_b_k_and_y7_need_a_note(school, pastoral_lead, two_pupils):
    amy, _ = two_pupils
    rows = [(amy.upn, "2025-09-08", "AM", code, "", "") for code in ["B"]] + [
        (amy.upn, "2025-09-08", "PM", "K", "", ""),
        (amy.upn, "2025-09-09", "AM", "Y7", "", ""),
    ]
    with pytest.raises(ImportRejected) as exc:
        _import(pastoral_lead, school, rows)
    assert [(row, column) for row, column, _ in _reasons(exc)] == [(2, "Code"), (3, "Code"), (4, "Code")]
    assert "needs a note" in _reasons(exc)[0][2]

    noted = [(*row[:5], "Staggered start") for row in rows]
    assert _import(pastoral_lead, school, noted).created == 3


def test_every_row_problem_is_reported_and_nothing_is_written(school, pastoral_lead, two_pupils, other_school_pupil):
    amy, _ = two_pupils
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    rows = [
        (amy.upn, "2025-09-08", "AM", "/", "", ""),
        (other_school_pupil.upn, "2025-09-08", "AM", "/", "", ""),
        (amy.upn, "31/02/2025", "AM", "/", "", ""),
        (amy.upn, tomorrow, "AM", "/", "", ""),
        (amy.upn, "2025-09-08", "Lunch", "/", "", ""),
        (amy.upn, "2025-09-09", "AM", "Q9", "", ""),
        (amy.upn, "2025-09-08", "AM", "I", "", ""),
        (amy.upn, "2025-09-10", "AM", "L", "late", ""),
    ]

    with pytest.raises(ImportRejected) as exc:
        _import(pastoral_lead, school, rows)

    rows_with_problems = [row for row, _, _ in _reasons(exc)]
    assert rows_with_problems == [3, 4, 5, 6, 7, 8, 9]
    assert "No pupil at" in _reasons(exc)[0][2]
    assert "also on row 2" in _reasons(exc)[5][2]
    assert str(exc.value).startswith("Nothing was imported: 7 problems in 7 rows.")
    assert AttendanceMark.objects.count() == 0


def test_missing_columns_are_named(school, pastoral_lead, two_pupils):
    with pytest.raises(ImportRejected, match="needs the columns Session, Code"):
        _import(pastoral_lead, school, [("x", "2025-09-08")], headings=("UPN", "Date"))


def test_the_import_runs_as_a_job_with_the_pupil_import_pages(
    school, pastoral_lead, two_pupils, as_user, django_capture_on_commit_callbacks
):
    amy, _ = two_pupils
    client = as_user(pastoral_lead)
    upload = _file([(amy.upn, "2025-09-08", "AM", "/", "", "")])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(reverse("pastoral:attendance_import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.kind == "attendance"
    assert "Waiting to start" in client.get(response["Location"]).content.decode()

    for callback in queued:
        callback()

    job.refresh_from_db()
    assert (job.status, job.created) == ("done", 1)
    page = client.get(reverse("pastoral:attendance_import_job", args=[job.code])).content.decode()
    assert "Import complete" in page and "Marks added" in page
    assert client.get(reverse("pastoral:attendance_import_job_status", args=[job.code])).json()["finished"] is True
    # A pupil import job page does not show an attendance job.
    assert client.get(reverse("pastoral:pupil_import_job", args=[job.code])).status_code == 404


def test_a_failed_job_lists_the_problems(
    school, pastoral_lead, two_pupils, as_user, django_capture_on_commit_callbacks
):
    amy, _ = two_pupils
    client = as_user(pastoral_lead)
    with django_capture_on_commit_callbacks() as queued:
        client.post(
            reverse("pastoral:attendance_import"), {"file": _file([(amy.upn, "2025-09-08", "AM", "B", "", "")])}
        )
    for callback in queued:
        callback()

    job = ImportJob.objects.get()
    page = client.get(reverse("pastoral:attendance_import_job", args=[job.code])).content.decode()
    assert job.status == "failed"
    assert "B needs a note" in page


def test_staff_without_the_import_permission_get_403(school, teacher, dsl, as_user):
    assert as_user(teacher).get(reverse("pastoral:attendance_import")).status_code == 403
    assert as_user(dsl).get(reverse("pastoral:attendance_import")).status_code == 403


def test_the_sample_file_in_docs_imports_cleanly(school, pastoral_lead):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[2] / "docs" / "sample-attendance.csv"
    for upn in {line.split(",")[0] for line in sample.read_text().splitlines()[1:]}:
        PupilFactory(school=school, upn=upn)

    with sample.open("rb") as handle:
        result = imports.attendance_import(actor=pastoral_lead, school=school, uploaded_file=handle)

    assert result.created > 0
