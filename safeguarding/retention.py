"""Safeguarding's record types for the retention rules (see pastoral/retention/registry.py)."""

from pastoral.dates import uk_date
from pastoral.retention import registry
from pastoral.retention.registry import DOB, REVIEW, Default, RecordType


def register():
    registry.register(
        RecordType(
            key="safeguarding.concern",
            label="Safeguarding concerns (child protection information)",
            model="safeguarding.Concern",
            pupil=None,
            pupils="pupils",
            record_date="occurred_at",
            closed=("closed_at",),
            default=Default(
                DOB,
                25,
                REVIEW,
                "Child protection information: date of birth + 25 years, then review (IRMS; DfE data protection "
                "toolkit). Some trusts keep DOB + 50 for inquiry holds.",
            ),
            describe=lambda concern: f"Concern of {uk_date(concern.occurred_at)}",
            order=30,
        )
    )
