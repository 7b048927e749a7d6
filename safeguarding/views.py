"""Views for safeguarding: fetch → form → service → redirect.

Every read of a concern, a chronology, a transfer or a file is audited through `services.record_read`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pastoral import selectors as core_selectors
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.accounts.schools import current_school
from pastoral.dates import uk_date
from pastoral.exceptions import PastoralError
from pastoral.files.uploads import download_name, file_response
from pastoral.forms import add_service_errors
from pastoral.lists import keyset_page, list_page
from pastoral.models import User
from pastoral.paper import services as paper_services
from pastoral.pupils.picker import pupil_results

from . import dashboard as dashboard_data
from . import selectors, services
from .filters import concern_filter, referral_filter
from .forms import (
    REGIONS,
    ActionForm,
    AmendForm,
    AssignForm,
    CategoryForm,
    ChaseForm,
    CloseExpectedForm,
    CloseForm,
    EscalationPolicyForm,
    ExpectedFileForm,
    IncomingForm,
    LinkForm,
    NoteForm,
    PaperConcernForm,
    ReceiptForm,
    ReferralForm,
    ReferralOutcomeForm,
    SentForm,
    ShareForm,
    TransferForm,
    TriageForm,
)
from .models import BodyMark, CaseAction, Concern, ConcernCategory


def _school_with(request, perm):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, perm):
        raise PermissionDenied
    return school


def _error(request, exc):
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


# --- Raising and the reporter's receipt ----------------------------------------------------------


@login_required
def concern_create(request):
    school = _school_with(request, selectors.RAISE)
    initial = {}
    pupil_code = request.GET.get("pupil")
    if pupil_code:
        pupil = core_selectors.get_pupil_for_user(request.user, pupil_code)
        if pupil.school_id == school.pk:
            initial["pupils"] = [pupil]
    # Other pages (a first-aid record of an injury that may not be accidental) carry their details over.
    for key, limit in (("account", 2000), ("location", 120), ("immediate_action", 1000)):
        if request.GET.get(key):
            initial[key] = request.GET[key][:limit]
    # "Enter from paper": the same form, plus the sheet's reference, who wrote it and when, and the scan.
    paper_school = school if request.GET.get("from_paper") == "1" else None
    form = PaperConcernForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        school=school,
        initial=initial,
        paper_school=paper_school,
    )
    if request.method == "POST" and form.is_valid():
        try:
            concern = paper_services.save(
                form,
                actor=request.user,
                school=school,
                create=lambda: services.concern_raise(actor=request.user, school=school, **form.service_kwargs()),
            )
        except (PastoralError, ValidationError) as exc:
            if form.from_paper:
                add_service_errors(form, exc)  # a refused sheet reference shows beside its field
            else:
                _error(request, exc)
        else:
            messages.success(request, "Thank you. Your concern has been passed to the safeguarding team.")
            return redirect("safeguarding:concern_receipt", code=concern.code)
    context = {
        "form": form,
        "marks": form.posted_marks(),
        "regions": REGIONS,
        "sides": BodyMark.Side.choices,
    }
    return render(request, "safeguarding/concern_form.html", context, status=400 if form.errors else 200)


@login_required
def pupil_picker(request):
    school = _school_with(request, selectors.RAISE)
    pupils = core_selectors.pupils_visible_to(request.user).filter(school=school)
    # File transfers (safeguarding team only) also look for pupils who have left.
    if request.GET.get("left") != "1" or not access.has_school_perm(request.user, school, selectors.MANAGE):
        pupils = core_selectors.on_roll(pupils)
    return pupil_results(request, school, pupils, where="safeguarding picker")


@login_required
def my_concerns(request):
    """The reporter's receipts: when, received by whom. Never the case work."""
    _school_with(request, selectors.RAISE)
    receipts = (
        selectors.receipts_visible_to(request.user)
        .select_related("school")
        .prefetch_related("notifications__recipient", "pupils")
        .order_by("-reported_at", "-id")
    )
    page = keyset_page(request, receipts)
    return render(request, "safeguarding/my_concerns.html", {"concerns": page, "page": page})


