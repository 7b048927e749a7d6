"""Core pages: home, pupil list, type-ahead search, pupil profile, contacts and professionals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from . import audit, dashboard, profile_summary, pupil_cards, selectors, services
from .accounts import access
from .accounts.roles import Role
from .accounts.schools import current_school, schools_for_switcher, set_current_school
from .attendance import profile as attendance_profile
from .chronology_filters import chronology_context
from .exceptions import PastoralError
from .files import uploads
from .filters import audit_filter, in_list_order, pupil_filter
from .forms import (
    FamilyContactForm,
    ProfessionalForm,
    PupilForm,
    PupilNoteForm,
    RecordsSentForm,
    VoidForm,
    add_service_errors,
)
from .lists import list_page
from .pupils import leavers


def _require(user, school, perm):
    if school is None or not access.has_school_perm(user, school, perm):
        raise PermissionDenied


@login_required
def home(request):
    school = current_school(request)
    context = {"school": school}
    if school is not None and access.has_school_perm(request.user, school, "pastoral.view_pupil"):
        pupils = selectors.on_roll(selectors.pupils_visible_to(request.user).filter(school=school))
        # A keyworker's whole caseload is the keywork area's panel (with a link to every pupil on it), not a
        # count here that could disagree with it.
        context["counts"] = pupils.aggregate(on_roll=Count("pk"))
    if school is not None:
        context["panels"] = dashboard.panels_for(request, school)
    return render(request, "pastoral/home.html", context)


@login_required
@require_POST
def switch_school(request):
    for school in schools_for_switcher(request):
        if str(school.code) == request.POST.get("school"):
            set_current_school(request, school)
            messages.success(request, f"You are now working in {school.name}.")
            return redirect("pastoral:home")
    raise Http404("No such school")


@login_required
def pupil_list(request):
    school = current_school(request)
    _require(request.user, school, "pastoral.view_pupil")
    listing = list_page(request, pupil_filter(request.user, school, request.GET), then=in_list_order, keyset=False)
    form = listing.form
    if form.is_valid() and form.cleaned_data.get("q"):
        text = form.cleaned_data["q"]
        services.pupil_search_record(
            actor=request.user, school=school, text=text, results=listing.page, where="pupil list"
        )
    context = {
        **listing.context(),
        "show_safeguarding_flags": access.has_school_perm(request.user, school, "pastoral.view_safeguarding_flags"),
    }
    return render(request, "pastoral/pupil_list.html", context)


@login_required
def pupil_search(request):
    """Type-ahead: the header search box asks this as the user types."""
    if not access.has_any_school_perm(request.user, "pastoral.view_pupil"):
        raise PermissionDenied
    text = request.GET.get("q", "").strip()
    results = []
    if len(text) >= 2:
        pupils = selectors.pupil_search(selectors.on_roll(selectors.pupils_visible_to(request.user)), text)
        results = list(pupils.select_related("school").order_by("legal_last_name", "legal_first_name")[:10])
        services.pupil_search_record(
            actor=request.user, school=current_school(request), text=text, results=results, where="header search"
        )
    template = "pastoral/_pupil_search_results.html" if request.htmx else "pastoral/pupil_search.html"
    multi_school = len(access.schools_with_perm(request.user, "pastoral.view_pupil")) > 1
    return render(request, template, {"results": results, "q": text, "multi_school": multi_school})


def _header_flags(user, pupil):
    return {
        "safeguarding": access.has_school_perm(user, pupil.school_id, "pastoral.view_safeguarding_flags"),
        # A leaver's record is read-only except for the DSL team and the headteacher (pastoral.pupils.leavers).
        "can_edit": access.has_school_perm(user, pupil.school_id, "pastoral.change_pupil")
        and leavers.may_write(user, pupil),
        "left": leavers.has_left(pupil),
        "writable": leavers.may_write(user, pupil),
        "logs_records_sent": access.has_school_perm(user, pupil.school_id, leavers.WRITE_LEAVER),
    }


@login_required
def pupil_detail(request, code):
    pupil = selectors.get_pupil_for_user(request.user, code)
    cards = pupil_cards.cards_for(request.user, pupil)
    # One page of the chronology, filtered and paged by keyset inside each area's query, so the page opens as
    # fast for a long history as for a short one; the chronology PDF holds everything.
    context = {
        "pupil": pupil,
        "flags": _header_flags(request.user, pupil),
        **chronology_context(request, pupil),
        "cards": cards,
        "plans_in_force": [name for card in cards for name in card.headline],
        "figures": profile_summary.figures_for(request.user, pupil),
        "attendance": attendance_profile.panel(request.user, pupil),
        "can_view_meetings": access.has_school_perm(request.user, pupil.school_id, "pastoral.view_meetings"),
        "can_record_sar": access.has_school_perm(request.user, pupil.school_id, "pastoral.manage_sar"),
        **selectors.pupil_profile_data(pupil, request.user),
    }
    if context["flags"]["left"]:
        context["records_sent"] = list(pupil.records_sent.select_related("sent_by"))
        if context["flags"]["logs_records_sent"]:
            context["records_sent_form"] = RecordsSentForm()
    services.pupil_record_view(actor=request.user, pupil=pupil, shown=context["chronology"])
    return render(request, "pastoral/pupil_detail.html", context)


@login_required
@require_POST
def records_sent_create(request, code):
    """Log what of a leaver's records went to their new school (the DSL team and the headteacher)."""
    pupil = selectors.get_pupil_for_user(request.user, code)
    if not access.has_school_perm(request.user, pupil.school_id, leavers.WRITE_LEAVER):
        raise PermissionDenied
    form = RecordsSentForm(request.POST)
    if form.is_valid():
        try:
            services.records_sent_log(actor=request.user, pupil=pupil, **form.cleaned_data)
        except (PastoralError, ValidationError) as error:
            messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, "Logged the records sent to the new school.")
    else:
        problems = [
            f"{form.fields[name].label if name in form.fields else 'Form'}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        messages.error(request, "Not logged. " + " ".join(problems))
    return redirect(reverse("pastoral:pupil_detail", args=[pupil.code]) + "#records-sent-heading")


@login_required
def pupil_cards_fragment(request, code):
    """The cards beside one pupil, for a form's script to show when that pupil is chosen."""
    pupil = selectors.get_pupil_for_user(request.user, code)
    context = {"pupil": pupil, "cards": pupil_cards.cards_for(request.user, pupil), "show_name": True}
    return render(request, "pastoral/_pupil_cards.html", context)


@login_required
def pupil_photo(request, code):
    pupil = selectors.get_pupil_for_user(request.user, code)
    if not pupil.photo:
        raise Http404("No photo")
    content_type = _photo_type(pupil)
    return uploads.file_response(
        pupil.photo,
        content_type=content_type,
        filename=f"photo-{pupil.code}{uploads.EXTENSIONS.get(content_type, '')}",
        inline=True,
        cache_control="private, max-age=300",
    )


def _photo_type(pupil):
    """The type recorded by the stored name; a photo saved before names were generated is checked now."""
    content_type = uploads.type_of_stored_name(pupil.photo.name)
    if content_type in uploads.PHOTO_TYPES and uploads.is_stored_name(pupil.photo.name):
        return content_type
    try:
        with pupil.photo.open("rb") as stored:
            return uploads.checked_content_type(stored, limit=stored.size, allowed=uploads.PHOTO_TYPES)
    except ValidationError:
        return "application/octet-stream"


KEYWORKER_ROLES = [
    Role.PASTORAL_STAFF,
    Role.PASTORAL_LEAD,
    Role.SENCO,
    Role.DSL,
    Role.DEPUTY_DSL,
    Role.PASTORAL_ASSISTANT,
]


def _keyworker_choices(school):
    return selectors.staff_holding(school, KEYWORKER_ROLES)


@login_required
def pupil_edit(request, code):
    pupil = selectors.get_pupil_for_user(request.user, code, perm="pastoral.change_pupil")
    form = PupilForm(
        request.POST or None, request.FILES or None, instance=pupil, keyworkers=_keyworker_choices(pupil.school)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.pupil_update(actor=request.user, pupil=form.instance, changed=audit.changes(form))
        except ValidationError as exc:
            add_service_errors(form, ValidationError({"photo": exc.messages}))
        else:
            messages.success(request, "Pupil details saved.")
            return redirect("pastoral:pupil_detail", code=pupil.code)
    return render(request, "pastoral/pupil_form.html", {"pupil": pupil, "form": form})


def _related_form_view(request, code, item_code, *, model_form, related_name, save, title):
    pupil = selectors.get_pupil_for_user(request.user, code, perm="pastoral.change_pupil")
    instance = None
    if item_code is not None:
        related = getattr(pupil, related_name).all()
        if related_name == "professionals":
            related = selectors.professionals_visible_to(request.user).filter(pupil=pupil)
        instance = get_object_or_404(related, code=item_code)
    form = model_form(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.instance.pupil = pupil
        save(request.user, form.instance, audit.changes(form))
        messages.success(request, f"{title} saved.")
        return redirect("pastoral:pupil_detail", code=pupil.code)
    return render(
        request, "pastoral/related_form.html", {"pupil": pupil, "form": form, "title": title, "instance": instance}
    )


@login_required
def contact_form(request, code, contact_code=None):
    return _related_form_view(
        request,
        code,
        contact_code,
        model_form=FamilyContactForm,
        related_name="contacts",
        save=lambda actor, instance, changed: services.contact_save(actor=actor, contact=instance, changed=changed),
        title="Family contact",
    )


@login_required
def professional_form(request, code, professional_code=None):
    return _related_form_view(
        request,
        code,
        professional_code,
        model_form=ProfessionalForm,
        related_name="professionals",
        save=lambda actor, instance, changed: services.professional_save(
            actor=actor, professional=instance, changed=changed
        ),
        title="Professional",
    )


@login_required
@require_POST
def contact_delete(request, code, contact_code):
    pupil = selectors.get_pupil_for_user(request.user, code, perm="pastoral.change_pupil")
    services.contact_delete(actor=request.user, contact=get_object_or_404(pupil.contacts, code=contact_code))
    messages.success(request, "Family contact removed.")
    return redirect("pastoral:pupil_detail", code=pupil.code)


@login_required
@require_POST
def professional_delete(request, code, professional_code):
    pupil = selectors.get_pupil_for_user(request.user, code, perm="pastoral.change_pupil")
    services.professional_delete(
        actor=request.user,
        professional=get_object_or_404(
            selectors.professionals_visible_to(request.user).filter(pupil=pupil), code=professional_code
        ),
    )
    messages.success(request, "Professional removed.")
    return redirect("pastoral:pupil_detail", code=pupil.code)


@login_required
def audit_log(request):
    school = current_school(request)
    _require(request.user, school, "pastoral.view_audit")
    listing = list_page(request, audit_filter(request.user, school, request.GET), per_page=100)
    context = listing.context(actions=audit.ACTIONS, lines=audit.collapse(listing.page))
    return render(request, "pastoral/audit_log.html", context)


@login_required
def note_create(request, code):
    pupil = selectors.get_pupil_for_user(request.user, code, perm="pastoral.change_pupil")
    form = PupilNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.pupil = pupil
        services.note_record(actor=request.user, note=form.instance)
        messages.success(request, "Logged.")
        return redirect("pastoral:pupil_detail", code=pupil.code)
    return render(request, "pastoral/related_form.html", {"pupil": pupil, "form": form, "title": "Contact log entry"})


def _note_for_user(request, code, note_code):
    pupil = selectors.get_pupil_for_user(request.user, code)
    return pupil, selectors.get_note_for_user(request.user, pupil, note_code)


@login_required
def note_detail(request, code, note_code):
    pupil, note = _note_for_user(request, code, note_code)
    can_void = access.has_school_perm(request.user, pupil.school_id, selectors.NOTE_VOID_PERM)
    context = {"pupil": pupil, "note": note, "void_form": VoidForm() if can_void and not note.voided_at else None}
    return render(request, "pastoral/note_detail.html", context)


@login_required
@require_POST
def note_void(request, code, note_code):
    pupil, note = _note_for_user(request, code, note_code)
    _require(request.user, pupil.school, "pastoral.change_pupil")
    form = VoidForm(request.POST)
    if not form.is_valid():
        return render(request, "pastoral/note_detail.html", {"pupil": pupil, "note": note, "void_form": form})
    try:
        services.note_void(actor=request.user, note=note, reason=form.cleaned_data["reason"])
        messages.success(request, "Entry voided. It stays on the record, marked as voided.")
    except PastoralError as exc:
        messages.error(request, str(exc))
    return redirect("pastoral:note_detail", code=pupil.code, note_code=note.code)
