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
    role_catalogue.register_area(
        "safeguarding_adults",
        "Concerns and allegations about adults",
        {
            "safeguarding.raise_adult_concern": "Raise a concern or allegation about an adult",
            "safeguarding.manage_adult_cases": "Manage allegations and low-level concerns about adults (case manager)",
            "safeguarding.manage_adult_cases_about_head": "Manage allegations about a headteacher",
            "safeguarding.share_adult_cases": "Share case management when the school turns it on (DSL)",
            "safeguarding.view_adult_case_counts": "See counts of cases about adults in the termly report",
        },
        order=16,
        sensitive={
            "safeguarding.manage_adult_cases",
            "safeguarding.manage_adult_cases_about_head",
            "safeguarding.share_adult_cases",
            "safeguarding.view_adult_case_counts",
        },
        # KCSIE Part 4 names the case manager; a school does not hand it to another role from this page.
        fixed={
            "safeguarding.manage_adult_cases",
            "safeguarding.manage_adult_cases_about_head",
            "safeguarding.share_adult_cases",
        },
        kept={None: {"safeguarding.raise_adult_concern"}},
    )
