"""The PDF of a letter a behaviour rule queued, built by the exports machinery (never in the request)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import slugify

from pastoral import audit
from pastoral.accounts import access
from pastoral.dates import uk_date
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf

from .models import BehaviourRuleLetter
from .selectors import hits_visible_to


def _letter(user, parameters):
    code = parameters.get("letter") if isinstance(parameters, dict) else None
    try:
        letter = BehaviourRuleLetter.objects.select_related("hit__pupil", "hit__school", "hit__rule").get(
            code=str(code or "")
        )
    except (BehaviourRuleLetter.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404("No such letter") from exc
    if not hits_visible_to(user).filter(pk=letter.hit_id).exists():
        if access.is_member_of(user, letter.hit.school_id):
            raise PermissionDenied
        raise Http404("No such letter")
    return letter


def letter_school(user, parameters, _school):
    return _letter(user, parameters).hit.school


def build_rule_letter_pdf(generated_file, user):
    try:
        letter = _letter(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer see this letter.") from exc
    pupil = letter.hit.pupil
    exports.progress(generated_file, 30)
    content = render_pdf(
        "pdf/behaviour/rule_letter.html",
        {"letter": letter, "pupil": pupil, "paragraphs": [p for p in letter.body.split("\n\n") if p.strip()]},
        user=user,
        school=letter.hit.school,
        title=f"Letter home: {pupil.display_name}",
        period=f"queued {uk_date(letter.queued_at)}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    audit.record("behaviour.rule_letter.exported", actor=user, obj=letter.hit, pupil=pupil, school=letter.hit.school)
    return exports.Built(f"letter-{slugify(pupil.last_name)}-{letter.queued_at:%Y%m%d}.pdf", "application/pdf", content)


def register_exports():
    audit.describe("behaviour.rule_letter.exported", "made the PDF of a behaviour letter home")
    exports.register(
        "behaviour.rule_letter_pdf",
        label="Behaviour letter home (PDF)",
        permission="behaviour.view_event",
        fmt="pdf",
        build=build_rule_letter_pdf,
        school_for=letter_school,
    )
