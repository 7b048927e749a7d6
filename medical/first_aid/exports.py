"""Export kinds for the accident log: the list as CSV."""

from pastoral import audit
from pastoral.files import exports
from pastoral.lists import filtered

from ..exports import finish_csv, local, yes
from .filters import accident_filter

COLUMNS = [
    "When",
    "Who",
    "Name",
    "Year",
    "Where",
    "What happened",
    "Injury",
    "Part of the body",
    "Head injury",
    "Treatment",
    "Treated by",
    "Outcome",
    "Parents informed",
    "RIDDOR flag",
    "RIDDOR decision",
]


def build_accidents_csv(generated_file, user):
    query = exports.as_query_dict(generated_file.parameters)
    rows = [
        [
            local(a.occurred_at),
            a.get_person_kind_display(),
            a.who,
            a.pupil.get_year_group_display() if a.pupil_id else "",
            a.location,
            a.what_happened,
            a.get_injury_display(),
            a.get_body_part_display(),
            yes(a.head_injury),
            a.treatment,
            str(a.treated_by),
            a.get_outcome_display(),
            local(a.parents_informed_at) if a.parents_informed else "No",
            yes(a.riddor_possible),
            a.get_riddor_decision_display() if a.riddor_possible else "",
        ]
        for a in filtered(accident_filter(user, generated_file.school, query)).iterator(chunk_size=500)
    ]
    return finish_csv(
        generated_file, user, action="medical.accidents.exported", name="accidents", headers=COLUMNS, rows=rows
    )


def register_exports():
    audit.describe("medical.accidents.exported", "exported the accident and first-aid log")
    exports.register(
        "medical.accidents_csv",
        label="Accidents and first aid (CSV)",
        permission="medical.view_records",
        build=build_accidents_csv,
        description="The accident log you see, with its filters.",
    )


def build_head_injury_letter(generated_file, user):
    from django.utils.text import slugify

    from ..exports import pdf, record_from
    from .selectors import get_accident_for_user

    accident = record_from(generated_file.parameters, "accident", get_accident_for_user, user)
    if not accident.head_injury or not accident.pupil_id:
        raise exports.ExportRefused("This accident is not a pupil's head injury.")
    return pdf(
        "pdf/medical/head_injury_letter.html",
        {"accident": accident, "pupil": accident.pupil},
        user=user,
        school=accident.school,
        title="Head injury: a letter for parents and carers",
        filename=f"head-injury-{slugify(accident.pupil.last_name)}-{accident.occurred_at:%Y%m%d}.pdf",
        action="medical.accident.letter_exported",
        obj=accident,
        pupil=accident.pupil,
    )


def register_pdfs():
    from ..exports import record_school
    from .selectors import get_accident_for_user

    audit.describe("medical.accident.letter_exported", "made a head-injury letter")
    exports.register(
        "medical.head_injury_letter_pdf",
        label="Head-injury letter (PDF)",
        permission="medical.record",
        fmt="pdf",
        build=build_head_injury_letter,
        school_for=record_school("accident", get_accident_for_user),
    )
