"""Writes for subject access requests: one transaction each, audited (no personal content in the audit data)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .. import audit
from ..accounts import access
from ..exceptions import PastoralError
from .models import SubjectAccessRequest, add_months
from .permissions import MANAGE

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
