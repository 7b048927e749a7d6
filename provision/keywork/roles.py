"""Who may be a keyworker: the roles the pupil record's keyworker field already offered."""

from pastoral.accounts.roles import Role

KEYWORKER_ROLES = [
    Role.PASTORAL_STAFF,
    Role.PASTORAL_LEAD,
    Role.SENCO,
    Role.DSL,
    Role.DEPUTY_DSL,
    Role.PASTORAL_ASSISTANT,
]
