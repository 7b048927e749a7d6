"""Registration of detentions, called from BehaviourConfig.ready(). Detentions are read under
behaviour.view_event; setting one and managing the types, sessions and marks have their own permissions."""

from pastoral.accounts.roles import Role

SET = {"behaviour.set_detention"}
MANAGE = SET | {"behaviour.manage_detentions"}
# Teachers and the pastoral team set detentions; the pastoral team and leads keep the types and sessions and mark
# attendance. Whoever runs a session may mark its attendance too (see services.can_mark).
PERMISSIONS = {
    Role.HEADTEACHER: MANAGE,
    Role.PASTORAL_LEAD: MANAGE,
    Role.PASTORAL_ASSISTANT: MANAGE,
    Role.PASTORAL_STAFF: MANAGE,
    Role.DSL: SET,
    Role.DEPUTY_DSL: SET,
    Role.SENCO: SET,
    Role.TEACHER: SET,
}


def register():
    from pastoral import audit, chronology, demo, profile_summary

    from .chronology import detentions_for_chronology
    from .demo import seed_detentions
    from .exports import register_exports
    from .models import Detention, DetentionNotice
    from .summary import detention_figures

    for action, sentence in {
        "behaviour.detention.set": "set a detention",
        "behaviour.detention.notice": "recorded notice of a detention sent home",
        "behaviour.detention.marked": "marked attendance at a detention",
        "behaviour.detention.escalated": "escalated a missed detention",
        "behaviour.detention.rescheduled": "moved a detention to another session",
        "behaviour.detention.voided": "voided a detention",
        "behaviour.detention_type.created": "added a detention type",
        "behaviour.detention_type.changed": "changed a detention type",
        "behaviour.detention_sessions.made": "made detention sessions",
        "behaviour.detention_session.changed": "changed a detention session",
        "behaviour.detention_policy.changed": "changed the detention notice settings",
    }.items():
        audit.describe(action, sentence)
    # Notices name the pupil through their detention; the provider reads them only when the pupil has any.
    chronology.register(
        "behaviour_detentions",
        detentions_for_chronology,
        sources=[(Detention, "pupil"), (DetentionNotice, "detention__pupil")],
    )
    profile_summary.register("behaviour_detentions", detention_figures, order=15, sources=[(Detention, "pupil")])
    # After the behaviour seeder: detentions are set from its negative events.
    demo.register_seeder("behaviour_detentions", seed_detentions)
    register_exports()
