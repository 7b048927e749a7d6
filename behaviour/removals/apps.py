"""Registration of removals from class, called from BehaviourConfig.ready(). They are read, recorded and voided
under the behaviour event permissions (see `events.apps`)."""

PERMISSIONS = {}


def register():
    from pastoral import audit, chronology, dashboard
    from pastoral.files import reports

    from .chronology import removals_for_chronology
    from .exports import register_exports
    from .panels import untold_removals_panel, untold_removals_probe
    from .report_sections import build_removals

    audit.describe("behaviour.removal.recorded", "recorded a removal from class")
    audit.describe("behaviour.removal.voided", "voided a removal from class")
    audit.describe("behaviour.removal.parents_told", "recorded that parents were told of a removal from class")
    dashboard.register("removals_untold", untold_removals_panel, order=21, probe=untold_removals_probe)
    from .models import Removal

    chronology.register("behaviour_removals", removals_for_chronology, sources=[(Removal, "pupil")])
    register_exports()
    reports.register_section(
        "removals", build_removals, order=30, permission="behaviour.view_analytics", title="Removals from class"
    )
