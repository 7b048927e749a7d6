"""Views for pupil voice: fetch → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pastoral.accounts import access as core_access
from pastoral.accounts.schools import current_school
from pastoral.exceptions import PastoralError
from pastoral.forms import add_service_errors
from pastoral.lists import list_page
from pastoral.selectors import on_roll

from ..outcomes import access
from ..outcomes.forms import WithdrawForm
from . import services
from .filters import voice_filter
from .forms import VoiceForm
from .models import PupilVoice
from .selectors import voices_visible_to


def _school(request, perm=access.VIEW):
    school = current_school(request)
    if school is None or not core_access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


@login_required
def voice_list(request):
    school = _school(request)
    listing = list_page(request, voice_filter(request.user, school, request.GET))
    services.voice_viewed(actor=request.user, school=school)
    return render(request, "provision/voice/list.html", listing.context(school=school, pupil=None))


@login_required
def voice_pupil(request, code):
    pupil = access.get_pupil(request.user, code)
    listing = list_page(request, voice_filter(request.user, pupil.school, request.GET, pupil=pupil))
    services.voice_viewed(actor=request.user, pupil=pupil)
    context = listing.context(school=pupil.school, pupil=pupil, can_record=access.can_record(request.user, pupil))
    return render(request, "provision/voice/list.html", context)


@login_required
def voice_new(request):
    school = current_school(request)
    if school is None:
        raise PermissionDenied
    pupils = on_roll(access.readable_pupils(request.user).filter(school=school))
    if not core_access.has_school_perm(request.user, school, access.RECORD) and not pupils.exists():
        raise PermissionDenied
    initial = {"pupil": request.GET["pupil"]} if request.GET.get("pupil") else {}
    form = VoiceForm(request.POST or None, pupils=pupils, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            voice = services.voice_record(actor=request.user, **data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Pupil voice recorded.")
            return redirect("provision:voice_pupil", code=voice.pupil.code)
    return render(request, "provision/voice/form.html", {"form": form})


def _get(request, code):
    voice = PupilVoice.objects.select_related("pupil", "school", "recorded_by", "voided_by").filter(code=code).first()
    if voice is not None and voices_visible_to(request.user, with_voided=True).filter(pk=voice.pk).exists():
        return voice
    core_access.refuse(
        request.user,
        voice,
        code,
        "provision.outcomes.refused",
        allowed_to_know=voice is not None and core_access.is_member_of(request.user, voice.school_id),
        noun="record",
    )


@login_required
def voice_detail(request, code):
    voice = _get(request, code)
    services.voice_viewed(actor=request.user, voice=voice)
    context = {
        "voice": voice,
        "can_record": access.can_record(request.user, voice.pupil) and not voice.voided_at,
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "provision/voice/detail.html", context)


@login_required
@require_POST
def voice_withdraw(request, code):
    voice = _get(request, code)
    if not access.can_record(request.user, voice.pupil):
        raise PermissionDenied
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.voice_withdraw(actor=request.user, voice=voice, reason=form.cleaned_data["reason"])
        except PastoralError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Withdrawn.")
    else:
        messages.error(request, "Say why it is withdrawn.")
    return redirect("provision:voice_detail", code=voice.code)