@login_required
def concern_receipt(request, code):
    concern = selectors.get_receipt_for_user(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.concern.receipt_viewed", obj=concern)
    recipients = [
        n.recipient for n in concern.notifications.select_related("recipient").order_by("recipient__last_name")
    ]
    # A read receipt: who on the safeguarding team first opened it, and when; nothing of what they did.
    first_read = selectors.viewers_of(concern).filter(actor__in=recipients).order_by("at").first()
    context = {"concern": concern, "recipients": recipients, "first_read": first_read}
    return render(request, "safeguarding/concern_receipt.html", context)


# --- Reading a concern ---------------------------------------------------------------------------


def _staff_choices(school):
    """Staff whose role at the school is current today: someone who has left is not offered."""
    return core_selectors.staff_holding(school, Role.values)


def _case_forms(concern, user):
    school = concern.school
    assign = AssignForm(prefix="assign")
    assign.fields["owner"].queryset = services.case_workers(school)
    action = ActionForm(prefix="action")
    action.fields["owner"].queryset = _staff_choices(school)
    share = ShareForm(prefix="share")
    share.fields["grantee"].queryset = _staff_choices(school)
    link = LinkForm(prefix="link")
    link.fields["other"].queryset = (
        selectors.concerns_visible_to(user).filter(school=school).exclude(pk=concern.pk).order_by("-reported_at")[:50]
    )
    link.fields["pupil"].queryset = core_selectors.on_roll(core_selectors.pupils_visible_to(user).filter(school=school))
    referral = ReferralForm(prefix="referral", initial={"referred_on": timezone.localdate()})
    referral.fields["pupil"].queryset = concern.pupils.all()
    return {
        "assign_form": assign,
        "triage_form": TriageForm(prefix="triage"),
        "action_form": action,
        "note_form": NoteForm(prefix="note"),
        "link_form": link,
        "close_form": CloseForm(prefix="close"),
        "amend_form": AmendForm(prefix="amend"),
        "share_form": share,
        "referral_form": referral,
    }


def _shared_with(concern):
    from guardian.shortcuts import get_users_with_perms

    users = get_users_with_perms(concern, only_with_perms_in=["read_concern"], with_superusers=False)
    return sorted(users, key=lambda u: (u.last_name, u.first_name))


def _detail_context(request, concern):
    full = selectors.can_read_all(request.user, concern.school_id)
    manage = selectors.can_manage(request.user, concern)
    context = {
        "concern": concern,
        "pupils": list(concern.pupils.all()),
        "marks": list(concern.marks.all()),
        "attachments": list(concern.attachments.all()),
        "amendments": list(concern.amendments.select_related("amended_by")),
        "full": full,
        "manage": manage,
        "sides": BodyMark.Side.choices,
    }
    if full:
        context.update(
            {
                "decisions": list(concern.decisions.select_related("decided_by")),
                "actions": list(concern.actions.select_related("owner", "done_by")),
                "notes": list(concern.notes.select_related("author")),
                "linked": list(
                    selectors.concerns_visible_to(request.user)
                    .filter(linked=concern)
                    .select_related("category")
                    .prefetch_related("pupils")
                ),
                "referrals": list(concern.referrals.select_related("pupil")),
                "viewers": list(selectors.viewers_of(concern)[:200]),
                "shared_with": _shared_with(concern),
                "today": timezone.localdate(),
            }
        )
    if manage and concern.status != Concern.Status.CLOSED:
        context.update(_case_forms(concern, request.user))
    return context


def _render_detail(request, concern, bound_form=None, status=200):
    """The concern page; after a refused case-work form, that form comes back bound, beside its fields."""
    services.record_read(actor=request.user, action="safeguarding.concern.viewed", obj=concern)
    context = _detail_context(request, concern)
    if bound_form is not None:
        context[f"{bound_form.prefix}_form"] = bound_form
    return render(request, "safeguarding/concern_detail.html", context, status=status)


@login_required
def concern_detail(request, code):
    concern = selectors.get_concern_for_user(request.user, code)
    services.notifications_mark_read(actor=request.user, concern=concern)
    services.concern_opened(actor=request.user, concern=concern)
    return _render_detail(request, concern)


@login_required
def attachment_download(request, code, attachment_code):
    concern = selectors.get_concern_for_user(request.user, code)
    attachment = concern.attachments.filter(code=attachment_code).first()
    if attachment is None:
        raise Http404("No such attachment")
    services.record_read(
        actor=request.user, action="safeguarding.attachment.viewed", obj=concern, data={"file": attachment.name}
    )
    return file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=download_name(attachment.name, attachment.content_type),
    )


# --- Case work (POST only) -----------------------------------------------------------------------


def _managed_concern(request, code):
    concern = selectors.get_concern_for_user(request.user, code)
    if not selectors.can_manage(request.user, concern):
        raise PermissionDenied
    return concern


