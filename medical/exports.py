"""What the medical sub-areas' export kinds share: the audited finish of a CSV list."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from pastoral import audit
from pastoral.dates import iso_datetime
from pastoral.files import exports

CSV = "text/csv; charset=utf-8"


def local(value):
    """A date-time cell: ISO 8601 in UK local time with its offset (see pastoral.dates)."""
    return iso_datetime(value)


def yes(value):
    return "Yes" if value else "No"


def finish_csv(generated_file, user, *, action, name, headers, rows):
    audit.record(
        action, actor=user, school=generated_file.school, data={"filters": generated_file.parameters, "rows": len(rows)}
    )
    return exports.Built(f"{name}-{timezone.localdate():%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))


def record_from(parameters, key, fetch, user):
    """The record named by the export's parameters, fetched as its page would (404/403 alike become a refusal)."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    code = parameters.get(key) if isinstance(parameters, dict) else None
    try:
        return fetch(user, str(code or ""))
    except (Http404, PermissionDenied, ValidationError, ValueError) as exc:
        raise exports.ExportRefused("You can no longer see this record.") from exc


def record_school(key, fetch):
    """`school_for` of a record PDF kind: the record's own school."""

    def school_for(user, parameters, _school):
        return record_from(parameters, key, fetch, user).school

    return school_for


def pdf(template, context, *, user, school, title, filename, action, obj=None, pupil=None, sensitivity=None):
    from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf

    content = render_pdf(
        template, context, user=user, school=school, title=title, sensitivity=sensitivity or OFFICIAL_SENSITIVE
    )
    audit.record(action, actor=user, obj=obj, pupil=pupil, school=school)
    return exports.Built(filename, "application/pdf", content)
