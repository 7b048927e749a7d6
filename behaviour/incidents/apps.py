"""Registration of incidents (with follow-up actions and attachments) and bullying records, called from
BehaviourConfig.ready()."""

from pastoral.accounts.roles import Role

# The anti-bullying lead is whoever leads pastoral care or safeguarding: the headteacher, the pastoral
# lead and the DSL / deputy DSL see repeat victims and perpetrators. The pastoral team and the SENCo
# read the bullying records; every member of staff who logs behaviour can report bullying.
BULLYING_LEAD = {"behaviour.view_bullying", "behaviour.view_bullying_patterns"}
BULLYING_READ = {"behaviour.view_bullying"}
# Injury photos and other files on incidents: the pastoral team, not every teacher or trust leader.
ATTACHMENTS = {"behaviour.view_attachments"}
PERMISSIONS = {
    Role.HEADTEACHER: BULLYING_LEAD | ATTACHMENTS,
    Role.PASTORAL_LEAD: BULLYING_LEAD | ATTACHMENTS,
    Role.DSL: BULLYING_LEAD | ATTACHMENTS,
    Role.DEPUTY_DSL: BULLYING_LEAD | ATTACHMENTS,
    Role.PASTORAL_ASSISTANT: BULLYING_LEAD | ATTACHMENTS,
    Role.PASTORAL_STAFF: BULLYING_READ | ATTACHMENTS,
    Role.SENCO: BULLYING_READ | ATTACHMENTS,
}


def register():
    from pastoral import audit, chronology, dashboard, demo, profile_summary

    from .chronology import bullying_for_chronology, incidents_for_chronology
    from .demo import seed_incidents
    from .exports import register_exports
    from .panels import my_follow_up_actions_panel, my_follow_up_actions_probe, open_follow_up_actions_figure

    for action, sentence in {
        "behaviour.incident.recorded": "recorded incident detail",
        "behaviour.incident.changed": "changed incident detail",
        "behaviour.incident.voided": "voided incident detail",
        "behaviour.follow_up.added": "added a follow-up action to an incident",
        "behaviour.follow_up.completed": "marked an incident follow-up action done",
        "behaviour.attachment.uploaded": "attached a file to an incident",
        "behaviour.attachment.downloaded": "downloaded an incident attachment",
        "behaviour.bullying.recorded": "recorded a bullying incident",
        "behaviour.bullying.viewed": "viewed a bullying record",
        "behaviour.bullying.voided": "voided a bullying record",
        "behaviour.bullying.changed": "changed the outcome of a bullying record",
        "behaviour.bullying.patterns_viewed": "viewed repeat victims and perpetrators of bullying",
    }.items():
        audit.describe(action, sentence)
    from .models import BullyingInvolvement, Incident

    chronology.register("behaviour_incidents", incidents_for_chronology, sources=[(Incident.pupils.through, "pupil")])
    chronology.register("behaviour_bullying", bullying_for_chronology, sources=[(BullyingInvolvement, "pupil")])
    profile_summary.register(
        "behaviour_follow_up_actions",
        open_follow_up_actions_figure,
        order=30,
        sources=[(Incident.pupils.through, "pupil")],
    )
    demo.register_seeder("behaviour_incidents", seed_incidents)
    dashboard.register(
        "behaviour_follow_up_actions", my_follow_up_actions_panel, order=30, probe=my_follow_up_actions_probe
    )
    register_exports()
