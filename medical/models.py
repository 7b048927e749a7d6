"""The medical app's models live in its sub-areas' packages; they are imported here so Django registers them
under this app (same tables, same migrations) and medical.models.X keeps working."""

from .conditions.models import ConditionType, MedicalCondition  # noqa: F401
from .emergency.models import MedicalSettings  # noqa: F401
from .first_aid.models import Accident  # noqa: F401
from .medication.models import (  # noqa: F401
    DoseAdministration,
    EmergencyKitConsent,
    EmergencyKitUse,
    MedicineAgreement,
    StockMovement,
)
from .plans.models import HealthcarePlan, HealthcarePlanVersion  # noqa: F401
