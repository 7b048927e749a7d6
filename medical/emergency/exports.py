"""PDF kinds: the Template F emergency card, the medical register and a pupil's emergency sheet."""

from django.utils import timezone
from django.utils.text import slugify

from pastoral import audit
from pastoral import selectors as core_selectors
from pastoral.files import exports

from ..exports import pdf, record_from, record_school
from . import selectors
from .forms import RegisterForm
from .models import settings_for


def build_emergency_card(generated_file, user):
    school = generated_file.school
    return pdf(
        "pdf/medical/emergency_card.html",
        {"config": settings_for(school)},
        user=user,
        school=school,
        title="Contacting the emergency services",
        filename=f"emergency-card-{slugify(school.name)}.pdf",
        action="medical.emergency_card.exported",
        sensitivity="OFFICIAL",
    )


def build_register(generated_file, user):
    form = RegisterForm(exports.as_query_dict(generated_file.parameters))
    if not form.is_valid():
        raise exports.ExportRefused("Choose a year, a form or a trip group.")
    pupils = selectors.register_pupils(
        user,
        generated_file.school,
        year_group=form.cleaned_data["year_group"],
        form_name=form.cleaned_data["form_name"],
        upns=form.upn_list(),
    )
    group = (
        " ".join(
            part
            for part in (
                dict(form.fields["year_group"].choices).get(form.cleaned_data["year_group"], "")
                if form.cleaned_data["year_group"] is not None
                else "",
                form.cleaned_data["form_name"],
                "trip group" if form.upn_list() else "",
            )
            if part
        )
        or "whole school"
    )
    return pdf(
        "pdf/medical/register.html",
        {"pupils": pupils, "group": group, "today": timezone.localdate()},
        user=user,
        school=generated_file.school,
        title=f"Medical register: {group}",
        filename=f"medical-register-{slugify(group)}-{timezone.localdate():%Y%m%d}.pdf",
        action="medical.register.exported",
    )


def _pupil(user, code):
    from ..selectors import VIEW

    return core_selectors.get_pupil_for_user(user, code, perm=VIEW)


def build_pupil_sheet(generated_file, user):
    pupil = record_from(generated_file.parameters, "pupil", _pupil, user)
    from ..conditions.selectors import current

    return pdf(
        "pdf/medical/pupil_emergency.html",
        {
            "pupil": pupil,
            "plan": selectors.emergency_plan(pupil),
            "conditions": current(pupil.medical_conditions.all()).select_related("condition_type"),
            "contacts": pupil.contacts.order_by("priority", "name"),
            "config": settings_for(pupil.school),
        },
        user=user,
        school=pupil.school,
        title=f"Emergency sheet: {pupil.display_name}",
        filename=f"emergency-sheet-{slugify(pupil.last_name)}.pdf",
        action="medical.emergency_sheet.exported",
        obj=pupil,
        pupil=pupil,
    )


def register_exports():
    for action, sentence in {
        "medical.emergency_card.exported": "printed the emergency services card",
        "medical.register.exported": "printed a medical register",
        "medical.emergency_sheet.exported": "printed a pupil's emergency sheet",
    }.items():
        audit.describe(action, sentence)
    exports.register(
        "medical.emergency_card_pdf",
        label="Emergency services card (PDF)",
        permission="medical.view_records",
        fmt="pdf",
        build=build_emergency_card,
    )
    exports.register(
        "medical.register_pdf",
        label="Medical register (PDF)",
        permission="medical.view_records",
        fmt="pdf",
        build=build_register,
    )
    exports.register(
        "medical.pupil_emergency_pdf",
        label="Pupil emergency sheet (PDF)",
        permission="medical.view_records",
        fmt="pdf",
        build=build_pupil_sheet,
        school_for=record_school("pupil", _pupil),
    )
