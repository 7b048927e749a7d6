"""Medical care's record types for the retention rules (see pastoral/retention/registry.py)."""

from pastoral.dates import uk_date
from pastoral.retention import registry
from pastoral.retention.registry import DOB, REVIEW, Default, RecordType


def register():
    registry.register(
        RecordType(
            key="medical.accident",
            label="Accidents and first aid",
            model="medical.Accident",
            record_date="occurred_at",
            default=Default(
                DOB,
                21,
                REVIEW,
                "Accident book: 3 years (IRMS); for a child the limitation period runs from age 18, so DOB + 21 "
                "years, then review.",
            ),
            describe=lambda accident: f"Accident on {uk_date(accident.occurred_at)}",
            order=40,
        )
    )
    registry.register(
        RecordType(
            key="medical.dose",
            label="Medicine administration records",
            model="medical.DoseAdministration",
            record_date="given_at",
            default=Default(DOB, 25, REVIEW, "Exact IRMS period not found: DOB + 25 years, then review."),
            describe=lambda dose: f"Dose given {uk_date(dose.given_at)}",
            order=41,
        )
    )
