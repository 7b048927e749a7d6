"""Registration of outcome measures, pupil voice and the annual-review pack, called from ProvisionConfig.ready().
Who sees what: outcomes/access.py and docs/outcome-measures.md."""

from pastoral.accounts.roles import Role

READ_WRITE = {"provision.view_outcomes", "provision.record_outcomes", "provision.view_outcome_counts"}
PACK = {"provision.request_review_pack"}
PERMISSIONS = {
    Role.PASTORAL_LEAD: READ_WRITE | PACK,
    Role.SENCO: READ_WRITE | PACK,
    Role.DSL: READ_WRITE | PACK,
    Role.DEPUTY_DSL: READ_WRITE | PACK,
    Role.PASTORAL_ASSISTANT: READ_WRITE | PACK,
    Role.PASTORAL_STAFF: READ_WRITE,
    Role.HEADTEACHER: {"provision.view_outcome_counts"},
    Role.TRUST_LEADER: {"provision.view_outcome_counts"},
}


def register():
    from pastoral import audit, chronology, demo, pupil_cards
    from pastoral.files import reports
    from provision import measures_registry

    from ..voice.chronology import voice_for_chronology
    from . import sdq, stars
    from .cards import outcomes_card
    from .chronology import measures_for_chronology
    from .demo import seed_outcomes
    from .exports import register_exports
    from .pack import register_sections
    from .report_sections import build_outcomes
    from .selectors import sdq_scores_between, star_scores_between

    for action, sentence in {
        "provision.star.recorded": "recorded an Outcomes Star reading",
        "provision.star.viewed": "read an Outcomes Star reading",
        "provision.star.withdrawn": "withdrew an Outcomes Star reading",
        "provision.sdq.recorded": "entered an SDQ",
        "provision.sdq.viewed": "read an SDQ",
        "provision.sdq.withdrawn": "withdrew an SDQ",
        "provision.outcomes.viewed": "read a pupil's outcome measures",
        "provision.outcomes.refused": "was refused a pupil's outcome measures or voice",
        "provision.star_list.viewed": "read the Outcomes Star readings list",
        "provision.sdq_list.viewed": "read the SDQ list",
        "provision.stars.exported": "exported Outcomes Star readings",
        "provision.sdqs.exported": "exported SDQ scores",
        "provision.voice.recorded": "recorded pupil voice",
        "provision.voice.viewed": "read a pupil voice record",
        "provision.voice.pupil_viewed": "read a pupil's voice records",
        "provision.voice_list.viewed": "read the pupil voice list",
        "provision.voice.withdrawn": "withdrew a pupil voice record",
        "provision.voices.exported": "exported pupil voice",
        "provision.review_pack.exported": "built a pupil's annual-review pack",
    }.items():
        audit.describe(action, sentence)
    for star in stars.STARS.values():
        measures_registry.register(star.code, f"{star.label} (Outcomes Star)", star_scores_between(star.code))
    for informant, label in sdq.INFORMANTS.items():
        measures_registry.register(f"sdq_{informant}", f"SDQ, {label.lower()}", sdq_scores_between(informant))
    from ..voice.models import PupilVoice
    from .models import SdqResponse, StarReading

    chronology.register(
        "provision_outcomes", measures_for_chronology, sources=[(StarReading, "pupil"), (SdqResponse, "pupil")]
    )
    chronology.register("provision_voice", voice_for_chronology, sources=[(PupilVoice, "pupil")])
    pupil_cards.register("provision_outcomes", outcomes_card)
    demo.register_seeder("provision_outcomes", seed_outcomes)
    register_exports()
    register_sections()
    reports.register_section(
        "outcome_measures",
        build_outcomes,
        order=57,
        permission="provision.view_outcome_counts",
        title="Outcome measures",
    )
