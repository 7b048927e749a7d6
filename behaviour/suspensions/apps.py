"""Registration of suspensions and permanent exclusions, called from BehaviourConfig.ready()."""

SUSPENSION_READ = {"behaviour.view_suspension"}
SUSPENSION_LEAD = SUSPENSION_READ | {"behaviour.record_suspension"}
# Only the headteacher (or acting head, given the role) decides a suspension or exclusion.
PERMISSIONS = {
    "headteacher": SUSPENSION_LEAD | {"behaviour.decide_suspension"},
    "pastoral_lead": SUSPENSION_LEAD,
    "dsl": SUSPENSION_LEAD,
    "deputy_dsl": SUSPENSION_LEAD,
    # Drafts suspensions and leads the reintegration after them; the head still decides.
    "pastoral_assistant": SUSPENSION_LEAD,
    "pastoral_staff": SUSPENSION_READ,
    "senco": SUSPENSION_READ,
    "trust_leader": SUSPENSION_READ,
}


def register():
    from pastoral import audit, chronology, dashboard, demo
    from pastoral.attendance import expectations
    from pastoral.files import reports, weekly_trend

    from .attendance import seed_suspension_marks, suspension_expectations
    from .chronology import suspensions_for_chronology
    from .demo import seed_suspensions
    from .exports import register_exports
    from .letters import register_exports as register_letter_exports
    from .panels import governor_tasks_panel, governor_tasks_probe, suspension_lines
    from .report_sections import build_suspensions

    for action, sentence in {
        "behaviour.suspension.drafted": "drafted a suspension or exclusion",
        "behaviour.suspension.changed": "changed a draft suspension or exclusion",
        "behaviour.suspension.finalised": "finalised a suspension or exclusion decision",
        "behaviour.suspension.voided": "voided a suspension or exclusion",
        "behaviour.suspension.cancelled": "cancelled a suspension or exclusion",
        "behaviour.reason_list.confirmed": "started offering a census reason list",
        "behaviour.suspension.governors_review": "recorded the governing board's consideration of a suspension",
        "behaviour.suspension.review_panel": "recorded an independent review panel of a permanent exclusion",
        "behaviour.suspension.notified": "recorded a suspension notification",
        "behaviour.suspension.reintegration": "recorded a reintegration meeting",
        "behaviour.governor_task.done": "completed a governors' task",
    }.items():
        audit.describe(action, sentence)
    from .models import Suspension

    chronology.register("behaviour_suspensions", suspensions_for_chronology, sources=[(Suspension, "pupil")])
    # The attendance cross-check: suspended days should carry E, or the code of the provision made.
    expectations.register("behaviour_suspensions", suspension_expectations)
    dashboard.register("behaviour_governor_tasks", governor_tasks_panel, order=15, probe=governor_tasks_probe)
    demo.register_seeder("behaviour_suspensions", seed_suspensions)
    # After the attendance seeder: suspended days in the demo register, one with a code mismatch.
    demo.register_seeder("behaviour_suspension_marks", seed_suspension_marks)
    register_exports()
    register_letter_exports()
    reports.register_section(
        "suspensions",
        build_suspensions,
        order=40,
        permission="behaviour.view_suspension",
        title="Suspensions and permanent exclusions",
    )
    weekly_trend.register("behaviour_suspensions", suspension_lines, order=20, permission="behaviour.view_suspension")
