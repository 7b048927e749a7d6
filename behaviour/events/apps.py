"""Registration of behaviour points (quick log, events, categories, rewards), called from BehaviourConfig.ready()."""

from pastoral.accounts.roles import Role

# Everyone who logs behaviour reads it; leads also void, and the headteacher and pastoral lead keep the categories
# and reward milestones. Removals and restorative meetings are read, recorded and voided under these permissions.
BEHAVIOUR_READ = {"behaviour.view_event", "behaviour.record_event"}
BEHAVIOUR_LEAD = BEHAVIOUR_READ | {"behaviour.void_event"}
# Events of sensitive categories (sexualised behaviour, self-harm): the pastoral team and the DSL team read them;
# other staff read only the ones they logged (see selectors.events_visible_to). The categories and the phrase bank
# are kept by the headteacher and the pastoral lead (behaviour.manage_categories).
SENSITIVE = {"behaviour.view_sensitive_event"}
PERMISSIONS = {
    Role.HEADTEACHER: BEHAVIOUR_LEAD | SENSITIVE | {"behaviour.manage_categories"},
    Role.PASTORAL_LEAD: BEHAVIOUR_LEAD | SENSITIVE | {"behaviour.manage_categories"},
    Role.DSL: BEHAVIOUR_LEAD | SENSITIVE,
    Role.DEPUTY_DSL: BEHAVIOUR_LEAD | SENSITIVE,
    # The pastoral assistant leads the reward systems, so keeps the milestones too.
    Role.PASTORAL_ASSISTANT: BEHAVIOUR_LEAD | SENSITIVE | {"behaviour.manage_categories"},
    Role.PASTORAL_STAFF: BEHAVIOUR_READ | SENSITIVE,
    Role.SENCO: BEHAVIOUR_READ | SENSITIVE,
    Role.MEDICAL_LEAD: BEHAVIOUR_READ,
    Role.AP_COORDINATOR: BEHAVIOUR_READ,
    Role.TEACHER: BEHAVIOUR_READ,
    Role.TRUST_LEADER: {"behaviour.view_event"},
}


def register():
    from pastoral import audit, chronology, demo, profile_summary
    from pastoral.accounts import trusts
    from pastoral.attendance import series
    from pastoral.files import reports

    from .attendance import negative_events_by_week
    from .chronology import events_for_chronology
    from .demo import seed_behaviour
    from .exports import register_exports
    from .report_sections import build_behaviour, build_rewards
    from .services import categories_seed_defaults
    from .summary import behaviour_figures

    for action, sentence in {
        "behaviour.event.recorded": "logged a behaviour event",
        "behaviour.event.changed": "changed a behaviour event",
        "behaviour.event.voided": "voided a behaviour event",
        "behaviour.category.created": "added a behaviour category",
        "behaviour.category.changed": "changed a behaviour category",
        "behaviour.categories.seeded": "added the default behaviour categories",
        "behaviour.phrase.created": "added a phrase to the phrase bank",
        "behaviour.phrase.changed": "changed a phrase in the phrase bank",
        "behaviour.milestone.created": "added a reward milestone",
        "behaviour.milestone.changed": "changed a reward milestone",
        "behaviour.rewards.exported": "exported reward points",
    }.items():
        audit.describe(action, sentence)
    from .models import BehaviourEvent

    chronology.register("behaviour", events_for_chronology, sources=[(BehaviourEvent, "pupil")])
    profile_summary.register("behaviour", behaviour_figures, order=10)
    # Negative behaviour beside attendance on the attendance trends page.
    series.register("behaviour_negative", negative_events_by_week)
    demo.register_seeder("behaviour", seed_behaviour)
    register_exports()
    reports.register_section(
        "behaviour", build_behaviour, order=10, permission="behaviour.view_analytics", title="Behaviour events"
    )
    reports.register_section("rewards", build_rewards, order=20, permission="behaviour.view_analytics", title="Rewards")
    # A school added by setup_trust or the trust leader starts with the usual categories and locations.
    trusts.on_new_school(categories_seed_defaults)
