"""The behaviour app's models live in its sub-areas' packages; they are imported here so Django registers them
under this app (same tables, same migrations) and behaviour.models.X keeps working."""

from .analytics.models import EventDayCount  # noqa: F401
from .detentions.models import (  # noqa: F401
    Detention,
    DetentionNotice,
    DetentionPolicy,
    DetentionSession,
    DetentionType,
)
from .events.models import (  # noqa: F401
    BehaviourCategory,
    BehaviourEvent,
    BehaviourEventRevision,
    BehaviourPhrase,
    Location,
    PupilRole,
    RewardMilestone,
)
from .incidents.models import (  # noqa: F401
    PREJUDICE_TYPES,
    BullyingIncident,
    BullyingInvolvement,
    BullyingRevision,
    BullyingType,
    FollowUpAction,
    Incident,
    IncidentAttachment,
    IncidentPupil,
    IncidentRevision,
    ParentsInformedHow,
    _attachment_path,
)
from .interventions.models import (  # noqa: F401
    InterventionTechnique,
    RestrictiveIntervention,
    StaffTraining,
    _certificate_path,
)
from .removals.models import Removal  # noqa: F401
from .restorative.models import RestorativeMeeting  # noqa: F401
from .rules.models import (  # noqa: F401
    BehaviourRule,
    BehaviourRuleHit,
    BehaviourRuleLetter,
    BehaviourRuleRecipient,
    BehaviourRuleTask,
    LetterTemplate,
)
from .suspensions.models import (  # noqa: F401
    ExclusionReasonCode,
    GovernorsReview,
    GovernorTask,
    ReintegrationMeeting,
    Suspension,
    SuspensionNotification,
)
