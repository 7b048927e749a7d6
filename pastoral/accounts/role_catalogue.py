"""What each permission means, grouped by area, and the guard rails on changing what a role may do.

A school adjusts its roles' permissions from the staff pages (`/staff/roles/`): each role starts from its
defaults in `roles.ROLE_PERMISSIONS`, and the school's approved changes add or take away permissions
(`effective_permissions`). Duty apps add their areas and labels with `register_area` from their
`AppConfig.ready()`; every permission in `roles.known_permissions()` has a label (a test checks it).

Guard rails, checked when a change is asked for (`change_refusal`) and again whenever permissions are read
(`may_hold`), so a stored change that breaks them never gives anything:

- a role outside `roles.PUPIL_READING_ROLES` (the IT admin) only ever holds permissions that read no pupil
  records (`PUPIL_FREE`);
- permissions that read safeguarding information (`SENSITIVE`) only go to roles whose grants wait for a second
  person's approval (`roles.APPROVAL_ROLES`);
- a permission that reads pupils goes only to a role that keeps "View pupil records", and that one cannot be
  taken from a role whose other permissions read pupils;
- `FIXED` permissions (approving roles, fitting roles, trust-wide ones, deciding suspensions) are not a school's
  to move, and `KEPT` ones cannot be taken away (every member of staff raises concerns; the DSL works them).
"""

from dataclasses import dataclass, field

from .roles import APPROVAL_ROLES, PUPIL_READING_ROLES, ROLE_PERMISSIONS, TRUST_APPROVED_ROLES, Role, known_permissions

VIEW_PUPIL = "pastoral.view_pupil"


@dataclass
class Area:
    key: str
    title: str
    order: int
    labels: dict = field(default_factory=dict)


AREAS = {}
# Permissions that read nothing about pupils: the only ones a role that reads no pupils may hold.
PUPIL_FREE = set()
# Permissions that read safeguarding information.
SENSITIVE = set()
# Not adjustable by a school.
FIXED = set()
# {role: permissions that cannot be taken from it}; None as the key: from any role holding them.
KEPT = {}


def register_area(key, title, labels, *, order=50, pupil_free=(), sensitive=(), fixed=(), kept=None):
    """Add (or extend) an area of the roles page. `labels` is {permission: what it lets staff do}."""
    area = AREAS.setdefault(key, Area(key, title, order))
    area.labels.update(labels)
    PUPIL_FREE.update(pupil_free)
    SENSITIVE.update(sensitive)
    FIXED.update(fixed)
    for role, perms in (kept or {}).items():
        KEPT.setdefault(role, set()).update(perms)


def label(perm):
    for area in AREAS.values():
        if perm in area.labels:
            return area.labels[perm]
    return perm


def areas():
    """Areas in page order, each with its permissions that exist in this install."""
    known = known_permissions()
    result = []
    for area in sorted(AREAS.values(), key=lambda a: (a.order, a.title)):
        perms = [p for p in area.labels if p in known]
        if perms:
            result.append((area, perms))
    return result


# Roles a school fits: those held in one school. Trust-wide roles (trust leader, trust DSL, a provider's
# contact) are the trust's decision, not one school's.
EDITABLE_ROLES = [role for role in Role if role not in TRUST_APPROVED_ROLES]


def reads_pupils(perm):
    return perm not in PUPIL_FREE


def may_hold(role, perm):
    """False for a permission the guard rails keep from this role whatever a school decides."""
    if perm not in known_permissions() or perm in FIXED:
        return False
    if role not in PUPIL_READING_ROLES and reads_pupils(perm):
        return False
    return perm not in SENSITIVE or role in APPROVAL_ROLES


def _kept(role):
    return KEPT.get(None, set()) | KEPT.get(role, set())


def effective_permissions(role, change=None):
    """The role's permissions in a school: its defaults, plus and minus the school's approved changes.

    `change` is the school's entry for the role in `School.role_permissions`: {"granted": [...], "removed": [...]}.
    """
    base = ROLE_PERMISSIONS[role]
    if not change:
        return base
    added = {perm for perm in change.get("granted", ()) if may_hold(role, perm)}
    removed = set(change.get("removed", ())) - FIXED - _kept(role)
    perms = (base | added) - removed
    if VIEW_PUPIL not in perms:
        # Without "View pupil records" nothing else about pupils is read either.
        perms = {perm for perm in perms if not reads_pupils(perm) or perm in base}
    return frozenset(perms)


