"""Registration of medical conditions and alerts, called from MedicalConfig.ready(). The permissions of the whole
medical app are declared here (see medical/selectors.py for who sees what)."""

from pastoral.accounts.roles import Role

READ_ALL = {"medical.view_alerts", "medical.view_records", "medical.view_counts"}
PERMISSIONS = {
    Role.MEDICAL_LEAD: READ_ALL | {"medical.record", "medical.manage"},
    Role.HEADTEACHER: READ_ALL | {"medical.manage", "medical.review_riddor"},
    Role.PASTORAL_LEAD: READ_ALL,
    Role.SENCO: READ_ALL,
    Role.DSL: READ_ALL,
    Role.DEPUTY_DSL: READ_ALL,
    Role.PASTORAL_ASSISTANT: READ_ALL | {"medical.view_shared_plans"},
    Role.PASTORAL_STAFF: {"medical.view_alerts", "medical.view_shared_plans"},
    Role.AP_COORDINATOR: {"medical.view_alerts", "medical.view_shared_plans"},
    Role.TEACHER: {"medical.view_alerts", "medical.view_shared_plans"},
    Role.TRUST_LEADER: {"medical.view_counts"},
}


def register():
    from pastoral import audit, chronology, demo, pupil_cards

    from .cards import medical_alert_card
    from .chronology import conditions_for_chronology
    from .demo import seed_conditions
    from .exports import register_exports

    for action, sentence in {
        "medical.condition.recorded": "recorded a medical condition",
        "medical.condition.changed": "changed a medical condition",
        "medical.condition.voided": "voided a medical condition",
        "medical.condition.viewed": "read a medical condition",
        "medical.condition.refused": "was refused a medical condition",
        "medical.conditions.listed": "opened the list of medical conditions",
        "medical.condition_type.created": "added a condition to the school's list",
        "medical.condition_type.changed": "changed a condition on the school's list",
        "medical.pupil.viewed": "read a pupil's medical record",
        "medical.pupil.refused": "was refused a pupil's medical record",
        "medical.overview.viewed": "opened the medical overview",
    }.items():
        audit.describe(action, sentence)
    from .models import MedicalCondition

    chronology.register("medical_conditions", conditions_for_chronology, sources=[(MedicalCondition, "pupil")])
    pupil_cards.register("medical_alert", medical_alert_card)
    register_exports()
    demo.register_seeder("medical_conditions", seed_conditions)
