"""The paper fallback's pages: print a pad, the school's sheets (found by reference), and a scan of a sheet."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..files.uploads import download_name, file_response
from ..forms import add_service_errors
from ..lists import keyset_page
from . import selectors, services
from .forms import FindForm, PrintForm
from .kinds import get_kind
from .models import PaperEntry, normalise_reference
from .permissions import VIEW_SHEETS


def _school(request):
    school = current_school(request)
    if school is None:
        raise PermissionDenied
    return school


@login_required
@require_http_methods(["GET", "POST"])
def paper_home(request):
    school = _school(request)
    kinds = selectors.printable_kinds(request.user, school)
    can_list = access.has_school_perm(request.user, school, VIEW_SHEETS)
    if not kinds and not can_list:
        raise PermissionDenied
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else {}
    print_form = PrintForm(request.POST or None, kinds=kinds, initial=initial)
    if request.method == "POST":
        if not kinds:
            raise PermissionDenied
        if print_form.is_valid():
            try:
                services.print_pad(
                    actor=request.user,
                    school=school,
                    kind_key=print_form.cleaned_data["kind"],
                    count=print_form.cleaned_data["count"],
                    submission_key=_key(request.POST.get("key")),
                )
            except (PastoralError, ValidationError) as exc:
                add_service_errors(print_form, exc)
            else:
                messages.success(
                    request, "The forms are being prepared. Download the PDF below when it is ready, and print it."
                )
                return redirect("pastoral:export_list")
    context = {
        "school": school,
        "kinds": kinds,
        "print_form": print_form,
        "can_list": can_list,
        "key": uuid.uuid4(),
    }
    if can_list:
        context.update(_listing(request, school))
    return render(request, "pastoral/paper/home.html", context, status=400 if print_form.errors else 200)


def _listing(request, school):
    find = FindForm(request.GET or None)
    show = request.GET.get("show", "all")
    sheets = selectors.sheets_visible_to(request.user).filter(school=school)
    reference = ""
    if find.is_valid() and find.cleaned_data["reference"]:
        reference = normalise_reference(find.cleaned_data["reference"])
        sheets = sheets.filter(reference=reference)
    if show == "unused":
        sheets = sheets.filter(used_at__isnull=True)
    elif show == "used":
        sheets = sheets.filter(used_at__isnull=False)
    sheets = sheets.select_related("printed_by", "entry__entered_by", "entry__written_by")
    page = keyset_page(request, sheets.order_by("-printed_at", "-id"))
    for sheet in page:
        sheet.kind_info = get_kind(sheet.kind)
        entry = getattr(sheet, "entry", None) if sheet.used_at else None
        sheet.paper_entry = entry
    return {"page": page, "find": find, "show": show, "reference": reference}


def _key(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def paper_scan(request, code):
    """The scanned page, to those who may read the record entered from it."""
    entry = _entry_for(request.user, code)
    services.scan_viewed(actor=request.user, entry=entry)
    response = file_response(
        entry.scan, content_type=entry.scan_type, filename=download_name(entry.scan_name, entry.scan_type)
    )
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


@login_required
@require_GET
def paper_record(request, code):
    """The record entered from a sheet, for those who may read it."""
    entry = _entry_for(request.user, code)
    kind = get_kind(entry.sheet.kind)
    return redirect(kind.url(kind.visible(request.user).get(pk=entry.object_id)))


def _entry_for(user, code):
    """The entry, to those who may read the record entered from it: 403 to other staff of its school, 404 to
    anyone else. Every refusal is audited (the record may be a safeguarding concern)."""
    entry = PaperEntry.objects.select_related("sheet", "school").filter(code=code).first()
    kind = get_kind(entry.sheet.kind) if entry is not None else None
    if kind is not None and kind.visible(user).filter(pk=entry.object_id).exists():
        return entry
    known = entry is not None and access.is_member_of(user, entry.school_id)
    access.refuse(user, entry, code, "pastoral.paper.refused", allowed_to_know=known, noun="paper form")
