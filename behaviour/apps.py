from django.apps import AppConfig

BEHAVIOUR_READ = {"behaviour.view_event", "behaviour.record_event"}
BEHAVIOUR_LEAD = BEHAVIOUR_READ | {"behaviour.void_event"}
SUSPENSION_READ = {"behaviour.view_suspension"}
SUSPENSION_LEAD = SUSPENSION_READ | {"behaviour.record_suspension"}
# Only the headteacher (or acting head, given the role) decides a suspension or exclusion.
SUSPENSION_PERMISSIONS = {
    "headteacher": SUSPENSION_LEAD | {"behaviour.decide_suspension"},
    "pastoral_lead": SUSPENSION_LEAD,
    "dsl": SUSPENSION_LEAD,
    "deputy_dsl": SUSPENSION_LEAD,
    "pastoral_staff": SUSPENSION_READ,
    "senco": SUSPENSION_READ,
    "trust_leader": SUSPENSION_READ,
}


class BehaviourConfig(AppConfig):
    name = "behaviour"
    verbose_name = "Behaviour and physical interventions"

    def ready(self):
        from pastoral import audit, chronology, dashboard, demo
        from pastoral.accounts import roles, trusts

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
        from .suspensions.chronology import governor_tasks_panel, suspensions_for_chronology
        from .suspensions.demo import seed_suspensions

        roles.register_permissions(SUSPENSION_PERMISSIONS)
        for action, sentence in {
            "behaviour.suspension.drafted": "drafted a suspension or exclusion",
            "behaviour.suspension.changed": "changed a draft suspension or exclusion",
            "behaviour.suspension.finalised": "finalised a suspension or exclusion decision",
            "behaviour.suspension.voided": "voided a suspension or exclusion",
            "behaviour.suspension.notified": "recorded a suspension notification",
            "behaviour.suspension.reintegration": "recorded a reintegration meeting",
            "behaviour.governor_task.done": "completed a governors' task",
        }.items():
            audit.describe(action, sentence)
        chronology.register("behaviour_suspensions", suspensions_for_chronology)
        dashboard.register("behaviour_governor_tasks", governor_tasks_panel, order=15)
        demo.register_seeder("behaviour", seed_behaviour)
        demo.register_seeder("behaviour_suspensions", seed_suspensions)  # after the events it draws on
        from .services import categories_seed_defaults

        # A school added by setup_trust or the trust leader starts with the usual categories and locations.
        trusts.on_new_school(categories_seed_defaults)
        from .analytics import ALERT_ROLES, ANALYTICS_ROLES, rising_behaviour_panel
        from .demo import seed_rising_behaviour

        roles.register_permissions({role: {"behaviour.view_analytics"} for role in ANALYTICS_ROLES})
        roles.register_permissions({role: {"behaviour.view_alerts"} for role in ALERT_ROLES})
        audit.describe("behaviour.analytics.exported", "downloaded behaviour analytics rows")
        dashboard.register("behaviour_rising", rising_behaviour_panel, order=20)
        demo.register_seeder("behaviour_rising", seed_rising_behaviour)
        self._ready_incidents()
        from .interventions.apps import ready as interventions_ready

        interventions_ready()
        register_exports()
        from .report_sections import register as register_report_sections

        register_report_sections()
        from .weekly_trend import register_lines as register_weekly_trend_lines

        register_weekly_trend_lines()

    def _ready_incidents(self):
        """Incidents with detail, follow-up actions, attachments and bullying records."""
        from pastoral import audit, chronology, dashboard, demo
        from pastoral.accounts import roles

        from .chronology import bullying_for_chronology, incidents_for_chronology
        from .dashboard_incidents import my_follow_up_actions_panel
        from .demo_incidents import seed_incidents

        # The anti-bullying lead is whoever leads pastoral care or safeguarding: the headteacher, the pastoral
        # lead and the DSL / deputy DSL see repeat victims and perpetrators. The pastoral team and the SENCo
        # read the bullying records; every member of staff who logs behaviour can report bullying.
        bullying_leads = {"behaviour.view_bullying", "behaviour.view_bullying_patterns"}
        roles.register_permissions(
            {
                roles.Role.HEADTEACHER: bullying_leads,
                roles.Role.PASTORAL_LEAD: bullying_leads,
                roles.Role.DSL: bullying_leads,
                roles.Role.DEPUTY_DSL: bullying_leads,
                roles.Role.PASTORAL_STAFF: {"behaviour.view_bullying"},
                roles.Role.SENCO: {"behaviour.view_bullying"},
            }
        )
        # Injury photos and other files on incidents: the pastoral team, not every teacher or trust leader.
        roles.register_permissions(
            {
                role: {"behaviour.view_attachments"}
                for role in (
                    roles.Role.HEADTEACHER,
                    roles.Role.DSL,
                    roles.Role.DEPUTY_DSL,
                    roles.Role.PASTORAL_LEAD,
                    roles.Role.PASTORAL_STAFF,
                    roles.Role.SENCO,
                )
            }
        )
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
        chronology.register("behaviour_incidents", incidents_for_chronology)
        chronology.register("behaviour_bullying", bullying_for_chronology)
        demo.register_seeder("behaviour_incidents", seed_incidents)
        dashboard.register("behaviour_follow_up_actions", my_follow_up_actions_panel, order=30)
