"""What each safeguarding permission lets staff do, for the roles page (see pastoral.accounts.role_catalogue)."""

LABELS = {
    "safeguarding.raise_concern": "Raise a safeguarding concern",
    "safeguarding.see_record_marker": "Know that a pupil has safeguarding records (no detail)",
    "safeguarding.view_concerns": "Read every safeguarding concern of the school",
    "safeguarding.manage_concerns": "Triage and work safeguarding concerns, referrals and file transfers",
}


def register(case_work):
    from pastoral.accounts import role_catalogue
    from pastoral.accounts.roles import Role

    role_catalogue.register_area(
        "safeguarding",
        "Safeguarding",
        LABELS,
        order=15,
        sensitive=set(LABELS) - {"safeguarding.raise_concern"},
        # Every member of staff must be able to pass on a concern, and the DSL always works them (KCSIE).
        kept={None: {"safeguarding.raise_concern"}, Role.DSL: set(case_work)},
    )