def _case_post(request, code, form_class, prefix, act, success, prepare=None):
    concern = _managed_concern(request, code)
    form = form_class(request.POST, prefix=prefix)
    if prepare:
        prepare(form, concern)
    if form.is_valid():
        try:
            act(concern, form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, success)
            return redirect("safeguarding:concern_detail", code=concern.code)
    problems = " ".join(form.non_field_errors())
    messages.error(
        request, f"That was not saved. {problems}".strip() + (" See the form below." if not problems else "")
    )
    return _render_detail(request, concern, bound_form=form, status=400)


@login_required
@require_POST
def concern_assign(request, code):
    def prepare(form, concern):
        form.fields["owner"].queryset = services.case_workers(concern.school)

    return _case_post(
        request,
        code,
        AssignForm,
        "assign",
        lambda c, d: services.concern_assign(actor=request.user, concern=c, owner=d["owner"]),
        "Case owner set.",
        prepare,
    )


@login_required
@require_POST
def concern_triage(request, code):
    return _case_post(
        request,
        code,
        TriageForm,
        "triage",
        lambda c, d: services.concern_triage(actor=request.user, concern=c, **d),
        "Decision recorded with its reason.",
    )


@login_required
@require_POST
def action_add(request, code):
    def prepare(form, concern):
        form.fields["owner"].queryset = _staff_choices(concern.school)

    return _case_post(
        request,
        code,
        ActionForm,
        "action",
        lambda c, d: services.action_add(actor=request.user, concern=c, **d),
        "Action added.",
        prepare,
    )


@login_required
@require_POST
def action_complete(request, code, action_code):
    concern = _managed_concern(request, code)
    action = CaseAction.objects.filter(concern=concern, code=action_code).select_related("concern").first()
    if action is None:
        raise Http404("No such action")
    try:
        services.action_complete(actor=request.user, action=action)
        messages.success(request, "Action marked done.")
    except PastoralError as exc:
        _error(request, exc)
    return redirect("safeguarding:concern_detail", code=concern.code)


@login_required
@require_POST
def note_add(request, code):
    return _case_post(
        request,
        code,
        NoteForm,
        "note",
        lambda c, d: services.note_add(actor=request.user, concern=c, **d),
        "Note added.",
    )


@login_required
@require_POST
def concern_link(request, code):
    def prepare(form, concern):
        form.fields["other"].queryset = selectors.concerns_visible_to(request.user).filter(school=concern.school)
        form.fields["pupil"].queryset = core_selectors.pupils_visible_to(request.user).filter(school=concern.school)

    return _case_post(
        request,
        code,
        LinkForm,
        "link",
        lambda c, d: services.concern_link(actor=request.user, concern=c, **d),
        "Linked.",
        prepare,
    )


@login_required
@require_POST
def concern_close(request, code):
    return _case_post(
        request,
        code,
        CloseForm,
        "close",
        lambda c, d: services.concern_close(actor=request.user, concern=c, **d),
        "Concern closed with its outcome.",
    )


@login_required
@require_POST
def concern_amend(request, code):
    return _case_post(
        request,
        code,
        AmendForm,
        "amend",
        lambda c, d: services.concern_amend(actor=request.user, concern=c, **d),
        "Amendment recorded; the original wording is kept.",
    )


@login_required
@require_POST
def concern_share(request, code):
    def prepare(form, concern):
        form.fields["grantee"].queryset = _staff_choices(concern.school)

    return _case_post(
        request,
        code,
        ShareForm,
        "share",
        lambda c, d: services.concern_share(actor=request.user, concern=c, grantee=d["grantee"]),
        "Shared. They can now read this concern, and their reads are recorded.",
        prepare,
    )


@login_required
@require_POST
def concern_unshare(request, code, user_code):
    concern = _managed_concern(request, code)
    grantee = User.objects.filter(code=user_code).first()
    if grantee is None:
        raise Http404("No such user")
    services.concern_unshare(actor=request.user, concern=concern, grantee=grantee)
    messages.success(request, f"{grantee} can no longer read this concern.")
    return redirect("safeguarding:concern_detail", code=concern.code)


@login_required
@require_POST
def referral_create(request, code):
    def prepare(form, concern):
        form.fields["pupil"].queryset = concern.pupils.all()

    return _case_post(
        request,
        code,
        ReferralForm,
        "referral",
        lambda c, d: services.referral_create(actor=request.user, concern=c, **d),
        "Referral recorded.",
        prepare,
    )


# --- Dashboard, lists, referrals -----------------------------------------------------------------


