"""Session marks from the MIS as CSV (docs/attendance-import.md), checked whole and then applied in one go.

* One row per pupil per session: UPN, Date, Session (AM or PM), Code, and optionally Minutes late and Note.
* The whole file is checked before anything is written, as for the pupil import: any bad row and nothing changes.
* Repeatable: a mark already held with the same code, minutes and note is left alone, so the same file twice
  changes nothing; a different code replaces the mark and the earlier one is kept as an AttendanceMarkChange.
* `-` (the MIS's "no mark yet") is skipped and counted, never stored.
"""

import csv
import io
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone

from .. import audit, outbox
from ..accounts import access
from ..exceptions import ImportRejected
from ..files.storage import generated_storage
from ..models import ImportJob, Pupil
from ..pupils import imports as pupil_imports
from ..pupils.imports import CellError, Problem, _date, _decode, _is_blank, heading_key
from ..pupils.upn import upn_problem
from .codes import NO_MARK
from .models import AttendanceCode, AttendanceMark, AttendanceMarkChange, Session
from .permissions import IMPORT

PERMISSION = IMPORT
BATCH_SIZE = 2000
# Marks are written a few weeks at a time, so a year's back-fill never holds every existing mark in memory.
WRITE_DAYS = 21
VALUE_SHOWN = 100
PROBLEMS_STORED = 1000
NO_LONGER_ALLOWED = "The import was stopped: you no longer have permission to import attendance for this school."


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    required: bool
    synonyms: tuple[str, ...]
    format: str
    example: str


COLUMNS = (
    Column("upn", "UPN", True, ("Unique Pupil Number", "Pupil UPN"), "The pupil's 13-character UPN", "A820432125100"),
    Column("date", "Date", True, ("Session date", "Attendance date"), "YYYY-MM-DD or DD/MM/YYYY", "2026-09-14"),
    Column("session", "Session", True, ("AM/PM", "AMPM", "Period"), "AM or PM", "AM"),
    Column("code", "Code", True, ("Mark", "Attendance code", "Attendance mark"), "A code from the 2024 list", "/"),
    Column("minutes_late", "Minutes late", False, ("Late minutes", "Mins late"), "A whole number, or blank", "12"),
    Column("note", "Note", False, ("Comment", "Comments", "Reason", "Notes"), "Text; needed for B, K and Y7", ""),
)
_BY_HEADING = {heading_key(name): column for column in COLUMNS for name in (column.heading, *column.synonyms)}
SESSIONS = {"am": Session.AM, "morning": Session.AM, "pm": Session.PM, "afternoon": Session.PM}


def column_guide():
    return COLUMNS


def template_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in COLUMNS])
    writer.writerow([column.example for column in COLUMNS])
    return buffer.getvalue()


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    pupils: int = 0
    first_date: str = ""
    last_date: str = ""

    @property
    def rows(self):
        return self.created + self.updated + self.unchanged + self.skipped

    def as_audit_data(self):
        return {**asdict(self), "rows": self.rows}


@dataclass
class Row:
    number: int
    raw: dict
    values: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)

    def problem(self, key, reason, headings):
        value = self.raw.get(key, "")[:VALUE_SHOWN]
        self.problems.append(Problem(self.number, headings.get(key, ""), value, reason))


def _megabytes(size):
    return f"{size / (1024 * 1024):.1f} MB"


def _read_bytes(uploaded_file):
    limit = settings.ATTENDANCE_IMPORT_MAX_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise ImportRejected(f"The file is {_megabytes(size)}; the largest file accepted is {_megabytes(limit)}.")
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise ImportRejected(f"The file is larger than {_megabytes(limit)}, the largest file accepted.")
    return data


def _read_headings(cells):
    positions, headings, unknown = {}, {}, []
    for position, cell in enumerate(cells):
        column = _BY_HEADING.get(heading_key(cell))
        if column is None:
            if cell.strip():
                unknown.append(cell.strip())
            continue
        if column.key in positions:
            raise ImportRejected(f"Two columns are both “{column.heading}”; keep one and upload the file again.")
        positions[column.key] = position
        headings[column.key] = cell.strip()
    missing = [column.heading for column in COLUMNS if column.required and column.key not in positions]
    if missing:
        raise ImportRejected(
            "The file needs the columns " + ", ".join(missing) + " (headings in the first row). "
            "Download the template to see the layout. Nothing was imported."
        )
    return positions, headings, unknown


