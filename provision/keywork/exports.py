"""The keywork sessions list as CSV, re-applying the page's filters."""

from django.utils import timezone

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from .filters import session_filter

CSV = "text/csv; charset=utf-8"
COLUMNS = ["Date", "Pupil", "Year", "Form", "Type", "Minutes", "Mood (1-5)", "Zone", "Logged by", "Next session"]


def build_sessions_csv(generated_file, user):
    today = timezone.localdate()
    rows = [
        [
            session.held_on.isoformat(),
            session.pupil.display_name,
            session.pupil.get_year_group_display(),
            session.pupil.form,
            session.get_kind_display(),
            session.minutes,
            session.mood or "",
            session.zone,
            session.author.get_full_name(),
            session.next_on.isoformat() if session.next_on else "",
        ]
        for session in filtered(session_filter(user, generated_file.school, generated_file.parameters)).iterator(
            chunk_size=500
        )
    ]
    audit.record(
        "provision.keywork_sessions.exported",
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    return exports.Built(f"keywork-sessions-{today:%Y%m%d}.csv", CSV, exports.csv_bytes(COLUMNS, rows))


def register_exports():
    exports.register(
        "provision.keywork_sessions_csv",
        label="Keywork sessions (CSV)",
        permission="provision.keywork",
        build=build_sessions_csv,
        description="The keywork sessions you may read, with the list's filters. The discussion is not included.",
    )
