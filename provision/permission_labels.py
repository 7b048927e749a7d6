"""What each provision permission lets staff do, for the roles page (see pastoral.accounts.role_catalogue)."""

LABELS = {
    "provision.write_plan": "Write, agree, review and end support plans",
    "provision.view_plan": "Read every support plan of the school",
    "provision.view_shared_plan": "Read the support plans shared with them",
    "provision.view_plan_card": "See the “How to support me” card",
    "provision.view_plan_counts": "See counts of support plans in reports",
    "provision.manage_plan_settings": "Set the school's plan review intervals",
    "provision.view_keyworker": "See who a pupil's keyworkers are",
    "provision.keywork": "Keywork pupils: a caseload, sessions and check-ins",
    "provision.view_all_keywork": "Read every keywork note of the school",
    "provision.manage_keywork": "Assign and end keyworkers",
    "provision.view_keywork_counts": "See keywork and intervention counts in reports",
    "provision.view_interventions": "See intervention groups, their sessions and impact",
    "provision.run_interventions": "Start and run intervention groups",
    "provision.manage_programmes": "Edit the school's programme catalogue",
    "provision.log_visits": "Log external visits and learning opportunities",
    "provision.view_ap": "Read the school's alternative provision placements",
    "provision.manage_ap": "Keep the provider register; commission, review and end placements",
    "provision.view_ap_counts": "See alternative provision figures in reports",
    "provision.view_ap_trust": "See every placement and the spend across the trust",
    "provision.ap_provider_portal": "The provider portal (an alternative provider's contact)",
    "provision.view_outcomes": "Read every pupil's outcome measures and pupil voice",
    "provision.record_outcomes": "Record outcome measures and pupil voice",
    "provision.view_outcome_counts": "See counts of pupils improving on outcome measures in reports",
    "provision.request_review_pack": "Request a pupil's annual-review pack",
}


def register():
    from pastoral.accounts import role_catalogue

    role_catalogue.register_area(
        "provision",
        "Support plans, keywork and alternative provision",
        LABELS,
        order=30,
        # Trust-wide views and the provider portal belong to trust roles, not to a school's.
        fixed={"provision.view_ap_trust", "provision.ap_provider_portal"},
    )
