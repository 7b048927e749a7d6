"""Registration of the physical-interventions area, called from BehaviourConfig.ready()."""

from pastoral.accounts.roles import Role

# Who sees what (see the README section "Physical interventions"):
# - leads (headteacher, DSL, deputy DSL, pastoral lead) and the SENCo see every record in the school;
# - any member of staff who may log behaviour may record an intervention, and then sees the records
#   they recorded or were named in as staff involved; other staff do not see that one exists.
# - leads sign off, decide to withhold from parents and void;
# - training: leads and the SENCo read it; the headteacher, pastoral lead and IT admin keep it up to date.
INTERVENTION_LEADS = {
    "behaviour.view_intervention",
    "behaviour.record_intervention",
    "behaviour.review_intervention",
    "behaviour.view_training",
}
PERMISSIONS = {
    Role.HEADTEACHER: INTERVENTION_LEADS | {"behaviour.manage_techniques", "behaviour.manage_training"},
    Role.PASTORAL_LEAD: INTERVENTION_LEADS | {"behaviour.manage_techniques", "behaviour.manage_training"},
    Role.DSL: INTERVENTION_LEADS,
    Role.DEPUTY_DSL: INTERVENTION_LEADS,
    # Monitors and reviews every physical intervention and trains staff in safe handling.
    Role.PASTORAL_ASSISTANT: INTERVENTION_LEADS | {"behaviour.manage_training"},
    Role.SENCO: {"behaviour.view_intervention", "behaviour.record_intervention", "behaviour.view_training"},
    Role.PASTORAL_STAFF: {"behaviour.record_intervention"},
    Role.MEDICAL_LEAD: {"behaviour.record_intervention"},
    Role.AP_COORDINATOR: {"behaviour.record_intervention"},
    Role.TEACHER: {"behaviour.record_intervention"},
    Role.IT_ADMIN: {"behaviour.view_training", "behaviour.manage_training"},
}


def register():
    from pastoral import audit, chronology, dashboard, demo, staff_training
    from pastoral.files import digest, reports, weekly_trend

    from .chronology import interventions_for_chronology
    from .demo import seed_interventions
    from .exports import register_exports
    from .panels import intervention_digest_lines, intervention_lines, interventions_panel
    from .report_sections import build_interventions

    for action, sentence in {
        "behaviour.intervention.recorded": "recorded a physical intervention",
        "behaviour.intervention.viewed": "viewed a physical intervention record",
        "behaviour.intervention.parents_reported": "recorded telling parents about a physical intervention",
        "behaviour.intervention.withheld": "decided to withhold a physical intervention from parents",
        "behaviour.intervention.debriefed": "recorded a debrief after a physical intervention",
        "behaviour.intervention.reviewed": "signed off a physical intervention",
        "behaviour.intervention.voided": "voided a physical intervention record",
        "behaviour.interventions.exported": "downloaded physical intervention data",
        "behaviour.technique.created": "added a hold or technique",
        "behaviour.technique.changed": "changed a hold or technique",
        "behaviour.techniques.seeded": "added the default holds and techniques",
        "behaviour.training.created": "added a staff training record",
        "behaviour.training.changed": "changed a staff training record",
        "behaviour.training.voided": "voided a staff training record",
        "behaviour.training.certificate_viewed": "opened a training certificate",
    }.items():
        audit.describe(action, sentence)
    from .models import RestrictiveIntervention

    chronology.register(
        "behaviour_interventions", interventions_for_chronology, sources=[(RestrictiveIntervention, "pupil")]
    )
    # Other duty apps (medical) check first-aid and medication training through pastoral.staff_training.
    from .selectors import in_date_course_holders, latest_course_records

    staff_training.register("behaviour_training", in_date_course_holders)
    staff_training.register_latest("behaviour_training", latest_course_records)
    dashboard.register("behaviour_interventions", interventions_panel, order=30)
    digest.register("behaviour_interventions", intervention_digest_lines)
    demo.register_seeder("behaviour_interventions", seed_interventions)
    register_exports()
    reports.register_section(
        "interventions",
        build_interventions,
        order=50,
        permission="behaviour.view_intervention",
        title="Restrictive interventions",
    )
    weekly_trend.register(
        "behaviour_interventions", intervention_lines, order=30, permission="behaviour.view_intervention"
    )
