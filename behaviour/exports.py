"""What the behaviour sub-areas' CSV export kinds share: cell formats, the audited finish and registration.

Each list kind takes its rows from the list's own FilterSet over its `*_visible_to(user)` selector, with the
same filters (the page's query string) and the same voided-record rule as the page.
"""

from django.utils import timezone

from pastoral import audit
from pastoral.dates import iso_date, iso_datetime
from pastoral.files import exports

CSV = "text/csv; charset=utf-8"


def _local(value):
    """A date-time cell: ISO 8601 in UK local time with its offset (see pastoral.dates)."""
    return iso_datetime(value)


def _day(value):
    """A date cell: ISO 8601."""
    return iso_date(value)


def _yes(value):
    return "Yes" if value else "No"


def _voided(record):
    return f"Voided: {record.void_reason}" if record.voided_at else ""


def _finish_list(generated_file, user, *, action, name, headers, rows):
    """Audit the export of a list and return it as CSV."""
    audit.record(
        action,
        actor=user,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    return exports.Built(f"{name}-{timezone.localdate():%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def register_list_csv(name, label, permission, build, action=None, sentence=None):
    """A list's CSV kind, and the sentence for its audited export."""
    exports.register(name, label=label, permission=permission, fmt="csv", build=build)
    if action:
        audit.describe(action, sentence)
