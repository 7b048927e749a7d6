"""Staff roles and the permissions each one carries.

A role is held in one school (or across a trust for trust roles) through a
Membership. Each role is also a Django group holding its permissions, so the
bundle can be read in the admin; but users are never put in the groups
themselves, because a group grant is global and would leak across schools.
Permission checks always go through `pastoral.accounts.access`, which scopes them to the
schools where the user holds the role.
"""

from django.db import models


class Role(models.TextChoices):
    HEADTEACHER = "headteacher", "Headteacher"
    DSL = "dsl", "Designated safeguarding lead"
    DEPUTY_DSL = "deputy_dsl", "Deputy DSL"
    PASTORAL_ASSISTANT = "pastoral_assistant", "Pastoral assistant (deputy DSL)"
    PASTORAL_LEAD = "pastoral_lead", "Pastoral lead"
    PASTORAL_STAFF = "pastoral_staff", "Pastoral staff"
    SENCO = "senco", "SENCo"
    MEDICAL_LEAD = "medical_lead", "First aider / medical lead"
    AP_COORDINATOR = "ap_coordinator", "AP coordinator"
    TEACHER = "teacher", "Teacher / TA"
    TRUST_LEADER = "trust_leader", "Trust leader"
    IT_ADMIN = "it_admin", "IT admin"
    TRUST_DSL = "trust_dsl", "Trust safeguarding lead"
    AP_PROVIDER = "ap_provider", "Alternative provider contact"

    @property
    def trust_wide(self):
        return self in TRUST_WIDE_ROLES

    @property
    def group_name(self):
        return f"Role: {self.label}"


# Roles that may be held across every school of a trust (membership without a school).
# An alternative provider's contact is held across the trust whose schools place pupils with the provider; what
# they see is scoped to their provider's current placements by the provision app (provision/ap/portal.py).
TRUST_WIDE_ROLES = {Role.TRUST_LEADER, Role.IT_ADMIN, Role.TRUST_DSL, Role.AP_PROVIDER}

# Every permission the app checks. A name not listed here raises, so a typo in a
# view can never quietly deny (or grant) access.
_PUPIL_READ = {"pastoral.view_pupil"}
_PUPIL_WRITE = _PUPIL_READ | {"pastoral.change_pupil"}
_LEADERSHIP = {"pastoral.view_safeguarding_flags", "pastoral.view_audit"}

ROLE_PERMISSIONS = {
    # A head runs their school's staff accounts too, so a new school works without an IT admin. The roles
    # they grant that read pupils still wait for another head or DSL (nobody approves their own grant).
    Role.HEADTEACHER: _PUPIL_WRITE
    | _LEADERSHIP
    | {"pastoral.import_pupils", "pastoral.manage_calendar", "pastoral.manage_staff", "pastoral.manage_roles"},
    Role.DSL: _PUPIL_WRITE | _LEADERSHIP,
    Role.DEPUTY_DSL: _PUPIL_WRITE | _LEADERSHIP,
    # The pastoral team member who is also a deputy DSL (see the Pastoral Assistant job description): the
    # pastoral staff's work plus the deputy's case work, behaviour trends and oversight of physical
    # interventions (added by the duty apps). Not the audit log: that oversight stays with the leadership.
    Role.PASTORAL_ASSISTANT: _PUPIL_WRITE | {"pastoral.view_safeguarding_flags"},
    Role.PASTORAL_LEAD: _PUPIL_WRITE | {"pastoral.view_safeguarding_flags", "pastoral.import_pupils"},
    Role.PASTORAL_STAFF: _PUPIL_WRITE,
    Role.SENCO: _PUPIL_WRITE | {"pastoral.view_safeguarding_flags"},
    Role.MEDICAL_LEAD: _PUPIL_READ,
    Role.AP_COORDINATOR: _PUPIL_READ,
    Role.TEACHER: _PUPIL_READ,
    # Read-only across the trust: sees pupils and figures, changes nothing.
    Role.TRUST_LEADER: _PUPIL_READ,
    # Manages accounts; sees no pupil records.
    Role.IT_ADMIN: {"pastoral.manage_staff", "pastoral.manage_calendar"},
    # Oversees safeguarding in every school of the trust (case work is added by the safeguarding app).
    Role.TRUST_DSL: _PUPIL_READ | _LEADERSHIP,
    # Not staff: sees nothing of the core; the provision app gives it its provider portal only.
    Role.AP_PROVIDER: set(),
}
# Break-glass (pastoral.breakglass): a headteacher or trust DSL may open, in an emergency and with a reason, a
# record they are not on the access list of. The DSL team and the data-protection lead (the headteacher until the
# trust names one) review every use. The same people keep changing a leaver's records (pastoral.pupils.leavers).
_BREAK_GLASS = {"pastoral.break_glass"}
_DSL_TEAM = {"pastoral.review_break_glass", "pastoral.write_leaver_records"}
for _role, _extra in {
    Role.HEADTEACHER: _BREAK_GLASS | _DSL_TEAM,
    Role.TRUST_DSL: _BREAK_GLASS | _DSL_TEAM,
    Role.DSL: _DSL_TEAM,
    Role.DEPUTY_DSL: _DSL_TEAM,
    Role.PASTORAL_ASSISTANT: _DSL_TEAM,
}.items():
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] | _extra


_known = []  # the union of every role's permissions, worked out once after the last registration


def register_permissions(mapping):
    """Let a duty-area app add its permissions to roles (called from AppConfig.ready)."""
    for role, perms in mapping.items():
        ROLE_PERMISSIONS[Role(role)] = ROLE_PERMISSIONS[Role(role)] | set(perms)
    _known.clear()


def known_permissions():
    if not _known:
        _known.append(frozenset().union(*ROLE_PERMISSIONS.values()))
    return _known[0]


# Roles that open pupil records: every role but IT admin. Granted through staff management they take
# effect only once a school lead approves (a headteacher or DSL of the school; for the trust-wide ones,
# a trust DSL or any headteacher of the trust), so an IT admin cannot hand pupil access, nor the
# sign-up link that comes with it, to an address they control. Two-factor resets for their holders
# wait for the same approval. Read from the base permissions, before duty apps add theirs.
PUPIL_READING_ROLES = frozenset(role for role, perms in ROLE_PERMISSIONS.items() if "pastoral.view_pupil" in perms)
# An alternative provider's contact sees the names of the pupils placed with the provider: approved like them.
APPROVAL_ROLES = PUPIL_READING_ROLES | {Role.AP_PROVIDER}
# Trust-wide oversight is a trust leadership decision, not one school's DSL's.
TRUST_APPROVED_ROLES = {Role.TRUST_DSL, Role.TRUST_LEADER, Role.AP_PROVIDER}
# Who approves a school role, and who approves a trust-wide one (any school of the trust).
SCHOOL_APPROVERS = {Role.HEADTEACHER, Role.DSL}
TRUST_APPROVERS = {Role.HEADTEACHER, Role.TRUST_DSL}
# Who adds a school to the trust and appoints its first headteacher (held trust-wide, never in one school).
SCHOOL_ADDERS = {Role.TRUST_LEADER}
