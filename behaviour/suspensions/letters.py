"""The suspension letter pack: the letter to parents (or the permanent-exclusion letter) and the notification record.

The letter carries what the suspension guidance says parents must be told in writing (reference
§3.2): the reasons, the length (or that it is permanent) and the dates, the work set for days 1–5 and
the provision from day 6, the right to make representations to the governing board and how, the
parents' duty in the first five school days, and where to get impartial advice.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import slugify

from pastoral import audit
from pastoral.dates import uk_date
from pastoral.files import exports
from pastoral.files.exports import ExportRefused
from pastoral.files.pdf import OFFICIAL_SENSITIVE, render_pdf

from . import school_days
from .models import GovernorTask, Suspension
from .selectors import assess, covered_slots, get_suspension_for_user, terms_of

# Impartial advice, named as the guidance does; no telephone numbers that could go stale.
ADVICE = [
    ("Coram Children's Legal Centre: school exclusion advice", "www.childlawadvice.org.uk"),
    (
        "Your local authority's SEND Information, Advice and Support Service (SENDIASS), "
        "if your child has special educational needs",
        "",
    ),
    ("IPSEA (Independent Provider of Special Education Advice)", "www.ipsea.org.uk"),
    (
        "The Department for Education's guidance, “Suspension and permanent exclusion”",
        "www.gov.uk/government/publications/school-exclusion",
    ),
]


def _suspension(user, parameters):
    code = parameters.get("suspension") if isinstance(parameters, dict) else None
    try:
        suspension = get_suspension_for_user(user, str(code or ""))
    except (ValidationError, ValueError) as exc:
        raise Http404("No such suspension") from exc
    if suspension.voided_at:
        raise PermissionDenied
    return suspension


def suspension_school(user, parameters, _school):
    return _suspension(user, parameters).school


def letter_context(suspension):
    """Everything the letter and the notification record need, from the same rules as the detail page."""
    notifications = list(suspension.notifications.select_related("recorded_by"))
    terms = terms_of(suspension.school)
    assessment = assess(
        suspension,
        decided_on=suspension.decided_at.date() if suspension.decided_at else None,
        terms=terms,
        notified={n.recipient for n in notifications},
    )
    try:
        days = sorted({day for day, _session in covered_slots(suspension, terms)})
    except school_days.CalendarError:
        days = []
    permanent = suspension.kind == Suspension.Kind.PERMANENT
    if permanent:
        try:
            first_five = [suspension.start_date] + [
                school_days.add_school_days(suspension.start_date, n, terms) for n in range(1, 5)
            ]
        except school_days.CalendarError:
            first_five = []
    else:
        first_five = days[:5]
    task_kinds = {kind for kind, _reason, _due in assessment.tasks}
    return {
        "suspension": suspension,
        "pupil": suspension.pupil,
        "permanent": permanent,
        "lunchtime": suspension.kind == Suspension.Kind.LUNCHTIME,
        "assessment": assessment,
        "reasons": list(suspension.reasons.order_by("census_code")),
        "days": days,
        "first_five": first_five,
        "meeting_required": permanent or GovernorTask.Kind.REINSTATEMENT_MEETING in task_kinds,
        "representations_considered": GovernorTask.Kind.REPRESENTATIONS in task_kinds,
        "tasks": assessment.tasks,
        "notifications": notifications,
        "required": assessment.required,
        "advice": ADVICE,
    }


def build_letter_pdf(generated_file, user):
    try:
        suspension = _suspension(user, generated_file.parameters)
    except (Http404, PermissionDenied) as exc:
        raise ExportRefused("You can no longer see this suspension, or it has been voided.") from exc
    context = letter_context(suspension)
    exports.progress(generated_file, 30)
    noun = "Permanent exclusion" if context["permanent"] else "Suspension"
    content = render_pdf(
        "pdf/behaviour/suspension_letter.html",
        context,
        user=user,
        school=suspension.school,
        title=f"{noun} letter pack: {suspension.pupil.display_name}",
        period=f"from {uk_date(suspension.start_date)}",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    audit.record(
        "behaviour.suspension.letter_exported",
        actor=user,
        obj=suspension,
        pupil=suspension.pupil,
        school=suspension.school,
    )
    pupil = suspension.pupil
    name = f"{'exclusion' if context['permanent'] else 'suspension'}-letter-{slugify(pupil.last_name)}"
    return exports.Built(f"{name}-{suspension.start_date:%Y%m%d}.pdf", "application/pdf", content)


def register_exports():
    audit.describe("behaviour.suspension.letter_exported", "made a suspension letter pack")
    exports.register(
        "behaviour.suspension_letter_pdf",
        label="Suspension letter pack (PDF)",
        permission="behaviour.record_suspension",
        fmt="pdf",
        build=build_letter_pdf,
        school_for=suspension_school,
    )