def change_refusal(role, perm, granted, current, after=None):
    """Why this change may not be made (a sentence), or None.

    `current` is the role's effective permissions now; `after`, what they would be once every change asked for
    with this one applied (by default, this one alone)."""
    if after is None:
        after = (set(current) | {perm}) if granted else (set(current) - {perm})
    name = f"“{label(perm)}”"
    if role not in EDITABLE_ROLES:
        return f"{role.label} is a trust-wide role: the trust decides what it may do."
    if perm not in known_permissions():
        return f"There is no permission called {perm}."
    if perm in FIXED:
        return f"{name} cannot be changed by a school."
    if granted:
        if perm in current:
            return f"{role.label} already has {name}."
        if role not in PUPIL_READING_ROLES and reads_pupils(perm):
            return f"{role.label} never reads pupil records, so cannot have {name}."
        if perm in SENSITIVE and role not in APPROVAL_ROLES:
            return f"{name} reads safeguarding information, so only roles approved by a second person may have it."
        if perm != VIEW_PUPIL and reads_pupils(perm) and VIEW_PUPIL not in after:
            return f"{name} reads pupil records: give {role.label} “{label(VIEW_PUPIL)}” first."
        return None
    if perm not in current:
        return f"{role.label} does not have {name}."
    if perm in _kept(role):
        return f"{name} cannot be taken away from {role.label}."
    if perm == VIEW_PUPIL:
        others = sorted(label(p) for p in after if p != VIEW_PUPIL and reads_pupils(p))
        if others:
            return f"{role.label}'s other permissions read pupil records, so it keeps {name}."
    return None


def register_core_areas():
    """The core's own permissions (called from PastoralConfig.ready())."""
    register_area(
        "pupils",
        "Pupils and the school",
        {
            VIEW_PUPIL: "View pupil records",
            "pastoral.change_pupil": "Edit pupil details, needs, contacts and professionals; log contacts",
            "pastoral.import_pupils": "Import pupils from the MIS",
            "pastoral.view_safeguarding_flags": "See child-protection and child-in-need flags",
            "pastoral.view_audit": "Read the school's audit log",
            "pastoral.view_termly_report": "Generate the termly report for the school",
            "pastoral.view_trust_report": "Generate the termly report across the trust",
        },
        order=10,
        sensitive={"pastoral.view_safeguarding_flags", "pastoral.view_audit"},
        fixed={"pastoral.view_trust_report"},
    )
    register_area(
        "staff",
        "Staff and settings",
        {
            "pastoral.manage_staff": "Manage staff accounts and grant roles (roles that read pupils wait for approval)",
            "pastoral.manage_calendar": "Set the school's academic years, term dates and closures",
            "pastoral.approve_roles": "Approve roles and role changes (headteachers and DSLs)",
            "pastoral.manage_roles": "Change what each role may do (this page)",
        },
        order=90,
        pupil_free={"pastoral.manage_staff", "pastoral.manage_calendar"},
        fixed={"pastoral.approve_roles", "pastoral.manage_roles"},
    )
    register_area(
        "attendance",
        "Attendance",
        {
            "pastoral.view_attendance": "See attendance marks, rates and lists",
            "pastoral.import_attendance": "Import attendance marks from the MIS",
            "pastoral.manage_attendance": "Keep part-time timetables and act on attendance alerts",
        },
        order=60,
    )
    register_area(
        "data_protection",
        "Data protection",
        {
            "pastoral.manage_sar": "Handle subject access requests (the data-protection lead)",
            "pastoral.manage_retention": "Review records past their retention date, dispose of them, set legal holds",
            "pastoral.review_sar_safeguarding": "Review the safeguarding records of a subject access pack",
            "pastoral.break_glass": "Open a record outside its access list in an emergency, giving a reason",
            "pastoral.review_break_glass": "Review every emergency opening of a record",
            "pastoral.write_leaver_records": "Change the records of pupils who have left",
        },
        order=80,
        sensitive={"pastoral.review_break_glass", "pastoral.write_leaver_records", "pastoral.review_sar_safeguarding"},
        # Break-glass is for the headteacher and the trust's safeguarding lead alone.
        fixed={"pastoral.break_glass"},
    )
    register_area(
        "meetings",
        "Multi-agency meetings",
        {
            "pastoral.view_meetings": "See multi-agency meetings (other than child protection ones)",
            "pastoral.record_meetings": "Record multi-agency meetings and their actions",
            "pastoral.view_cp_meetings": "See child protection conferences, core groups and strategy meetings",
        },
        order=65,
        sensitive={"pastoral.view_cp_meetings"},
    )