def _parse(row, codes, headings, today):
    raw = row.raw
    for column in COLUMNS:
        if column.required and not raw.get(column.key):
            row.problem(column.key, f"{column.heading} is required but this cell is empty.", headings)
    upn = raw.get("upn", "").upper()
    if upn and (problem := upn_problem(upn)):
        row.problem("upn", problem, headings)
    else:
        row.values["upn"] = upn
    try:
        day = _date(raw.get("date", ""))
    except CellError as exc:
        row.problem("date", str(exc), headings)
        day = None
    if day and day > today:
        row.problem("date", "This date is in the future; the register for it has not been taken.", headings)
        day = None
    row.values["date"] = day
    session = SESSIONS.get(heading_key(raw.get("session", "")))
    if raw.get("session") and session is None:
        row.problem("session", "Use AM or PM.", headings)
    row.values["session"] = session
    minutes = raw.get("minutes_late", "")
    if minutes and not (minutes.isdigit() and int(minutes) <= 600):
        row.problem("minutes_late", "Minutes late must be a whole number from 0 to 600, or blank.", headings)
    row.values["minutes_late"] = int(minutes) if minutes.isdigit() else None
    note = raw.get("note", "")
    if len(note) > 500:
        row.problem("note", "The note is too long: at most 500 characters.", headings)
    row.values["note"] = note[:500]
    text = raw.get("code", "")
    if text == NO_MARK:
        row.values["skip"] = True
        return
    code = codes.get(text.upper())
    if text and code is None:
        row.problem(
            "code", "Not an attendance code. Use one of the 2024 codes (see the list on the import page).", headings
        )
        return
    if code is None:
        return
    row.values["code"] = code
    if day and not code.usable_on(day):
        row.problem(
            "code",
            f"{code.code} was withdrawn on 19 August 2024 and cannot be used for sessions from that day "
            "(use the 2024 code that replaced it).",
            headings,
        )
    if code.note_required and not note:
        row.problem("code", f"{code.code} needs a note explaining it (in the Note column).", headings)


def _rows(records, start, codes, positions, headings):
    today = timezone.localdate()
    rows = []
    for number, cells in enumerate(records[start:], start=start + 1):
        if _is_blank(cells):
            continue
        raw = {key: (cells[pos].strip() if pos < len(cells) else "") for key, pos in positions.items()}
        row = Row(number, raw)
        _parse(row, codes, headings, today)
        rows.append(row)
    if not rows:
        raise ImportRejected("The file has column headings but no marks.")
    return rows


def _match_pupils(school, rows, headings):
    upns = {row.values.get("upn") for row in rows if row.values.get("upn")}
    found = dict(
        Pupil.objects.annotate(upn_upper=Upper("upn"))
        .filter(school=school, upn_upper__in=upns)
        .values_list("upn_upper", "id")
    )
    seen = {}
    for row in rows:
        upn = row.values.get("upn")
        if upn and upn not in found:
            row.problem("upn", f"No pupil at {school.name} has this UPN; import the pupil first.", headings)
            continue
        row.values["pupil_id"] = found.get(upn)
        key = (upn, row.values.get("date"), row.values.get("session"))
        if upn and all(key):
            if key in seen:
                row.problem("session", f"This pupil's session is also on row {seen[key]}; keep one mark.", headings)
            else:
                seen[key] = row.number


def _rejection(rows):
    problems = [problem for row in rows for problem in row.problems]
    bad_rows = sum(1 for row in rows if row.problems)
    noun = "problem" if len(problems) == 1 else "problems"
    row_noun = "row" if bad_rows == 1 else "rows"
    return ImportRejected(
        f"Nothing was imported: {len(problems)} {noun} in {bad_rows} {row_noun}. "
        "Fix them in the file and upload it again.",
        problems=problems,
    )


def _write_span(school, rows, now, job, actor, result):
    pupil_ids = {row.values["pupil_id"] for row in rows}
    dates = [row.values["date"] for row in rows]
    existing = {
        (mark.pupil_id, mark.date, mark.session): mark
        for mark in AttendanceMark.objects.filter(
            school=school, pupil_id__in=pupil_ids, date__gte=min(dates), date__lte=max(dates)
        ).only("id", "pupil_id", "date", "session", "code", "minutes_late", "note")
    }
    new, changed, changes = [], [], []
    for row in rows:
        v = row.values
        code = v["code"]
        mark = existing.get((v["pupil_id"], v["date"], v["session"]))
        if mark is None:
            new.append(
                AttendanceMark(
                    school=school,
                    pupil_id=v["pupil_id"],
                    date=v["date"],
                    session=v["session"],
                    code=code.code,
                    counts=code.counts,
                    minutes_late=v["minutes_late"],
                    note=v["note"],
                    imported_at=now,
                    import_job=job,
                )
            )
        elif (mark.code, mark.minutes_late, mark.note) != (code.code, v["minutes_late"], v["note"]):
            changes.append(
                AttendanceMarkChange(
                    mark=mark,
                    previous_code=mark.code,
                    previous_minutes_late=mark.minutes_late,
                    previous_note=mark.note,
                    new_code=code.code,
                    changed_at=now,
                    import_job=job,
                    changed_by=actor,
                )
            )
            mark.code, mark.counts, mark.minutes_late, mark.note = code.code, code.counts, v["minutes_late"], v["note"]
            mark.imported_at, mark.import_job = now, job
            changed.append(mark)
        else:
            result.unchanged += 1
    AttendanceMark.objects.bulk_create(new, batch_size=BATCH_SIZE)
    AttendanceMark.objects.bulk_update(
        changed, ["code", "counts", "minutes_late", "note", "imported_at", "import_job"], batch_size=BATCH_SIZE
    )
    AttendanceMarkChange.objects.bulk_create(changes, batch_size=BATCH_SIZE)
    result.created += len(new)
    result.updated += len(changed)


