"""What each medical permission lets staff do, for the roles page (see pastoral.accounts.role_catalogue)."""

LABELS = {
    "medical.view_alerts": "See pupils' one-line medical alerts",
    "medical.view_shared_plans": "Read healthcare plans they support or were copied to",
    "medical.view_records": "Read every medical record of the school",
    "medical.record": "Record medical conditions, plans, medicines, doses and accidents",
    "medical.manage": "Keep the school's medical lists, emergency card and settings",
    "medical.view_counts": "See medical figures in reports",
    "medical.review_riddor": "See accidents that may be reportable under RIDDOR",
}


def register():
    from pastoral.accounts import role_catalogue

    role_catalogue.register_area("medical", "Medical care", LABELS, order=40)
