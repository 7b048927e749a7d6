"""Writes for subject access requests: one transaction each, audited (no personal content in the audit data)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import audit
from ..accounts import access
from ..exceptions import PastoralError
from .models import Exemption, SarPack, SarPackItem, SarRedaction, SubjectAccessRequest, add_months
from .permissions import MANAGE, REVIEW_SAFEGUARDING
from .redaction import find_all
from .selectors import may_edit_item

MAX_EXTENSION_MONTHS = 2


def _require(actor, school):
    if not access.has_school_perm(actor, school, MANAGE):
        raise PermissionDenied


def _locked(request):
    locked = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != SubjectAccessRequest.Status.OPEN:
        raise PastoralError("This request is already closed.")
    return locked


@transaction.atomic
def sar_record(
    *,
    actor,
    school,
    pupil,
    requester_name,
    relationship,
    received_on,
    relationship_detail="",
    identity_checked_on=None,
    identity_checked_how="",
):
    """A request received: the deadline is one calendar month from the day it came (Art 12(3))."""
    _require(actor, school)
    if pupil.school_id != school.pk:
        raise PastoralError("Choose a pupil of this school.")
    request = SubjectAccessRequest(
        school=school,
        pupil=pupil,
        requester_name=requester_name,
        relationship=relationship,
        relationship_detail=relationship_detail,
        received_on=received_on,
        identity_checked_on=identity_checked_on,
        identity_checked_how=identity_checked_how,
        due_on=add_months(received_on, 1),
        created_by=actor,
    )
    request.full_clean()
    request.save()
    audit.record(
        "pastoral.sar.recorded",
        actor=actor,
        obj=request,
        pupil=pupil,
        data={"relationship": relationship, "received": received_on.isoformat(), "due": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def sar_identity_checked(*, actor, request, checked_on, how):
    _require(actor, request.school)
    request = _locked(request)
    if checked_on < request.received_on or checked_on > timezone.localdate():
        raise PastoralError("The check must be dated between the request's arrival and today.")
    request.identity_checked_on, request.identity_checked_how = checked_on, how
    request.save(update_fields=["identity_checked_on", "identity_checked_how"])
    audit.record("pastoral.sar.identity_checked", actor=actor, obj=request, pupil=request.pupil, data={})
    return request


@transaction.atomic
def sar_extend(*, actor, request, months, reason, requester_told_on):
    """Up to two more months for a complex or numerous request, with the reason, once the requester has been told
    (within the first month)."""
    _require(actor, request.school)
    request = _locked(request)
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise PastoralError("A request can be extended by one or two months.")
    if request.extended_to:
        raise PastoralError("This request has already been extended.")
    if not reason.strip():
        raise PastoralError("Give the reason for the extension.")
    if requester_told_on > request.due_on:
        raise PastoralError("The requester must be told of an extension within the first month.")
    if requester_told_on < request.received_on or requester_told_on > timezone.localdate():
        raise PastoralError("Date when the requester was told: between the request's arrival and today.")
    request.extended_to = add_months(request.due_on, months)
    request.extension_reason = reason
    request.requester_told_on = requester_told_on
    request.save(update_fields=["extended_to", "extension_reason", "requester_told_on"])
    audit.record(
        "pastoral.sar.extended",
        actor=actor,
        obj=request,
        pupil=request.pupil,
        data={"to": request.extended_to.isoformat(), "told": requester_told_on.isoformat()},
    )
    return request


@transaction.atomic
def sar_close(*, actor, request, status, closed_on, note=""):
    _require(actor, request.school)
    request = _locked(request)
    if status not in (SubjectAccessRequest.Status.COMPLETED, SubjectAccessRequest.Status.WITHDRAWN):
        raise PastoralError("Close a request as completed or withdrawn.")
    if closed_on < request.received_on or closed_on > timezone.localdate():
        raise PastoralError("The closing date must be between the request's arrival and today.")
    if status == SubjectAccessRequest.Status.COMPLETED and request.identity_checked_on is None:
        raise PastoralError("Record the identity check before completing the request.")
    request.status, request.closed_on, request.closing_note = status, closed_on, note
    request.save(update_fields=["status", "closed_on", "closing_note"])
    audit.record(
        "pastoral.sar.closed",
        actor=actor,
        obj=request,
        pupil=request.pupil,
        data={"status": status, "on": closed_on.isoformat(), "late": closed_on > request.deadline},
    )
    return request


# --- the pack: build, redact, review, release -------------------------------------------------------------------

RELEASED_KINDS = ("pastoral.sar_pack_pdf", "pastoral.sar_pack_json", "pastoral.sar_pack_csv")


@transaction.atomic
def pack_request_build(*, actor, request):
    """Queue the pack's build (or a build again after a failed or lost one), in the same transaction as the task."""
    from .. import outbox

    _require(actor, request.school)
    request = _locked(request)
    pack = SarPack.objects.select_for_update().filter(request=request).first()
    if pack is None:
        pack = SarPack.objects.create(request=request, school=request.school, requested_by=actor)
    elif pack.rebuildable:
        pack.status, pack.error, pack.started_at = SarPack.Status.QUEUED, "", None
        pack.requested_by, pack.requested_at = actor, timezone.now()
        pack.save(update_fields=["status", "error", "started_at", "requested_by", "requested_at"])
    else:
        raise PastoralError("This pack has already been asked for.")
    audit.record("pastoral.sar.pack_requested", actor=actor, obj=request, pupil=request.pupil, data={})
    outbox.enqueue("pastoral.tasks.build_sar_pack", pack.pk)
    return pack


