"""The core's own record types (the duty areas register theirs from their retention.py)."""

from django.db.models import Q

from ..dates import uk_date
from . import registry
from .registry import CLOSED, DOB, RECORD_DATE, REVIEW, Default, RecordType

PUPIL_RECORD = "Pupil record, DOB + 25 years (IRMS toolkit, not verified): review before destroying."


def register():
    registry.register(
        RecordType(
            key="pastoral.pupil_note",
            label="Contact log entries",
            model="pastoral.PupilNote",
            school="pupil__school",
            record_date="occurred_at",
            default=Default(DOB, 25, REVIEW, PUPIL_RECORD),
            describe=lambda note: f"{note.get_kind_display()} on {uk_date(note.occurred_at)}",
            order=10,
        )
    )
    registry.register(
        RecordType(
            key="pastoral.attendance_mark",
            label="Attendance marks",
            model="pastoral.AttendanceMark",
            record_date="date",
            default=Default(
                RECORD_DATE,
                6,
                registry.DESTROY,
                "Attendance register: 6 years from the entry (School Attendance (Pupil Registration) (England) "
                "Regulations 2024).",
            ),
            describe=lambda mark: f"{mark.session} mark on {uk_date(mark.date)}",
            order=11,
        )
    )
    registry.register(
        RecordType(
            key="pastoral.meeting",
            label="Multi-agency meetings",
            model="pastoral.Meeting",
            record_date="held_on",
            default=Default(DOB, 25, REVIEW, "Kept with the pupil or CP file, DOB + 25 years (IRMS): review."),
            describe=lambda meeting: f"{meeting.get_kind_display()} on {uk_date(meeting.held_on)}",
            order=12,
        )
    )
    registry.register(
        RecordType(
            key="pastoral.sar",
            label="Subject access requests",
            model="pastoral.SubjectAccessRequest",
            record_date="received_on",
            closed=("closed_on",),
            only=~Q(status="open"),
            default=Default(CLOSED, 6, REVIEW, "No period in the reference: 6 years from closing, set by the school."),
            describe=lambda sar: f"Request received {uk_date(sar.received_on)}",
            order=13,
        )
    )
    registry.register(
        RecordType(
            key="pastoral.generated_file",
            label="Generated files (exports and reports)",
            model="pastoral.GeneratedFile",
            pupil=None,
            record_date="created_at",
            default=Default(
                RECORD_DATE, 1, REVIEW, "The file itself expires within days; the row is kept a year for the log."
            ),
            describe=lambda f: f"{f.kind} of {uk_date(f.created_at)}",
            files=_generated_files,
            order=14,
        )
    )


def _generated_files(pks):
    from ..files.exports import storage
    from ..models import GeneratedFile

    names = GeneratedFile.objects.filter(pk__in=pks).exclude(storage_name="").values_list("storage_name", flat=True)
    return [(storage(), name) for name in names]
