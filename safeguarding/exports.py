"""Safeguarding's export kinds: the concern and referral lists as CSV, and the CP file transfer pack as a PDF.

The lists hold no disclosure text (a spreadsheet travels): reference, dates, category, status, owner
and pupil names only. The CP file pack is OFFICIAL-SENSITIVE; its kind is checked when it is asked
for, when it is built and at download, and each build is on the audit log.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.dates import iso_date, iso_datetime
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf
from pastoral.lists import filtered
from pastoral.models import Pupil

from . import selectors, services
from .filters import concern_filter, referral_filter
from .models import BodyMark

CSV = "text/csv; charset=utf-8"

CONCERN_COLUMNS = ["Reference", "Raised", "Occurred", "Pupils", "Category", "Urgent", "Status", "Owner", "Closed"]


def concern_rows(user, school, parameters):
    """The concern list with its status filter, from concerns_visible_to like the page."""
    concerns = filtered(concern_filter(user, school, exports.as_query_dict(parameters)))
    return (
        concerns.select_related("category", "owner")
        .prefetch_related(Prefetch("pupils", queryset=Pupil.objects.order_by("legal_last_name", "legal_first_name")))
        .order_by("-urgent", "-reported_at")
    )


def _when(value):
    """A date-time cell: ISO 8601 in UK local time with its offset (see pastoral.dates)."""
    return iso_datetime(value)


def build_concerns_csv(generated_file, user):
    rows = [
        [
            concern.reference,
            _when(concern.reported_at),
            _when(concern.occurred_at),
            "; ".join(pupil.display_name for pupil in concern.pupils.all()),
            str(concern.category),
            "Yes" if concern.urgent else "No",
            concern.get_status_display(),
            str(concern.owner or ""),
            iso_date(concern.closed_at),
        ]
        for concern in concern_rows(user, generated_file.school, generated_file.parameters)
    ]
    services.record_read(
        actor=user,
        action="safeguarding.concerns.exported",
        obj=generated_file,
        school=generated_file.school,
        data={"filters": generated_file.parameters, "rows": len(rows)},
    )
    name = f"safeguarding-concerns-{timezone.localdate():%Y%m%d}.csv"
    return exports.Built(name, CSV, exports.csv_bytes(CONCERN_COLUMNS, rows))


REFERRAL_COLUMNS = ["Agency", "Pupil", "Concern", "Referred", "Reference", "Follow-up due", "Overdue"]
REFERRAL_COLUMNS += ["Outcome recorded"]


def referral_rows(user, school):
    return filtered(referral_filter(user, school, None))


def build_referrals_csv(generated_file, user):
    rows = [
        [
            referral.get_agency_display(),
            referral.pupil.display_name,
            referral.concern.reference,
            referral.referred_on.isoformat(),
            referral.reference,
            referral.follow_up_due.isoformat() if referral.follow_up_due else "",
            "Yes" if referral.overdue else "No",
            iso_date(referral.outcome_recorded_at) if referral.outcome else "Awaited",
        ]
        for referral in referral_rows(user, generated_file.school)
    ]
    services.record_read(
        actor=user,
        action="safeguarding.referrals.exported",
        obj=generated_file,
        school=generated_file.school,
        data={"rows": len(rows)},
    )
    name = f"safeguarding-referrals-{timezone.localdate():%Y%m%d}.csv"
    return exports.Built(name, CSV, exports.csv_bytes(REFERRAL_COLUMNS, rows))


# The CP file transfer pack ---------------------------------------------------------


def _transfer(user, parameters):
    """The transfer as its page fetches it: 404 outside the school, 403 without the right to manage concerns."""
    code = parameters.get("transfer") if isinstance(parameters, dict) else None
    try:
        transfer = selectors.get_transfer_for_user(user, str(code or ""))
    except (ValidationError, ValueError) as exc:
        raise Http404("No such transfer") from exc
    if not access.has_school_perm(user, transfer.school_id, selectors.MANAGE):
        raise PermissionDenied
    return transfer


def transfer_school(user, parameters, _school):
    return _transfer(user, parameters).school


def cp_file_context(user, transfer):
    from .views import chronology_entries

    pupil = transfer.pupil
    concerns = list(
        selectors.concerns_visible_to(user)
        .filter(pupils=pupil)
        .select_related("category", "reporter", "closed_by")
        .prefetch_related("marks", "decisions__decided_by", "amendments__amended_by")
        .order_by("occurred_at")
    )
    return {
        "transfer": transfer,
        "pupil": pupil,
        "concerns": concerns,
        "entries": chronology_entries(user, pupil),
        "referrals": list(selectors.referrals_visible_to(user).filter(pupil=pupil)),
        "contacts": list(pupil.contacts.all()),
        "professionals": list(pupil.professionals.all()),
        "sides": BodyMark.Side.choices,
    }


def build_cp_file_pdf(generated_file, user):
    try:
        transfer = _transfer(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You may no longer make this child protection file.") from exc
    exports.progress(generated_file, 10)
    context = cp_file_context(user, transfer)
    exports.progress(generated_file, 40)
    pupil = transfer.pupil
    content = render_pdf(
        "pdf/safeguarding/cp_file.html",
        context,
        user=user,
        school=transfer.school,
        title=f"Child protection file: {pupil.legal_name}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    services.record_read(
        actor=user,
        action="safeguarding.transfer.pack_downloaded",
        obj=transfer,
        pupil=pupil,
        data={"export": str(generated_file.code)},
    )
    return exports.Built(f"cp-file-{pupil.upn}.pdf", "application/pdf", content)


def register_exports():
    audit.describe("safeguarding.concerns.exported", "exported the safeguarding concerns list")
    audit.describe("safeguarding.referrals.exported", "exported the safeguarding referrals list")
    exports.register(
        "safeguarding.concerns_csv",
        label="Safeguarding concerns list (CSV)",
        permission=selectors.VIEW,
        build=build_concerns_csv,
        description="The concerns list with its status filter: references, dates, categories, owners. "
        "No disclosure text.",
    )
    exports.register(
        "safeguarding.referrals_csv",
        label="Safeguarding referrals (CSV)",
        permission=selectors.VIEW,
        build=build_referrals_csv,
        description="Referrals to other agencies with follow-up dates. No outcome text.",
    )
    exports.register(
        "safeguarding.cp_file_pdf",
        label="Child protection file transfer pack (PDF)",
        permission=selectors.MANAGE,
        fmt="pdf",
        build=build_cp_file_pdf,
        school_for=transfer_school,
    )