def _locked_item(actor, item):
    """The item locked with its pack, while the pack is in review and the actor may change it."""
    pack = SarPack.objects.select_for_update().select_related("request").get(pk=item.pack_id)
    if not may_edit_item(actor, item, pack.school_id):
        raise PermissionDenied
    if pack.status != SarPack.Status.REVIEW:
        raise PastoralError("Only a pack in review can be changed.")
    return pack, SarPackItem.objects.select_for_update().get(pk=item.pk)


def _check_reason(reason, detail):
    if reason not in Exemption.values:
        raise PastoralError("Choose the exemption.")
    if reason == Exemption.OTHER and not detail.strip():
        raise PastoralError("Say which exemption applies.")


def _unreview(item):
    """A change to a safeguarding item after the DSL's review needs their review again."""
    if item.dsl_reviewed_at:
        item.dsl_reviewed_at, item.dsl_reviewed_by = None, None
        item.save(update_fields=["dsl_reviewed_at", "dsl_reviewed_by"])


def _audit_item(action, actor, pack, item, **data):
    audit.record(
        action,
        actor=actor,
        obj=pack.request,
        pupil=pack.request.pupil,
        data={"pack": str(pack.code), "item": item.position, "area": item.area, **data},
    )


@transaction.atomic
def pack_withhold(*, actor, item, reason, detail=""):
    pack, item = _locked_item(actor, item)
    _check_reason(reason, detail)
    item.withheld, item.withheld_reason, item.withheld_detail = True, reason, detail.strip()
    item.withheld_by, item.withheld_at = actor, timezone.now()
    item.save(update_fields=["withheld", "withheld_reason", "withheld_detail", "withheld_by", "withheld_at"])
    _unreview(item)
    _audit_item("pastoral.sar.item_withheld", actor, pack, item, reason=reason)
    return item


@transaction.atomic
def pack_restore(*, actor, item):
    pack, item = _locked_item(actor, item)
    if not item.withheld:
        raise PastoralError("This record is not withheld.")
    item.withheld, item.withheld_reason, item.withheld_detail = False, "", ""
    item.withheld_by, item.withheld_at = None, None
    item.save(update_fields=["withheld", "withheld_reason", "withheld_detail", "withheld_by", "withheld_at"])
    _unreview(item)
    _audit_item("pastoral.sar.item_restored", actor, pack, item)
    return item


@transaction.atomic
def pack_redact(*, actor, item, reason, detail="", part=SarRedaction.Part.TEXT, passage="", start=None, end=None):
    """Redact a passage of the item's title or text: every occurrence of `passage`, or the characters
    [start, end). Returns the redactions made."""
    pack, item = _locked_item(actor, item)
    _check_reason(reason, detail)
    if part not in SarRedaction.Part.values:
        raise PastoralError("Choose the title or the text.")
    source = item.title if part == SarRedaction.Part.TITLE else item.text
    if start is not None or end is not None:
        if start is None or end is None or not 0 <= start < end <= len(source):
            raise PastoralError(f"Give a range of characters within the {part} (0 to {len(source)}).")
        spans = [(start, end)]
    else:
        spans = find_all(source, passage.strip())
        if not spans:
            raise PastoralError(f"That passage is not in the record's {part}. Copy it exactly.")
    made = SarRedaction.objects.bulk_create(
        [
            SarRedaction(
                item=item, part=part, start=s, end=e, reason=reason, reason_detail=detail.strip(), created_by=actor
            )
            for s, e in spans
        ]
    )
    _unreview(item)
    # Where and why, never the words themselves: the audit log must not keep what is kept from the requester.
    ranges = [[s, e] for s, e in spans]
    _audit_item("pastoral.sar.passage_redacted", actor, pack, item, reason=reason, part=part, ranges=ranges)
    return made


