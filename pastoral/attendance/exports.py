"""The attendance CSV: each pupil's figures this academic year, with the list page's filters."""

from django.utils import timezone

from .. import audit
from ..files import exports
from ..lists import filtered
from . import calculations as calc
from .filters import attendance_filter
from .permissions import VIEW

HEADERS = [
    "UPN",
    "Surname",
    "Forename",
    "Year",
    "Form",
    "Possible sessions",
    "Attended",
    "Authorised absence",
    "Unauthorised absence",
    "Attendance %",
    "Absence %",
    "Persistent absentee",
    "Severe absentee",
]


def build_attendance_csv(generated_file, user):
    school = generated_file.school
    today = timezone.localdate()
    start, _ = calc.academic_year(school, today)
    pupils = filtered(attendance_filter(user, school, exports.as_query_dict(generated_file.parameters)))
    rows = []
    annotated = calc.with_totals(pupils, start, today).order_by("year_group", "form", "legal_last_name", "id")
    for pupil in annotated.iterator(chunk_size=500):
        totals = calc.Totals(pupil.possible, pupil.attended, pupil.authorised, pupil.unauthorised, pupil.absent)
        rows.append(
            [
                pupil.upn,
                pupil.legal_last_name,
                pupil.legal_first_name,
                pupil.get_year_group_display(),
                pupil.form,
                totals.possible,
                totals.attended,
                totals.authorised,
                totals.unauthorised,
                totals.attendance_rate if totals.attendance_rate is not None else "",
                totals.absence_rate if totals.absence_rate is not None else "",
                "Y" if totals.persistent else "N",
                "Y" if totals.severe else "N",
            ]
        )
    audit.record(
        "pastoral.attendance.exported",
        actor=user,
        school=school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    return exports.Built(f"attendance-{today:%Y%m%d}.csv", "text/csv; charset=utf-8", exports.csv_bytes(HEADERS, rows))


def register_exports():
    exports.register(
        "pastoral.attendance_csv",
        label="Attendance by pupil (CSV)",
        permission=VIEW,
        fmt="csv",
        build=build_attendance_csv,
        description="Each pupil's sessions, rates and absence flags this academic year, with the page's filters.",
    )
