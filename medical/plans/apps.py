"""Registration of individual healthcare plans, called from MedicalConfig.ready()."""

PERMISSIONS = {}


def register():
    from pastoral import audit, chronology, demo

    from .chronology import plans_for_chronology
    from .demo import seed_plans
    from .exports import register_exports, register_pdfs
    from .panels import plan_rows

    for action, sentence in {
        "medical.plan.created": "drew up an individual healthcare plan",
        "medical.plan.changed": "changed an individual healthcare plan",
        "medical.plan.viewed": "read an individual healthcare plan",
        "medical.plan.refused": "was refused an individual healthcare plan",
        "medical.plans.listed": "opened the list of healthcare plans",
    }.items():
        audit.describe(action, sentence)
    from .models import HealthcarePlan

    chronology.register("medical_plans", plans_for_chronology, sources=[(HealthcarePlan, "pupil")])
    _register_break_glass()
    register_exports()
    register_pdfs()
    plan_rows  # noqa: B018 - importing the module adds its rows to the medical panel
    demo.register_seeder("medical_plans", seed_plans)


def _register_break_glass():
    """Healthcare plans are read by the medical readers and the plan's supporters: a trust DSL may open one in an
    emergency (pastoral.breakglass)."""
    from django.urls import reverse

    from pastoral import breakglass

    from .models import HealthcarePlan
    from .selectors import KIND, can_read_plan

    breakglass.register(
        KIND,
        label="healthcare plan",
        find=lambda code: HealthcarePlan.objects.select_related("pupil", "school").filter(code=code).first(),
        school_id=lambda plan: plan.school_id,
        pupil=lambda plan: plan.pupil,
        can_read=can_read_plan,
        url=lambda plan: reverse("medical:plan_detail", args=[plan.code]),
    )
