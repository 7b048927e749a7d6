"""The core's own export kinds, registered in PastoralConfig.ready()."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from pastoral.dates import uk_date

from ..chronology import chronology_for
from ..selectors import get_pupil_for_user
from . import charts, exports
from .pdf import OFFICIAL_SENSITIVE, render_pdf

CHRONOLOGY_LIMIT = 2000


def _pupil(user, parameters):
    code = parameters.get("pupil") if isinstance(parameters, dict) else None
    try:
        return get_pupil_for_user(user, str(code or ""))
    except Exception as exc:  # a malformed code is as unknown as a missing one
        if isinstance(exc, PermissionDenied):
            raise
        raise Http404("No such pupil") from exc


def chronology_school(user, parameters, _school):
    return _pupil(user, parameters).school


GENERAL_FILE_EXCLUDES = ("safeguarding",)


def build_chronology_pdf(generated_file, user):
    try:
        pupil = _pupil(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise exports.ExportRefused("You can no longer see this pupil's records.") from exc
    exports.progress(generated_file, 10)
    # Child-protection records stay out of the general file (KCSIE): they have their own
    # safeguarding chronology and CP file pack, kept and audited apart.
    items = chronology_for(user, pupil, limit=CHRONOLOGY_LIMIT, exclude=GENERAL_FILE_EXCLUDES)
    exports.progress(generated_file, 40)
    by_area = Counter(item.area for item in items)
    chart = charts.bar_chart(
        "Chronology entries by area", sorted(by_area.items()), label_header="Area", value_header="Entries"
    )
    today = timezone.localdate()
    first = min((item.when for item in items if not item.pinned), default=None)
    period = f"{uk_date(timezone.localtime(first))} to {uk_date(today)}" if first else f"to {uk_date(today)}"
    content = render_pdf(
        "pdf/chronology.html",
        {"pupil": pupil, "items": items, "chart": chart},
        user=user,
        school=pupil.school,
        title=f"Pastoral chronology: {pupil.display_name}",
        period=period,
        # A child's case history: handled as OFFICIAL-SENSITIVE whatever its entries.
        sensitivity=OFFICIAL_SENSITIVE,
    )
    exports.progress(generated_file, 90)
    name = f"chronology-{slugify(pupil.last_name)}-{slugify(pupil.first_name)}-{today:%Y%m%d}.pdf"
    return exports.Built(name, "application/pdf", content)


PUPIL_COLUMNS = [
    ("UPN", "upn"),
    ("Legal first name", "legal_first_name"),
    ("Legal last name", "legal_last_name"),
    ("Preferred name", "display_name"),
    ("Date of birth", "date_of_birth"),
    ("Year", "get_year_group_display"),
    ("Form", "form"),
    ("House", "house"),
    ("SEN", "get_sen_status_display"),
    ("Pupil premium", "pupil_premium"),
    ("EAL", "eal"),
    ("Looked after", "looked_after"),
    ("Young carer", "young_carer"),
    ("Medical alert", "medical_alert"),
    ("Keyworker", "keyworker"),
    ("Admitted", "admission_date"),
    ("Leaving", "leaving_date"),
]
# Shown only to roles that see the child-protection flags on the pupil pages.
SAFEGUARDING_COLUMNS = [
    ("Child in need", "child_in_need"),
    ("Child protection plan", "child_protection_plan"),
]


def _cell(pupil, attribute):
    value = getattr(pupil, attribute)
    value = value() if callable(value) else value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def build_pupils_csv(generated_file, user):
    """The pupil list with the filters it had; safeguarding flags only for those who may see them."""
    from .. import audit
    from ..accounts import access
    from ..filters import in_list_order, pupil_filter
    from ..lists import filtered

    school = generated_file.school
    pupils = in_list_order(filtered(pupil_filter(user, school, exports.as_query_dict(generated_file.parameters))))
    columns = list(PUPIL_COLUMNS)
    if access.has_school_perm(user, school, "pastoral.view_safeguarding_flags"):
        columns += SAFEGUARDING_COLUMNS
    total = pupils.count() or 1
    rows = []
    for index, pupil in enumerate(pupils.iterator(chunk_size=500), start=1):
        rows.append([_cell(pupil, attribute) for _heading, attribute in columns])
        if index % 500 == 0:
            exports.progress(generated_file, 10 + 80 * index // total)
    audit.record(
        "pastoral.pupil.exported",
        actor=user,
        school=school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    content = exports.csv_bytes([heading for heading, _attribute in columns], rows)
    return exports.Built(f"pupils-{timezone.localdate():%Y%m%d}.csv", "text/csv; charset=utf-8", content)


def register_kinds():
    exports.register(
        "pastoral.chronology_pdf",
        label="Pupil chronology (PDF)",
        permission="pastoral.view_pupil",
        fmt="pdf",
        build=build_chronology_pdf,
        school_for=chronology_school,
        description="Everything on the pupil's chronology that you may see, with a summary chart.",
    )
    exports.register(
        "pastoral.pupils_csv",
        label="Pupil list (CSV)",
        permission="pastoral.view_pupil",
        fmt="csv",
        build=build_pupils_csv,
        description="The pupil list with its filters.",
    )
