"""Export kinds for alternative provision: the placements, and the marks that would go to the MIS."""

import datetime

from django.utils import timezone

from pastoral import audit
from pastoral.files import exports

from .models import AttendanceReturn, Placement
from .selectors import VIEW, placements_visible_to

CSV = "text/csv; charset=utf-8"
PLACEMENT_COLUMNS = [
    "Pupil",
    "UPN",
    "Provider",
    "Registration",
    "Status",
    "Commissioner",
    "Full-time",
    "Sessions",
    "Code",
    "Start",
    "Planned end",
    "Ended",
    "End",
    "Cost per session",
    "Next review",
]
MIS_COLUMNS = ["UPN", "Surname", "Forename", "Date", "Session", "Code", "Minutes late", "Note"]
MIS_DAYS = 14


def _done(generated_file, user, name, headers, rows):
    audit.record(
        "provision.ap.exported",
        actor=user,
        school=generated_file.school,
        data={"export": name, "rows": len(rows)},
    )
    return exports.Built(f"{name}-{timezone.localdate():%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def build_placements_csv(generated_file, user):
    rows = [
        [
            p.pupil.display_name,
            p.pupil.upn,
            p.provider.name,
            p.provider.get_registration_display(),
            p.get_status_display(),
            p.get_commissioner_display(),
            "Yes" if p.full_time else "No",
            " ".join(p.sessions),
            p.attendance_code,
            p.start.isoformat(),
            p.planned_end.isoformat() if p.planned_end else "",
            p.ended_on.isoformat() if p.ended_on else "",
            p.get_end_kind_display() if p.end_kind else "",
            p.cost_per_session or "",
            p.next_review.isoformat() if p.next_review else "",
        ]
        for p in placements_visible_to(user)
        .filter(school=generated_file.school)
        .select_related("pupil", "provider")
        .order_by("-start", "-pk")
        .iterator(chunk_size=500)
    ]
    return _done(generated_file, user, "ap-placements", PLACEMENT_COLUMNS, rows)


def mis_rows(user, school, first, last):
    """The marks the school's register takes from the providers' returns: the placement's code (B, D or K) for a
    session attended (late included, with the minutes), O for an absence until the school records the reason."""
    returns = (
        AttendanceReturn.objects.filter(
            placement__in=placements_visible_to(user).filter(school=school), date__gte=first, date__lte=last
        )
        .select_related("placement__pupil", "placement__provider")
        .order_by("date", "session", "placement__pupil__legal_last_name", "pk")
    )
    rows = []
    for r in returns.iterator(chunk_size=500):
        pupil = r.placement.pupil
        note = f"At {r.placement.provider.name}" if r.mark != AttendanceReturn.Mark.ABSENT else f"Absent: {r.reason}"
        rows.append(
            [
                pupil.upn,
                pupil.legal_last_name,
                pupil.legal_first_name,
                r.date.isoformat(),
                r.session,
                r.register_code,
                r.minutes_late or "",
                note,
            ]
        )
    return rows


def build_mis_csv(generated_file, user):
    last = timezone.localdate()
    first = last - datetime.timedelta(days=MIS_DAYS)
    rows = mis_rows(user, generated_file.school, first, last)
    return _done(generated_file, user, "ap-marks-for-mis", MIS_COLUMNS, rows)


def register_exports():
    exports.register(
        "provision.ap_placements_csv",
        label="Alternative provision placements (CSV)",
        permission=VIEW,
        build=build_placements_csv,
        description="Every placement of the school.",
    )
    exports.register(
        "provision.ap_mis_marks_csv",
        label="Alternative provision marks for the MIS (CSV)",
        permission=VIEW,
        build=build_mis_csv,
        description=f"The register codes from the providers' returns of the last {MIS_DAYS} days.",
    )


__all__ = ["Placement", "register_exports"]
