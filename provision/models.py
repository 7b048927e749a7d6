"""Support plans and alternative provision. The models live in the sub-areas' packages; they are imported here
so Django registers them under this app (same tables, same migrations)."""

from .ap.models import (  # noqa: F401
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
from .interventions.models import (  # noqa: F401
    GroupMember,
    GroupSession,
    InterventionGroup,
    Programme,
    SessionAttendance,
)
from .keywork.models import KeyworkAction, KeyworkAssignment, KeyworkSession  # noqa: F401
from .outcomes.models import SdqResponse, StarReading  # noqa: F401
from .plans.models import (  # noqa: F401
    PlanAcknowledgement,
    PlanReview,
    PlanReviewInterval,
    PlanShare,
    PlanVersion,
    StoryImage,
    SupportPlan,
)
from .visits.models import ExternalVisit  # noqa: F401
from .voice.models import PupilVoice  # noqa: F401
