"""Subject access requests' permissions and registrations, called from PastoralConfig.ready()."""

from .permissions import MANAGE, REVIEW_SAFEGUARDING

# The headteacher is the data-protection lead unless the school gives the work to another role. The DSL team
# (DSL, deputies, the pastoral assistant who is a deputy DSL, the trust DSL) reviews a pack's safeguarding items.
PERMISSIONS = {
    "headteacher": {MANAGE},
    "dsl": {REVIEW_SAFEGUARDING},
    "deputy_dsl": {REVIEW_SAFEGUARDING},
    "pastoral_assistant": {REVIEW_SAFEGUARDING},
    "trust_dsl": {REVIEW_SAFEGUARDING},
}


def register():
    from pastoral import audit, dashboard

    from .panels import review_probe, sar_panel, sar_probe, sar_review_panel

    for action, sentence in {
        "pastoral.sar.recorded": "recorded a subject access request",
        "pastoral.sar.identity_checked": "recorded the identity check of a subject access request",
        "pastoral.sar.extended": "extended the deadline of a subject access request",
        "pastoral.sar.closed": "closed a subject access request",
        "pastoral.sar.pack_requested": "asked for a subject access pack to be built",
        "pastoral.sar.pack_built": "built a subject access pack",
        "pastoral.sar.pack_viewed": "read the unredacted subject access pack",
        "pastoral.sar.item_withheld": "withheld a record from a subject access pack",
        "pastoral.sar.item_restored": "put a withheld record back into a subject access pack",
        "pastoral.sar.passage_redacted": "redacted a passage of a subject access pack",
        "pastoral.sar.redaction_removed": "took a redaction out of a subject access pack",
        "pastoral.sar.item_reviewed": "reviewed a safeguarding record of a subject access pack",
        "pastoral.sar.pack_released": "released a subject access pack",
        "pastoral.sar.files_requested": "asked for the released subject access files",
    }.items():
        audit.describe(action, sentence)
    dashboard.register("subject_access", sar_panel, order=9, probe=sar_probe)
    dashboard.register("subject_access_review", sar_review_panel, order=9, probe=review_probe)
    from .exports import register_exports

    register_exports()
    from pastoral import demo

    from .demo import seed_subject_access

    demo.register_seeder("pastoral.subject_access", seed_subject_access, last=True)