def _spans(rows):
    """Rows grouped into runs of WRITE_DAYS calendar days."""
    by_span = defaultdict(list)
    first = min(row.values["date"] for row in rows)
    for row in rows:
        by_span[(row.values["date"] - first).days // WRITE_DAYS].append(row)
    return [by_span[key] for key in sorted(by_span)]


def _no_progress(checked, total):
    pass


def attendance_import(*, actor, school, uploaded_file, job=None, progress=_no_progress):
    """Apply an MIS attendance CSV to the school's marks; ImportRejected (with every problem) writes nothing."""
    if not access.has_school_perm(actor, school, PERMISSION):
        raise PermissionDenied
    records = pupil_imports._records(_decode(_read_bytes(uploaded_file)))
    header = next((index for index, cells in enumerate(records) if not _is_blank(cells)), None)
    if header is None:
        raise ImportRejected("The file is empty.")
    positions, headings, _unknown = _read_headings(records[header])
    codes = {code.code.upper(): code for code in AttendanceCode.objects.all()}
    rows = _rows(records, header + 1, codes, positions, headings)
    progress(0, len(rows))
    _match_pupils(school, rows, headings)
    if any(row.problems for row in rows):
        raise _rejection(rows)
    result = ImportResult(skipped=sum(1 for row in rows if row.values.get("skip")))
    marks = [row for row in rows if not row.values.get("skip")]
    now = timezone.now()
    try:
        with transaction.atomic():
            done = result.skipped
            for span in _spans(marks) if marks else []:
                _write_span(school, span, now, job, actor, result)
                done += len(span)
                progress(done, len(rows))
            if marks:
                result.pupils = len({row.values["pupil_id"] for row in marks})
                result.first_date = min(row.values["date"] for row in marks).isoformat()
                result.last_date = max(row.values["date"] for row in marks).isoformat()
            audit.record("pastoral.attendance.imported", actor=actor, school=school, data=result.as_audit_data())
            if result.created or result.updated:
                # The statutory triggers, and today's unexplained absences of pupils with a social worker.
                outbox.enqueue("pastoral.tasks.attendance_alerts_task", school.pk)
    except IntegrityError:
        raise ImportRejected("Someone else imported attendance at the same moment; upload the file again.") from None
    return result


# Import jobs ---------------------------------------------------------------------------------------------


def import_job_create(*, actor, school, uploaded_file):
    if not access.has_school_perm(actor, school, PERMISSION):
        raise PermissionDenied
    data = _read_bytes(uploaded_file)
    _decode(data)
    storage_name = pupil_imports._store(data)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=ImportJob.Kind.ATTENDANCE,
                school=school,
                created_by=actor,
                original_name=(getattr(uploaded_file, "name", "") or "")[:200],
                storage_name=storage_name,
            )
            outbox.enqueue("pastoral.tasks.attendance_import_task", job.pk)
    except BaseException:
        pupil_imports._delete_stored(storage_name)
        raise
    return job


def _record_progress(job_id, checked, total):
    ImportJob.objects.filter(pk=job_id).update(processed=checked, total=total)


def import_job_run(job_id):
    """Check and apply one stored upload, recording progress and the outcome on the job; deletes the file."""
    job = (
        ImportJob.objects.select_related("school", "created_by")
        .filter(pk=job_id, kind=ImportJob.Kind.ATTENDANCE)
        .first()
    )
    if job is None or job.finished:
        return "skipped"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, started_at=timezone.now())
    actor = job.created_by
    finish = pupil_imports._finish
    try:
        if not actor.is_active or not access.has_school_perm(actor, job.school, PERMISSION):
            raise ImportRejected(NO_LONGER_ALLOWED)
        with generated_storage().open(job.storage_name, "rb") as handle:
            result = attendance_import(
                actor=actor,
                school=job.school,
                uploaded_file=File(handle, name=job.original_name),
                job=job,
                progress=partial(_record_progress, job.pk),
            )
    except FileNotFoundError:
        finish(job, status=ImportJob.Status.FAILED, message="The uploaded file is no longer here; upload it again.")
        return "failed"
    except ImportRejected as exc:
        finish(
            job,
            status=ImportJob.Status.FAILED,
            message=str(exc)[:500],
            errors=len(exc.problems),
            problems=[asdict(problem) for problem in exc.problems[:PROBLEMS_STORED]],
        )
        return "failed"
    except BaseException:
        finish(
            job, status=ImportJob.Status.FAILED, message="The import stopped because of an error; nothing was saved."
        )
        raise
    finally:
        pupil_imports._delete_stored(job.storage_name)
    finish(
        job,
        status=ImportJob.Status.DONE,
        created=result.created,
        updated=result.updated,
        result={**asdict(result), "rows": result.rows},
    )
    return "done"


def history(mark):
    """A mark's earlier codes, newest first."""
    return mark.changes.all()
