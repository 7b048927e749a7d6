"""The core's own export kinds, registered in PastoralConfig.ready()."""

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from . import charts, exports
from .chronology import chronology_for
from .pdf import OFFICIAL_SENSITIVE, render_pdf
from .selectors import get_pupil_for_user

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


def build_chronology_pdf(generated_file, user):
    try:
        pupil = _pupil(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise exports.ExportRefused("You can no longer see this pupil's records.") from exc
    exports.progress(generated_file, 10)
    items = chronology_for(user, pupil, limit=CHRONOLOGY_LIMIT)
    exports.progress(generated_file, 40)
    by_area = Counter(item.area for item in items)
    chart = charts.bar_chart(
        "Chronology entries by area", sorted(by_area.items()), label_header="Area", value_header="Entries"
    )
    today = timezone.localdate()
    first = min((item.when for item in items), default=None)
    period = f"{timezone.localtime(first):%-d %b %Y} to {today:%-d %b %Y}" if first else f"to {today:%-d %b %Y}"
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
