"""Detention PDFs through the generated-files machinery: the letter to parents and the day's printable list."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import slugify

from pastoral import audit
from pastoral.accounts import access
from pastoral.dates import uk_date
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf

from .selectors import day_sessions, event_readable, get_detention_for_user, policy_for


def _detention(user, parameters):
    code = parameters.get("detention") if isinstance(parameters, dict) else None
    try:
        detention = get_detention_for_user(user, str(code or ""))
    except (ValidationError, ValueError) as exc:
        raise Http404("No such detention") from exc
    if detention.voided_at:
        raise PermissionDenied
    return detention


def detention_school(user, parameters, _school):
    return _detention(user, parameters).school


def build_letter_pdf(generated_file, user):
    try:
        detention = _detention(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer see this detention, or it has been voided.") from exc
    if not access.has_school_perm(user, detention.school_id, "behaviour.set_detention"):
        raise ExportRefused("You can no longer set detentions in this school.")
    session = detention.session
    context = {
        "detention": detention,
        "session": session,
        "pupil": detention.pupil,
        "policy": policy_for(detention.school),
        "event_readable": event_readable(user, detention.event),
    }
    content = render_pdf(
        "pdf/behaviour/detention_letter.html",
        context,
        user=user,
        school=detention.school,
        title=f"Detention letter: {detention.pupil.display_name}",
        period=f"for {uk_date(session.date)}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    audit.record(
        "behaviour.detention.letter_exported", actor=user, obj=detention, pupil=detention.pupil, school=detention.school
    )
    name = f"detention-letter-{slugify(detention.pupil.last_name)}-{session.date:%Y%m%d}.pdf"
    return exports.Built(name, "application/pdf", content)


def _day(parameters):
    try:
        return datetime.date.fromisoformat(str(parameters.get("day", "")))
    except ValueError as exc:
        raise ExportRefused("Choose a day for the list.") from exc


def build_day_pdf(generated_file, user):
    day = _day(generated_file.parameters)
    school = generated_file.school
    sessions = day_sessions(user, school, day)
    exports.progress(generated_file, 40)
    content = render_pdf(
        "pdf/behaviour/detention_day.html",
        {"sessions": sessions, "day": day},
        user=user,
        school=school,
        title="Detentions",
        period=f"{day:%A} {uk_date(day)}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    return exports.Built(f"detentions-{day:%Y%m%d}.pdf", "application/pdf", content)


def register_exports():
    audit.describe("behaviour.detention.letter_exported", "made a detention letter")
    exports.register(
        "behaviour.detention_letter_pdf",
        label="Detention letter to parents (PDF)",
        permission="behaviour.set_detention",
        fmt="pdf",
        build=build_letter_pdf,
        school_for=detention_school,
    )
    exports.register(
        "behaviour.detention_day_pdf",
        label="The day's detention list (PDF)",
        permission="behaviour.view_event",
        fmt="pdf",
        build=build_day_pdf,
    )