@login_required
def dashboard(request):
    school = _school_with(request, selectors.VIEW)
    # Per school for a DSL or deputy (the school switcher picks which); across the trust for a trust DSL.
    schools = [school.pk]
    if Role.TRUST_DSL in access.school_roles(request.user).get(school.pk, ()):
        trust_wide = access.schools_with_perm(request.user, selectors.VIEW)
        schools = [s for s in trust_wide if Role.TRUST_DSL in access.school_roles(request.user)[s]]
    services.record_read(actor=request.user, action="safeguarding.dashboard.viewed", obj=None, school=school)
    context = dashboard_data.dashboard_context(request.user, school, schools)
    return render(request, "safeguarding/dashboard.html", context)


def _in_concern_list_order(concerns):
    # Urgent first, then newest: every concern is reachable page by page, however many the school holds.
    return (
        concerns.select_related("category", "owner", "reporter")
        .prefetch_related("pupils")
        .order_by("-urgent", "-reported_at", "-id")
    )


@login_required
def concern_list(request):
    school = _school_with(request, selectors.VIEW)
    services.record_read(actor=request.user, action="safeguarding.concerns.listed", obj=None, school=school)
    listing = list_page(request, concern_filter(request.user, school, request.GET), then=_in_concern_list_order)
    context = listing.context(concerns=listing.page, status=request.GET.get("status", ""))
    return render(request, "safeguarding/concern_list.html", context)


@login_required
def referral_list(request):
    school = _school_with(request, selectors.VIEW)
    services.record_read(actor=request.user, action="safeguarding.referrals.listed", obj=None, school=school)
    # Follow-ups due first, then newest: two directions, so numbered pages (a school's referrals are hundreds).
    listing = list_page(request, referral_filter(request.user, school, request.GET), keyset=False)
    return render(request, "safeguarding/referral_list.html", listing.context(referrals=listing.page))


@login_required
def referral_detail(request, code):
    referral = selectors.get_referral_for_user(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.referral.viewed", obj=referral, pupil=referral.pupil)
    manage = access.has_school_perm(request.user, referral.school_id, selectors.MANAGE)
    form = None
    if manage:
        form = ReferralOutcomeForm(request.POST or None, initial={"reference": referral.reference})
        if request.method == "POST" and form.is_valid():
            try:
                services.referral_record_outcome(actor=request.user, referral=referral, **form.cleaned_data)
                messages.success(request, "Referral updated.")
                return redirect("safeguarding:referral_detail", code=referral.code)
            except PastoralError as exc:
                _error(request, exc)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "safeguarding/referral_detail.html", {"referral": referral, "form": form})


# --- Safeguarding chronology ---------------------------------------------------------------------


def chronology_entries(user, pupil):
    """Every concern, decision, action, referral and contact for the pupil, oldest first."""
    concerns = list(
        selectors.concerns_visible_to(user)
        .filter(pupils=pupil)
        .select_related("category", "reporter")
        .prefetch_related("decisions__decided_by", "actions__owner", "notes__author", "amendments__amended_by")
    )
    entries = []
    for c in concerns:
        ref = c.reference
        entries.append((c.occurred_at, "Concern", f"{ref} · {c.category}", f"Raised by {c.reporter}: {c.account}", c))
        for d in c.decisions.all():
            entries.append(
                (d.decided_at, "Decision", f"{ref} · {d.get_decision_display()}", f"{d.decided_by}: {d.reason}", c)
            )
        for a in c.actions.all():
            text = f"Owner {a.owner}, due {uk_date(a.due_on)}{' – done' if a.done_at else ''}"
            entries.append((a.created_at, "Action", f"{ref} · {a.description}", text, c))
        for n in c.notes.all():
            entries.append((n.created_at, "Note", ref, f"{n.author}: {n.text}", c))
        for m in c.amendments.all():
            text = f"{m.amended_by} corrected {m.get_field_display().lower()}: {m.reason}"
            entries.append((m.amended_at, "Amendment", ref, text, c))
        if c.closed_at:
            entries.append((c.closed_at, "Closed", ref, c.outcome, c))
    for r in selectors.referrals_visible_to(user).filter(pupil=pupil):
        when = timezone.make_aware(timezone.datetime.combine(r.referred_on, timezone.datetime.min.time()))
        text = f"Ref {r.reference or '–'}; follow-up {r.follow_up_due or '–'}; outcome: {r.outcome or 'awaited'}"
        entries.append((when, "Referral", r.get_agency_display(), text, None))
    for note in (
        core_selectors.notes_visible_to(user).filter(pupil=pupil, voided_at__isnull=True).select_related("author")
    ):
        entries.append((note.occurred_at, "Contact", note.get_kind_display(), f"{note.author}: {note.summary}", None))
    for t in selectors.transfers_visible_to(user).filter(pupil=pupil):
        when = timezone.make_aware(timezone.datetime.combine(t.leave_date, timezone.datetime.min.time()))
        entries.append((when, "CP file transfer", t.destination or "Destination unknown", t.get_kind_display(), None))
    for f in selectors.incoming_files_visible_to(user).filter(pupil=pupil):
        when = timezone.make_aware(timezone.datetime.combine(f.received_on, timezone.datetime.min.time()))
        entries.append((when, "CP file received", f.from_school, f.name, None))
    entries.sort(key=lambda e: e[0])
    return entries


