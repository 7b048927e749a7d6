from django.apps import AppConfig

BEHAVIOUR_READ = {"behaviour.view_event", "behaviour.record_event"}
BEHAVIOUR_LEAD = BEHAVIOUR_READ | {"behaviour.void_event"}


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = "Behaviour and physical interventions"

    def ready(self):
        from pastoral import audit, chronology, demo, roles

        from .chronology import events_for_chronology, removals_for_chronology, restorative_for_chronology
        from .demo import seed_behaviour
        from .exports import register_exports

        roles.register_permissions(
            {
                roles.Role.HEADTEACHER: BEHAVIOUR_LEAD | {"behaviour.manage_categories"},
                roles.Role.PASTORAL_LEAD: BEHAVIOUR_LEAD | {"behaviour.manage_categories"},
                roles.Role.DSL: BEHAVIOUR_LEAD,
                roles.Role.DEPUTY_DSL: BEHAVIOUR_LEAD,
                roles.Role.PASTORAL_STAFF: BEHAVIOUR_READ,
                roles.Role.SENCO: BEHAVIOUR_READ,
                roles.Role.MEDICAL_LEAD: BEHAVIOUR_READ,
                roles.Role.AP_COORDINATOR: BEHAVIOUR_READ,
                roles.Role.TEACHER: BEHAVIOUR_READ,
                roles.Role.TRUST_LEADER: {"behaviour.view_event"},
            }
        )
        for action, sentence in {
            "behaviour.event.recorded": "logged a behaviour event",
            "behaviour.event.changed": "changed a behaviour event",
            "behaviour.event.voided": "voided a behaviour event",
            "behaviour.category.created": "added a behaviour category",
            "behaviour.category.changed": "changed a behaviour category",
            "behaviour.categories.seeded": "added the default behaviour categories",
            "behaviour.milestone.created": "added a reward milestone",
            "behaviour.milestone.changed": "changed a reward milestone",
            "behaviour.rewards.exported": "exported reward points",
            "behaviour.removal.recorded": "recorded a removal from class",
            "behaviour.removal.voided": "voided a removal from class",
            "behaviour.restorative.recorded": "recorded a restorative meeting",
            "behaviour.restorative.voided": "voided a restorative meeting",
        }.items():
            audit.describe(action, sentence)
        chronology.register("behaviour", events_for_chronology)
        chronology.register("behaviour_removals", removals_for_chronology)
        chronology.register("behaviour_restorative", restorative_for_chronology)
        demo.register_seeder("behaviour", seed_behaviour)
        register_exports()
