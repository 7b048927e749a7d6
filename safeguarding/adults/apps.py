"""Registration of concerns and allegations about adults (KCSIE Part four), called from SafeguardingConfig.ready().

Who does what (see docs/adult-allegations.md):
- every member of staff of a school raises a case and sees its receipt, nothing more;
- the headteacher is the case manager of the school's cases;
- the trust safeguarding lead is the trust's named person: the case manager of a case about a headteacher
  (the app has no chair of governors account; a trust that wants its chair to act gives them that role);
- the DSL and deputy DSLs share the head's case management only where the school switches it on;
- the headteacher and the trust (trust leader, trust safeguarding lead) see counts in the termly report;
- the IT admin sees none of it, and nobody ever reads a case about themselves.
"""

from pastoral.accounts.roles import Role

RAISE = {"safeguarding.raise_adult_concern"}
PERMISSIONS = {
    Role.HEADTEACHER: RAISE | {"safeguarding.manage_adult_cases", "safeguarding.view_adult_case_counts"},
    Role.DSL: RAISE | {"safeguarding.share_adult_cases"},
    Role.DEPUTY_DSL: RAISE | {"safeguarding.share_adult_cases"},
    Role.PASTORAL_ASSISTANT: RAISE | {"safeguarding.share_adult_cases"},
    Role.PASTORAL_LEAD: RAISE,
    Role.PASTORAL_STAFF: RAISE,
    Role.SENCO: RAISE,
    Role.MEDICAL_LEAD: RAISE,
    Role.AP_COORDINATOR: RAISE,
    Role.TEACHER: RAISE,
    Role.IT_ADMIN: RAISE,
    Role.TRUST_DSL: {"safeguarding.manage_adult_cases_about_head", "safeguarding.view_adult_case_counts"},
    Role.TRUST_LEADER: {"safeguarding.view_adult_case_counts"},
}

# Every action below starts with this; the school's audit log and the DSL dashboard leave them out (see register).
AUDIT_PREFIX = "safeguarding.adult"
AUDIT = {
    "safeguarding.adult_case.raised": "raised a concern or allegation about an adult",
    "safeguarding.adult_case.receipt_viewed": "looked at the receipt for their concern about an adult",
    "safeguarding.adult_case.viewed": "read a case about an adult",
    "safeguarding.adult_case.emailed": "was emailed about a case about an adult",
    "safeguarding.adult_case.refused": "was refused a case about an adult",
    "safeguarding.adult_receipt.refused": "was refused the receipt of a case about an adult",
    "safeguarding.adult_cases.listed": "opened the list of cases about adults",
    "safeguarding.adult_patterns.viewed": "opened the patterns in low-level concerns about adults",
    "safeguarding.adult_case.lado_referred": "recorded a referral to the LADO",
    "safeguarding.adult_case.strategy_recorded": "recorded a strategy meeting about an allegation",
    "safeguarding.adult_case.suspension_recorded": "recorded a suspension decision about an allegation",
    "safeguarding.adult_case.concluded": "concluded a case about an adult",
    "safeguarding.adult_review.recorded": "recorded the termly review of low-level concerns about adults",
    "safeguarding.adult_settings.changed": "changed who manages cases about adults",
}


def register():
    from pastoral import audit, dashboard, demo
    from pastoral.files import reports

    from .dashboard import adult_cases_panel
    from .demo import seed_adult_cases
    from .report_sections import build_adult_cases

    for action, sentence in AUDIT.items():
        assert action.startswith(AUDIT_PREFIX), action
        audit.describe(action, sentence)
    # Whoever reads the school's audit log (a DSL the case may be about, among others) must not learn that a case
    # was raised, by whom, or read: the case manager sees each case's own trail on its page instead.
    audit.keep_private(AUDIT_PREFIX)
    dashboard.register("safeguarding_adults", adult_cases_panel, order=6)
    demo.register_seeder("safeguarding_adults", seed_adult_cases)
    reports.register_section(
        "adult_cases",
        build_adult_cases,
        order=75,
        permission="safeguarding.view_adult_case_counts",
        title="Concerns and allegations about adults",
    )