@login_required
def pupil_chronology(request, code):
    pupil = selectors.get_safeguarding_pupil(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.chronology.viewed", obj=pupil, pupil=pupil)
    context = {"pupil": pupil, "entries": chronology_entries(request.user, pupil), "printed_at": timezone.now()}
    return render(request, "safeguarding/pupil_chronology.html", context)


# --- Child-protection file transfer ---------------------------------------------------------------


@login_required
def transfer_list(request):
    school = _school_with(request, selectors.VIEW)
    services.record_read(actor=request.user, action="safeguarding.transfers.listed", obj=None, school=school)
    transfers = selectors.transfers_visible_to(request.user).filter(school=school).select_related("pupil")
    incoming = selectors.incoming_files_visible_to(request.user).filter(school=school).select_related("pupil")
    expected = selectors.open_expected(selectors.expected_files_visible_to(request.user).filter(school=school))
    can_manage = access.has_school_perm(request.user, school, selectors.MANAGE)
    context = {
        "transfers": transfers.order_by("due_by")[:200],
        "incoming": incoming[:200],
        "expected": expected.select_related("pupil").order_by("expected_by")[:200],
        "today": timezone.localdate(),
        "can_manage": can_manage,
        "chase_form": ChaseForm(),
        "close_form": CloseExpectedForm(),
    }
    return render(request, "safeguarding/transfer_list.html", context)


@login_required
def transfer_create(request):
    school = _school_with(request, selectors.MANAGE)
    form = TransferForm(request.POST or None)
    form.fields["pupil"].queryset = core_selectors.pupils_visible_to(request.user).filter(school=school)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_create(actor=request.user, school=school, **form.cleaned_data)
            messages.success(request, f"Transfer started. Due by {uk_date(transfer.due_by)}.")
            return redirect("safeguarding:transfer_detail", code=transfer.code)
        except PastoralError as exc:
            _error(request, exc)
    return render(request, "safeguarding/transfer_form.html", {"form": form})


@login_required
def transfer_detail(request, code):
    transfer = selectors.get_transfer_for_user(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.transfer.viewed", obj=transfer, pupil=transfer.pupil)
    manage = access.has_school_perm(request.user, transfer.school_id, selectors.MANAGE)
    context = {
        "transfer": transfer,
        "manage": manage,
        "sent_form": SentForm() if manage and not transfer.sent_at else None,
        "receipt_form": ReceiptForm(initial={"received_on": timezone.localdate()})
        if manage and transfer.sent_at and not transfer.receipt_confirmed_on
        else None,
    }
    return render(request, "safeguarding/transfer_detail.html", context)


def _managed_transfer(request, code):
    transfer = selectors.get_transfer_for_user(request.user, code)
    if not access.has_school_perm(request.user, transfer.school_id, selectors.MANAGE):
        raise PermissionDenied
    return transfer


@login_required
@require_POST
def transfer_sent(request, code):
    transfer = _managed_transfer(request, code)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_mark_sent(actor=request.user, transfer=transfer, method=form.cleaned_data["method"])
            messages.success(request, "Sending recorded. Now chase confirmation of receipt.")
        except PastoralError as exc:
            _error(request, exc)
    else:
        messages.error(request, "Choose how the file was sent.")
    return redirect("safeguarding:transfer_detail", code=transfer.code)


@login_required
@require_POST
def transfer_receipt(request, code):
    transfer = _managed_transfer(request, code)
    form = ReceiptForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_confirm_receipt(actor=request.user, transfer=transfer, **form.cleaned_data)
            messages.success(request, "Receipt recorded.")
        except PastoralError as exc:
            _error(request, exc)
    else:
        messages.error(request, "Give the date and who confirmed receipt.")
    return redirect("safeguarding:transfer_detail", code=transfer.code)


@login_required
def incoming_upload(request):
    school = _school_with(request, selectors.MANAGE)
    form = IncomingForm(request.POST or None, request.FILES or None)
    form.fields["pupil"].queryset = core_selectors.pupils_visible_to(request.user).filter(school=school)
    if request.method == "POST" and form.is_valid():
        try:
            services.incoming_upload(actor=request.user, school=school, **form.cleaned_data)
            messages.success(request, "File attached to the pupil's safeguarding record.")
            return redirect("safeguarding:transfer_list")
        except PastoralError as exc:
            _error(request, exc)
    return render(request, "safeguarding/incoming_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def expected_create(request):
    school = _school_with(request, selectors.MANAGE)
    form = ExpectedFileForm(request.POST or None)
    form.fields["pupil"].queryset = core_selectors.pupils_visible_to(request.user).filter(school=school)
    if request.method == "POST" and form.is_valid():
        try:
            expected = services.expected_file_create(actor=request.user, school=school, **form.cleaned_data)
        except (PastoralError, ValidationError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Expected by {uk_date(expected.expected_by)}; it will be flagged if it has not come."
            )
            return redirect("safeguarding:transfer_list")
    return render(request, "safeguarding/expected_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def expected_chase(request, code):
    expected = selectors.get_expected_for_user(request.user, code)
    _require_manage(request, expected.school_id)
    form = ChaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say how the file was chased.")
    else:
        try:
            services.expected_file_chase(actor=request.user, expected=expected, note=form.cleaned_data["note"])
            messages.success(request, "Chase recorded.")
        except PastoralError as exc:
            _error(request, exc)
    return redirect("safeguarding:transfer_list")


@login_required
@require_POST
def expected_close(request, code):
    expected = selectors.get_expected_for_user(request.user, code)
    _require_manage(request, expected.school_id)
    form = CloseExpectedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why no file is coming.")
    else:
        try:
            services.expected_file_close(actor=request.user, expected=expected, reason=form.cleaned_data["reason"])
            messages.success(request, "No longer awaited. The record stays, with your reason.")
        except PastoralError as exc:
            _error(request, exc)
    return redirect("safeguarding:transfer_list")


def _require_manage(request, school_id):
    if not access.has_school_perm(request.user, school_id, selectors.MANAGE):
        raise PermissionDenied


@login_required
def incoming_download(request, code):
    incoming = selectors.get_incoming_for_user(request.user, code)
    services.record_read(actor=request.user, action="safeguarding.incoming.viewed", obj=incoming, pupil=incoming.pupil)
    return file_response(
        incoming.file, content_type=incoming.content_type, filename=download_name(incoming.name, incoming.content_type)
    )


# --- Categories ---------------------------------------------------------------------------------


@login_required
def category_list(request):
    school = _school_with(request, selectors.MANAGE)
    if request.method == "POST":
        # A school set up before categories were seeded on creation adds the KCSIE list here, on a POST.
        services.categories_ensure(school, actor=request.user)
        messages.success(request, "The KCSIE categories have been added.")
        return redirect("safeguarding:category_list")
    categories = selectors.categories_for(school).order_by("order", "name")
    return render(request, "safeguarding/category_list.html", {"categories": categories})


@login_required
def category_form(request, code=None):
    school = _school_with(request, selectors.MANAGE)
    if code:
        category = selectors.categories_for(school).filter(code=code).first()
        if category is None:
            raise Http404("No such category")
    else:
        category = ConcernCategory(school=school)
    form = CategoryForm(request.POST or None, instance=category, school=school)
    if request.method == "POST" and form.is_valid():
        from pastoral import audit

        try:
            services.category_save(actor=request.user, category=form.instance, changed=audit.changes(form))
        except PastoralError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, "Category saved.")
            return redirect("safeguarding:category_list")
    return render(request, "safeguarding/category_form.html", {"form": form, "category": category})


@login_required
@require_http_methods(["GET", "POST"])
def escalation_settings(request):
    """How long an urgent concern may stay unopened, and the school hours its clock counts."""
    school = _school_with(request, selectors.MANAGE)
    from .escalation import policy_for

    form = EscalationPolicyForm(request.POST or None, instance=policy_for(school))
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_policy_save(actor=request.user, school=school, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, "Escalation settings saved.")
            return redirect("safeguarding:escalation_settings")
    return render(request, "safeguarding/escalation_settings.html", {"form": form, "school": school})
