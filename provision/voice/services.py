"""Writes for pupil voice: one transaction each, audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError

from ..outcomes import access
from .models import PupilVoice


@transaction.atomic
def voice_record(
    *,
    actor,
    pupil,
    said,
    how,
    with_whom,
    gathered_on,
    how_detail="",
    for_ehcp_review=False,
    for_plan_review=False,
    for_placement_review=False,
):
    if not access.can_record(actor, pupil):
        raise PastoralError("You do not have permission to record pupil voice for this pupil.")
    if gathered_on > timezone.localdate():
        raise ValidationError({"gathered_on": "The date cannot be in the future."})
    if not said.strip():
        raise ValidationError({"said": "Write what the pupil said, in their words."})
    voice = PupilVoice(
        school=pupil.school,
        pupil=pupil,
        said=said.strip(),
        how=how,
        how_detail=how_detail.strip(),
        with_whom=with_whom.strip(),
        gathered_on=gathered_on,
        for_ehcp_review=for_ehcp_review,
        for_plan_review=for_plan_review,
        for_placement_review=for_placement_review,
        recorded_by=actor,
    )
    voice.full_clean()
    voice.save()
    audit.record(
        "provision.voice.recorded", actor=actor, obj=voice, pupil=pupil, data={"gathered_on": gathered_on.isoformat()}
    )
    return voice


@transaction.atomic
def voice_withdraw(*, actor, voice, reason):
    if not access.can_record(actor, voice.pupil):
        raise PastoralError("You do not have permission to do that.")
    voice = PupilVoice.objects.select_for_update().get(pk=voice.pk)
    if voice.voided_at:
        raise PastoralError("This has already been withdrawn.")
    voice.voided_at, voice.voided_by, voice.void_reason = timezone.now(), actor, reason.strip()
    voice.save(update_fields=["voided_at", "voided_by", "void_reason"])
    audit.record("provision.voice.withdrawn", actor=actor, obj=voice, pupil=voice.pupil, data={"reason": reason})
    return voice


def voice_viewed(*, actor, pupil=None, voice=None, school=None):
    if voice is not None:
        audit.record("provision.voice.viewed", actor=actor, obj=voice, pupil=voice.pupil)
    elif pupil is not None:
        audit.record("provision.voice.pupil_viewed", actor=actor, obj=pupil, pupil=pupil)
    else:
        audit.record("provision.voice_list.viewed", actor=actor, school=school)
