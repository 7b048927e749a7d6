"""The subject access pack: build it, redact it, the DSL's review, release it. Fetch → form → service → redirect.

The review pages show the unredacted records, so they are for the data-protection lead (and, for safeguarding
items, the DSL team) only, and every view of them is audited. Nothing here sends the unredacted text out: the
only downloads are the released files, built from the redacted text (pastoral/sar/exports.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import audit
from ..accounts import access
from ..exceptions import PastoralError
from ..forms import add_service_errors
from ..lists import keyset_page
from ..models import GeneratedFile
from . import selectors, services
from .forms import RedactForm, WithholdForm
from .models import SarPack, SarPackItem, SarRedaction
from .permissions import MANAGE, REVIEW_SAFEGUARDING
from .redaction import released

PAGE_SIZE = 25


def _audit_view(user, sar, pack, **data):
    audit.record(
        "pastoral.sar.pack_viewed", actor=user, obj=sar, pupil=sar.pupil, data={"pack": str(pack.code), **data}
    )


def _rows(page):
    return [(item, released(item)) for item in page]


def _files(user, pack):
    return list(
        GeneratedFile.objects.filter(
            owner=user, kind__in=services.RELEASED_KINDS, parameters__pack=str(pack.code), deleted_at__isnull=True
        ).order_by("-created_at", "kind")[:6]
    )


@login_required
def pack_detail(request, code):
    sar = selectors.get_request_for_user(request.user, code)
    pack = selectors.pack_of(sar)
    context = {"sar": sar, "pack": pack}
    if pack is not None and pack.status in (SarPack.Status.REVIEW, SarPack.Status.RELEASED):
        counts = selectors.area_counts(pack)
        areas = [row["area"] for row in counts]
        area = request.GET.get("area", "")
        area = area if area in areas else ""
        page = keyset_page(request, selectors.items_of(pack, area), per_page=PAGE_SIZE)
        _audit_view(request.user, sar, pack, area=area)
        context.update(
            counts=counts,
            area=area,
            page=page,
            rows=_rows(page),
            awaiting=services.awaiting_dsl(pack).count(),
            files=_files(request.user, pack),
        )
    return render(request, "pastoral/sar/pack.html", context)


@login_required
@require_POST
def pack_build(request, code):
    sar = selectors.get_request_for_user(request.user, code)
    try:
        services.pack_request_build(actor=request.user, request=sar)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The pack is being built. Reload this page in a minute.")
    return redirect("pastoral:sar_pack", code=sar.code)


@login_required
@require_POST
def pack_release(request, code):
    sar = selectors.get_request_for_user(request.user, code)
    pack = selectors.pack_of(sar)
    if pack is None:
        raise Http404("No pack")
    try:
        services.pack_release(actor=request.user, pack=pack)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Pack released. Its PDF, JSON and CSV files are being prepared below.")
    return redirect("pastoral:sar_pack", code=sar.code)


@login_required
@require_POST
def pack_files(request, code):
    sar = selectors.get_request_for_user(request.user, code)
    pack = selectors.pack_of(sar)
    if pack is None:
        raise Http404("No pack")
    try:
        services.pack_request_files(actor=request.user, pack=pack)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "The released files are being prepared.")
    return redirect("pastoral:sar_pack", code=sar.code)


@login_required
def pack_safeguarding(request, code):
    """The DSL team's review: the pack's safeguarding items only."""
    sar = selectors.get_request_for_reviewer(request.user, code)
    pack = selectors.pack_of(sar)
    if pack is None or pack.status not in (SarPack.Status.REVIEW, SarPack.Status.RELEASED):
        raise Http404("No pack to review")
    page = keyset_page(request, selectors.items_of(pack, SarPackItem.SAFEGUARDING), per_page=PAGE_SIZE)
    _audit_view(request.user, sar, pack, area=SarPackItem.SAFEGUARDING)
    context = {
        "sar": sar,
        "pack": pack,
        "page": page,
        "rows": _rows(page),
        "awaiting": services.awaiting_dsl(pack).count(),
    }
    return render(request, "pastoral/sar/pack_safeguarding.html", context)


def _item_page(request, sar, item, status=200, **forms):
    user = request.user
    redactions = list(item.redactions.order_by("part", "start", "id"))
    context = {
        "sar": sar,
        "pack": item.pack,
        "item": item,
        "released": released(item),
        "redactions": redactions,
        "editable": item.pack.status == SarPack.Status.REVIEW,
        "is_lead": access.has_school_perm(user, sar.school_id, MANAGE),
        "is_reviewer": item.needs_dsl_review and access.has_school_perm(user, sar.school_id, REVIEW_SAFEGUARDING),
        "withhold_form": forms.get("withhold_form") or WithholdForm(),
        "redact_form": forms.get("redact_form") or RedactForm(),
    }
    return render(request, "pastoral/sar/pack_item.html", context, status=status)


@login_required
def pack_item(request, code, item):
    sar, item = selectors.get_item_for_user(request.user, code, item)
    _audit_view(request.user, sar, item.pack, item=item.position)
    return _item_page(request, sar, item)


def _done(sar, item):
    return redirect("pastoral:sar_pack_item", code=sar.code, item=item.code)


def _post_form(request, code, item, form_class, name, call, done):
    sar, item = selectors.get_item_for_user(request.user, code, item)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(sar, item, form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, done)
            return _done(sar, item)
    return _item_page(request, sar, item, status=400, **{name: form})


@login_required
@require_POST
def pack_item_withhold(request, code, item):
    def call(sar, item, data):
        services.pack_withhold(actor=request.user, item=item, reason=data["reason"], detail=data["detail"])

    return _post_form(request, code, item, WithholdForm, "withhold_form", call, "Record withheld.")


@login_required
@require_POST
def pack_item_redact(request, code, item):
    def call(sar, item, data):
        services.pack_redact(
            actor=request.user,
            item=item,
            reason=data["reason"],
            detail=data["detail"],
            part=data["part"],
            passage=data["passage"],
            start=data["start"],
            end=data["end"],
        )

    return _post_form(request, code, item, RedactForm, "redact_form", call, "Passage redacted.")


def _post_action(request, code, item, call, done):
    sar, item = selectors.get_item_for_user(request.user, code, item)
    try:
        call(item)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return _done(sar, item)


@login_required
@require_POST
def pack_item_restore(request, code, item):
    return _post_action(
        request, code, item, lambda i: services.pack_restore(actor=request.user, item=i), "Record put back."
    )


@login_required
@require_POST
def pack_item_review(request, code, item):
    def call(item):
        if not access.has_school_perm(request.user, item.pack.school_id, REVIEW_SAFEGUARDING):
            raise PermissionDenied
        services.pack_review_item(actor=request.user, item=item)

    return _post_action(request, code, item, call, "Reviewed: this record may be released as it stands.")


@login_required
@require_POST
def pack_redaction_remove(request, code, item, redaction):
    def call(item):
        found = SarRedaction.objects.filter(pk=redaction, item=item).first()
        if found is None:
            raise Http404("No such redaction")
        services.pack_remove_redaction(actor=request.user, redaction=found)

    return _post_action(request, code, item, call, "Redaction taken out.")
