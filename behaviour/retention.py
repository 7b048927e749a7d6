"""Behaviour's record types for the retention rules (see pastoral/retention/registry.py)."""

from pastoral.dates import uk_date
from pastoral.retention import registry
from pastoral.retention.registry import DOB, REVIEW, Default, RecordType

NOT_FOUND = "Exact IRMS period not found: kept with the pupil record (DOB + 25 years) and reviewed."


def register():
    registry.register(
        RecordType(
            key="behaviour.event",
            label="Behaviour events",
            model="behaviour.BehaviourEvent",
            record_date="occurred_at",
            default=Default(DOB, 25, REVIEW, NOT_FOUND),
            describe=lambda event: f"Behaviour event on {uk_date(event.occurred_at)}",
            order=20,
        )
    )
    registry.register(
        RecordType(
            key="behaviour.restrictive_intervention",
            label="Restrictive interventions",
            model="behaviour.RestrictiveIntervention",
            record_date="occurred_on",
            default=Default(
                DOB,
                25,
                REVIEW,
                "Use-of-force records are commonly kept with the pupil or CP file, DOB + 25 years (not verified).",
            ),
            describe=lambda ri: f"Restrictive intervention on {uk_date(ri.occurred_on)}",
            order=21,
        )
    )
    registry.register(
        RecordType(
            key="behaviour.removal",
            label="Removals from class",
            model="behaviour.Removal",
            record_date="removed_at",
            default=Default(DOB, 25, REVIEW, NOT_FOUND),
            describe=lambda removal: f"Removal from class on {uk_date(removal.removed_at)}",
            order=23,
        )
    )
    registry.register(
        RecordType(
            key="behaviour.suspension",
            label="Suspensions and exclusions",
            model="behaviour.Suspension",
            record_date="start_date",
            closed=("end_date",),
            default=Default(DOB, 25, REVIEW, NOT_FOUND),
            describe=lambda suspension: f"Suspension from {uk_date(suspension.start_date)}",
            order=22,
        )
    )
