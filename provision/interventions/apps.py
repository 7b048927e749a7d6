"""Registration of the interventions area (and the external visits log), called from ProvisionConfig.ready()."""

from pastoral.accounts.roles import Role

# Who does what (see docs/keywork-and-interventions.md):
# - the pastoral team, SENCo, DSL team and headteacher start and run groups, take session attendance, rate targets
#   and read the impact pages;
# - the pastoral lead, SENCo and headteacher edit the school's programme catalogue;
# - teachers and TAs may read the groups (they release pupils to them) but not run them;
# - the external visits log is kept by the pastoral team and read by the leaders.
RUN = {"provision.view_interventions", "provision.run_interventions", "provision.log_visits"}
PERMISSIONS = {
    Role.PASTORAL_LEAD: RUN | {"provision.manage_programmes"},
    Role.SENCO: RUN | {"provision.manage_programmes"},
    Role.HEADTEACHER: RUN | {"provision.manage_programmes"},
    Role.PASTORAL_STAFF: RUN,
    Role.DSL: RUN,
    Role.DEPUTY_DSL: RUN,
    Role.PASTORAL_ASSISTANT: RUN,
    Role.TEACHER: {"provision.view_interventions"},
}


def register():
    from django.db.models.signals import post_save

    from pastoral import audit, chronology, demo, pupil_cards
    from pastoral.files import reports
    from pastoral.models import School

    from .cards import intervention_groups_card
    from .chronology import interventions_for_chronology
    from .demo import seed_interventions
    from .exports import register_exports
    from .report_sections import build_keywork_and_interventions
    from .services import programmes_for_new_school

    for action, sentence in {
        "provision.programme.saved": "changed an intervention programme",
        "provision.group.started": "started an intervention group",
        "provision.group.changed": "changed an intervention group",
        "provision.group.finished": "finished an intervention group",
        "provision.group.member_added": "added a pupil to an intervention group",
        "provision.group.member_rated": "rated a pupil's intervention target",
        "provision.group_session.recorded": "recorded an intervention session",
        "provision.impact.viewed": "read the impact of an intervention",
        "provision.groups.exported": "exported intervention groups",
        "provision.visit.saved": "logged an external visit",
        "provision.visits.exported": "exported the external visits log",
    }.items():
        audit.describe(action, sentence)
    from .models import GroupMember

    chronology.register("provision_interventions", interventions_for_chronology, sources=[(GroupMember, "pupil")])
    pupil_cards.register("intervention_groups", intervention_groups_card, sources=[(GroupMember, "pupil")])
    demo.register_seeder("provision_interventions", seed_interventions)
    register_exports()
    reports.register_section(
        "keywork_interventions",
        build_keywork_and_interventions,
        order=57,
        permission="provision.view_keywork_counts",
        title="Keywork and interventions",
    )
    post_save.connect(programmes_for_new_school, sender=School, dispatch_uid="provision_seed_programmes")
