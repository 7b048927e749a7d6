"""What the medical sub-areas' export kinds share: the audited finish of a CSV list."""

from django.utils import timezone

from pastoral import audit
from pastoral.files import exports

CSV = "text/csv; charset=utf-8"


def local(value, fmt="%Y-%m-%d %H:%M"):
    return timezone.localtime(value).strftime(fmt) if value else ""


def yes(value):
    return "Yes" if value else "No"


def finish_csv(generated_file, user, *, action, name, headers, rows):
    audit.record(
        action, actor=user, school=generated_file.school, data={"filters": generated_file.parameters, "rows": len(rows)}
    )
    return exports.Built(f"{name}-{timezone.localdate():%Y%m%d}.csv", CSV, exports.csv_bytes(headers, rows))