@transaction.atomic
def pack_remove_redaction(*, actor, redaction):
    pack, item = _locked_item(actor, redaction.item)
    redaction = SarRedaction.objects.select_for_update().get(pk=redaction.pk, item=item)
    data = {"reason": redaction.reason, "part": redaction.part, "ranges": [[redaction.start, redaction.end]]}
    redaction.delete()
    _unreview(item)
    _audit_item("pastoral.sar.redaction_removed", actor, pack, item, **data)


@transaction.atomic
def pack_review_item(*, actor, item):
    """The DSL (or a deputy) confirms a safeguarding item may be released as it now stands."""
    pack = SarPack.objects.select_for_update().select_related("request").get(pk=item.pack_id)
    if not access.has_school_perm(actor, pack.school_id, REVIEW_SAFEGUARDING):
        raise PermissionDenied
    if pack.status != SarPack.Status.REVIEW:
        raise PastoralError("Only a pack in review can be reviewed.")
    item = SarPackItem.objects.select_for_update().get(pk=item.pk)
    if not item.needs_dsl_review:
        raise PastoralError("Only safeguarding records need the DSL's review.")
    if item.dsl_reviewed_at:
        raise PastoralError("This record has already been reviewed.")
    item.dsl_reviewed_at, item.dsl_reviewed_by = timezone.now(), actor
    item.save(update_fields=["dsl_reviewed_at", "dsl_reviewed_by"])
    _audit_item("pastoral.sar.item_reviewed", actor, pack, item)
    return item


def awaiting_dsl(pack):
    return pack.items.filter(area=SarPackItem.SAFEGUARDING, dsl_reviewed_at__isnull=True)


def _request_files(actor, pack):
    from ..files import exports

    return [
        exports.request_export(actor=actor, kind_name=kind, school=pack.school, parameters={"pack": str(pack.code)})
        for kind in RELEASED_KINDS
    ]


@transaction.atomic
def pack_release(*, actor, pack):
    """Release the redacted pack: its PDF and JSON and CSV twins are built by the worker from the released text."""
    _require(actor, pack.school)
    pack = SarPack.objects.select_for_update().select_related("request__pupil", "school").get(pk=pack.pk)
    if pack.status != SarPack.Status.REVIEW:
        raise PastoralError("Only a pack in review can be released.")
    if pack.request.status != SubjectAccessRequest.Status.OPEN:
        raise PastoralError("This request is already closed.")
    waiting = awaiting_dsl(pack).count()
    if waiting:
        raise PastoralError(
            f"{waiting} safeguarding record{'s' if waiting != 1 else ''} still need{'s' if waiting == 1 else ''} "
            "the DSL's review before the pack can be released."
        )
    pack.status, pack.released_by, pack.released_at = SarPack.Status.RELEASED, actor, timezone.now()
    pack.save(update_fields=["status", "released_by", "released_at"])
    items = pack.items.all()
    audit.record(
        "pastoral.sar.pack_released",
        actor=actor,
        obj=pack.request,
        pupil=pack.request.pupil,
        data={
            "pack": str(pack.code),
            "items": items.count(),
            "withheld": items.filter(withheld=True).count(),
            "redactions": SarRedaction.objects.filter(item__pack=pack).count(),
        },
    )
    return pack, _request_files(actor, pack)


@transaction.atomic
def pack_request_files(*, actor, pack):
    """The released files again (for another holder of the role, or after they expired)."""
    _require(actor, pack.school)
    if pack.status != SarPack.Status.RELEASED:
        raise PastoralError("Only a released pack can be downloaded.")
    audit.record("pastoral.sar.files_requested", actor=actor, obj=pack.request, pupil=pack.request.pupil, data={})
    return _request_files(actor, pack)
