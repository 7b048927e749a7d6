"""Writes for the paper fallback: reserving a pad of references and printing it, and entering a form from paper.

Entering is one transaction: the duty area's own record (through its own service), its "recorded at" set to the
paper time, the `PaperEntry`, the scan and the sheet marked used. A refusal anywhere leaves nothing behind, not even
the scanned file.
"""

import uuid

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import audit
from ..accounts import access
from ..accounts.roles import Role
from ..files import exports
from ..files.uploads import checked_content_type, display_name
from ..selectors import staff_holding
from . import selectors
from .kinds import MAX_PAD, get_kind
from .models import PaperEntry, PaperFormSheet, new_reference

SCAN_MAX_BYTES = 10 * 1024 * 1024


def _kind_for(actor, school, kind_key):
    kind = get_kind(kind_key)
    if kind is None or not access.has_school_perm(actor, school, kind.permission):
        raise PermissionDenied
    return kind


def _new_references(count):
    """`count` references that no sheet has yet (a clash in 600 million is rare; it is simply drawn again)."""
    chosen = set()
    while len(chosen) < count:
        wanted = {new_reference() for _ in range(count - len(chosen))}
        taken = set(PaperFormSheet.objects.filter(reference__in=wanted).values_list("reference", flat=True))
        chosen |= wanted - taken
    return sorted(chosen)


def print_pad(*, actor, school, kind_key, count, submission_key=None):
    """Reserve `count` references for `kind_key` in `school` and queue the PDF of the pad (built by the worker)."""
    kind = _kind_for(actor, school, kind_key)
    if not 1 <= count <= MAX_PAD:
        raise ValidationError({"count": f"Print between 1 and {MAX_PAD} forms at a time."})
    for _attempt in range(3):
        try:
            with transaction.atomic():
                batch = uuid.uuid4()
                sheets = PaperFormSheet.objects.bulk_create(
                    PaperFormSheet(school=school, kind=kind.key, reference=ref, batch=batch, printed_by=actor)
                    for ref in _new_references(count)
                )
                audit.record(
                    "pastoral.paper.printed",
                    actor=actor,
                    school=school,
                    data={"kind": kind.key, "count": count, "first": sheets[0].reference, "last": sheets[-1].reference},
                )
                generated_file = exports.request_export(
                    actor=actor,
                    kind_name=kind.export_kind,
                    school=school,
                    parameters={"batch": str(batch)},
                    submission_key=submission_key,
                )
            return generated_file, sheets
        except IntegrityError:  # two pads drew the same reference at once: draw again
            continue
    raise IntegrityError("Could not reserve unique references")


def _check_scan(scan):
    try:
        return checked_content_type(scan, limit=SCAN_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"paper_scan": exc.messages}) from None


def enter_from_paper(*, actor, school, kind_key, reference, written_at, written_by, scan, create):
    """Create a record from a paper form: `create()` is the area's own service call (it checks its own
    permission); everything it writes commits with the paper entry, or nothing does."""
    kind = _kind_for(actor, school, kind_key)
    scan_type = _check_scan(scan)
    if written_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"paper_written_at": "This cannot be in the future."})
    if not staff_holding(school, Role.values, on=timezone.localdate(written_at)).filter(pk=written_by.pk).exists():
        raise ValidationError({"paper_written_by": "Choose a member of staff of this school on that day."})
    written = []
    try:
        with transaction.atomic():
            sheet, problem = selectors.sheet_problem(school, kind.key, reference, lock=True)
            if problem:
                raise ValidationError({"paper_reference": problem})
            record = create()
            if kind.stamp is not None:
                kind.stamp(record, written_at)
            entry = PaperEntry(
                school=school,
                sheet=sheet,
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                written_at=written_at,
                written_by=written_by,
                entered_by=actor,
                scan_name=display_name(scan.name),
                scan_type=scan_type,
                scan_size=scan.size,
            )
            entry.scan.save("scan", scan, save=False)
            written.append(entry.scan)
            entry.save()
            sheet.used_at = entry.entered_at
            sheet.save(update_fields=["used_at"])
            audit.record(
                "pastoral.paper.entered",
                actor=actor,
                obj=sheet,
                school=school,
                pupil=_single_pupil(record),
                data={
                    "kind": kind.key,
                    "reference": sheet.reference,
                    "record": str(getattr(record, "code", record.pk)),
                    "written_at": written_at.isoformat(),
                    "written_by": written_by.get_username(),
                },
            )
    except BaseException:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    return record


def _single_pupil(record):
    pupil = getattr(record, "pupil", None)
    if pupil is not None:
        return pupil
    pupils = getattr(record, "pupils", None)
    if pupils is not None:
        found = list(pupils.all()[:2])
        return found[0] if len(found) == 1 else None
    return None


def save(form, *, actor, school, create):
    """The view's one call: `create()` straight away, or inside a paper entry when the form came from paper."""
    if not getattr(form, "from_paper", False):
        return create()
    return enter_from_paper(actor=actor, school=school, kind_key=form.paper_kind, create=create, **form.paper_data())


@transaction.atomic
def scan_viewed(*, actor, entry):
    audit.record(
        "pastoral.paper.scan_viewed",
        actor=actor,
        obj=entry.sheet,
        school=entry.school,
        data={"reference": entry.sheet.reference, "kind": entry.sheet.kind},
    )
