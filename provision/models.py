"""Support plans and alternative provision. The models live in the sub-areas' packages; they are imported here
so Django registers them under this app (same tables, same migrations)."""

from .ap.models import (  # noqa: F401, E402
    APSchoolSettings,
    APTrustSettings,
    AttendanceReturn,
    DueDiligenceCheck,
    InformationShare,
    MissingReturnAlert,
    ObjectiveProgress,
    Placement,
    PlacementObjective,
    PlacementReview,
    ProgressReport,
    Provider,
    ProviderAccount,
    ProviderSite,
)
from .plans.models import (  # noqa: F401
    PlanAcknowledgement,
    PlanReview,
    PlanReviewInterval,
    PlanShare,
    PlanVersion,
    StoryImage,
    SupportPlan,
)
