"""Support plans' record types for the retention rules (see pastoral/retention/registry.py)."""

from pastoral.dates import uk_date
from pastoral.retention import registry
from pastoral.retention.registry import DOB, REVIEW, Default, RecordType


def register():
    registry.register(
        RecordType(
            key="provision.support_plan",
            label="Support plans",
            model="provision.SupportPlan",
            record_date="created_at",
            closed=("ended_at",),
            default=Default(DOB, 31, REVIEW, "SEN files and plans: DOB + 31 years (IRMS, not verified), then review."),
            describe=lambda plan: f"{plan.get_kind_display()} of {uk_date(plan.created_at)}",
            order=50,
        )
    )
