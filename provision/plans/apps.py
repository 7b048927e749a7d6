"""Registration of the support plans area, called from ProvisionConfig.ready()."""

from pastoral.accounts.roles import Role

# Who does what (see README "Support plans"):
# - the pastoral lead, pastoral staff, SENCo, DSL, deputy DSL and headteacher write, agree, review, share and end
#   plans, and read every plan of the school;
# - every member of staff who reads pupils (teachers and TAs, first aiders, AP coordinators too) sees the
#   "How to support me" card and reads the plans shared with them (by name or through a role they hold);
# - trust leaders see counts only, in the termly report;
# - the headteacher, pastoral lead and SENCo set the school's review intervals.
WRITERS = {
    "provision.write_plan",
    "provision.view_plan",
    "provision.view_shared_plan",
    "provision.view_plan_card",
    "provision.view_plan_counts",
}
READERS = {"provision.view_shared_plan", "provision.view_plan_card"}
PERMISSIONS = {
    Role.HEADTEACHER: WRITERS | {"provision.manage_plan_settings"},
    Role.PASTORAL_LEAD: WRITERS | {"provision.manage_plan_settings"},
    Role.SENCO: WRITERS | {"provision.manage_plan_settings"},
    Role.PASTORAL_STAFF: WRITERS,
    Role.DSL: WRITERS,
    Role.DEPUTY_DSL: WRITERS,
    Role.PASTORAL_ASSISTANT: WRITERS,
    Role.TEACHER: READERS,
    Role.MEDICAL_LEAD: READERS,
    Role.AP_COORDINATOR: READERS,
    Role.TRUST_LEADER: {"provision.view_plan_counts"},
}


def _bring_review_forward(*, pupil, reason, actor):
    from .kinds import Kind
    from .services import review_due_now

    review_due_now(plan_kind=Kind.BSP, pupil=pupil, reason=reason, actor=actor)


def register():
    from pastoral import audit, chronology, dashboard, demo, plan_hooks, pupil_cards
    from pastoral.files import digest, reports, weekly_trend

    from .cards import how_to_support_me_card
    from .chronology import plans_for_chronology
    from .demo import seed_plans
    from .exports import register_exports
    from .panels import plan_digest_lines, plan_trend_lines, plans_panel, to_read_panel, to_read_probe
    from .report_sections import build_plans

    for action, sentence in {
        "provision.plan.created": "started a support plan",
        "provision.plan.saved": "saved a new version of a support plan",
        "provision.plan.activated": "recorded the agreement of a support plan",
        "provision.plan.reviewed": "reviewed a support plan",
        "provision.plan.ended": "ended a support plan",
        "provision.plan.viewed": "read a support plan",
        "provision.plan.shared": "shared a support plan",
        "provision.plan.unshared": "stopped sharing a support plan",
        "provision.plan.acknowledged": "confirmed reading and understanding a support plan",
        "provision.plan.review_brought_forward": "brought a support plan's review forward to today",
        "provision.plan.pdf_exported": "exported a support plan as a PDF",
        "provision.plans.exported": "exported the support plans list",
        "provision.story_image.uploaded": "added a picture to a social story",
        "provision.settings.changed": "changed the support plan review intervals",
    }.items():
        audit.describe(action, sentence)
    from .models import SupportPlan

    chronology.register("provision_plans", plans_for_chronology, sources=[(SupportPlan, "pupil")])
    _register_break_glass()
    pupil_cards.register("how_to_support_me", how_to_support_me_card, sources=[(SupportPlan, "pupil")])
    plan_hooks.on_review_needed(_bring_review_forward)
    dashboard.register("provision_plans_to_read", to_read_panel, order=15, probe=to_read_probe)
    dashboard.register("provision_plans", plans_panel, order=35)
    digest.register("provision_plans", plan_digest_lines)
    demo.register_seeder("provision_plans", seed_plans)
    register_exports()
    reports.register_section(
        "support_plans", build_plans, order=55, permission="provision.view_plan_counts", title="Support plans"
    )
    weekly_trend.register("provision_plans", plan_trend_lines, order=40, permission="provision.write_plan")


def _register_break_glass():
    """Support plans are read by the school's writers and the staff they are shared with: a trust DSL may open one
    in an emergency (pastoral.breakglass)."""
    from django.urls import reverse

    from pastoral import breakglass

    from .models import SupportPlan
    from .selectors import KIND, can_read_plan

    breakglass.register(
        KIND,
        label="support plan",
        find=lambda code: SupportPlan.objects.select_related("pupil", "school").filter(code=code).first(),
        school_id=lambda plan: plan.school_id,
        pupil=lambda plan: plan.pupil,
        can_read=can_read_plan,
        url=lambda plan: reverse("provision:plan_detail", args=[plan.code]),
    )
