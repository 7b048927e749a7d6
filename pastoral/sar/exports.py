"""The released subject access pack as files: a PDF, and JSON and CSV twins of the same content.

Each is a generated file built by the worker (and so encrypted at rest by the file store). They are made only
from `redaction.released(item)`, never from an item's own text, and only once the pack is released: asking
for one of these kinds for a pack in review is refused when it is built.
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from ..accounts import access
from ..dates import uk_date, uk_datetime
from ..files import exports
from ..files.pdf import OFFICIAL_SENSITIVE, render_pdf
from .models import SarPack, SarRedaction
from .permissions import MANAGE
from .redaction import released

HEADERS = ["Position", "Area", "Kind", "Date", "Title", "Text", "Withheld", "Redacted"]


def _pack(user, parameters):
    code = parameters.get("pack") if isinstance(parameters, dict) else None
    try:
        pack = SarPack.objects.select_related("request__pupil__school", "school").filter(code=str(code or "")).first()
    except ValidationError:
        pack = None
    if pack is None or not access.is_member_of(user, pack.school_id):
        raise Http404("No such pack")
    if not access.has_school_perm(user, pack.school_id, MANAGE):
        raise PermissionDenied
    return pack


def pack_school(user, parameters, _school):
    return _pack(user, parameters).school


def released_items(pack):
    """The pack as released, oldest first, in two queries."""
    items = pack.items.order_by("position").prefetch_related(
        Prefetch("redactions", queryset=SarRedaction.objects.order_by("start", "id"))
    )
    return [released(item) for item in items]


def _released_pack(generated_file, user):
    try:
        pack = _pack(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise exports.ExportRefused("You can no longer see this subject access request.") from exc
    if pack.status != SarPack.Status.RELEASED:
        raise exports.ExportRefused("Only a released pack can be downloaded.")
    return pack


def _filename(pack, suffix):
    return f"subject-access-{pack.request.received_on:%Y-%m-%d}-{str(pack.code)[:8]}.{suffix}"


def _header(pack):
    sar = pack.request
    pupil = sar.pupil
    return {
        "school": pack.school.name,
        "pupil": pupil.display_name,
        "date_of_birth": pupil.date_of_birth.isoformat() if pupil.date_of_birth else None,
        "request_received": sar.received_on.isoformat(),
        "built_at": pack.built_at.isoformat() if pack.built_at else None,
        "released_at": pack.released_at.isoformat() if pack.released_at else None,
    }


def build_pdf(generated_file, user):
    pack = _released_pack(generated_file, user)
    exports.progress(generated_file, 10)
    items = released_items(pack)
    exports.progress(generated_file, 40)
    content = render_pdf(
        "pdf/sar_pack.html",
        {"pack": pack, "sar": pack.request, "pupil": pack.request.pupil, "items": items},
        user=user,
        school=pack.school,
        title=f"Subject access response: {pack.request.pupil.display_name}",
        period=f"Released {uk_date(timezone.localtime(pack.released_at))}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    return exports.Built(_filename(pack, "pdf"), "application/pdf", content)


def build_json(generated_file, user):
    pack = _released_pack(generated_file, user)
    document = {**_header(pack), "items": [item.as_dict() for item in released_items(pack)]}
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return exports.Built(_filename(pack, "json"), "application/json", content)


def build_csv(generated_file, user):
    pack = _released_pack(generated_file, user)
    rows = [
        [
            item.position,
            item.area,
            item.kind,
            uk_datetime(timezone.localtime(item.occurred_at)) if item.occurred_at else "Undated",
            item.title,
            item.text,
            "yes" if item.withheld else "",
            "yes" if item.redacted else "",
        ]
        for item in released_items(pack)
    ]
    return exports.Built(_filename(pack, "csv"), "text/csv; charset=utf-8", exports.csv_bytes(HEADERS, rows))


def register_exports():
    common = {"permission": MANAGE, "school_for": pack_school}
    exports.register(
        "pastoral.sar_pack_pdf",
        label="Subject access response (PDF)",
        fmt="pdf",
        build=build_pdf,
        description="The released pack, with its redactions.",
        **common,
    )
    exports.register(
        "pastoral.sar_pack_json",
        label="Subject access response (JSON)",
        fmt="json",
        build=build_json,
        description="The released pack as JSON, with its redactions.",
        **common,
    )
    exports.register(
        "pastoral.sar_pack_csv",
        label="Subject access response (CSV)",
        fmt="csv",
        build=build_csv,
        description="The released pack as CSV, with its redactions.",
        **common,
    )
