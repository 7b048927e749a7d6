"""What each behaviour permission lets staff do, for the roles page (see pastoral.accounts.role_catalogue)."""

LABELS = {
    "behaviour.view_event": "View behaviour events, removals, restorative meetings and detentions",
    "behaviour.set_detention": "Set detentions and record the notice sent home",
    "behaviour.manage_detentions": "Manage detention types and sessions, mark attendance and void detentions",
    "behaviour.record_event": "Log and correct behaviour events",
    "behaviour.void_event": "Void behaviour events",
    "behaviour.manage_categories": "Manage behaviour categories, locations and reward milestones",
    "behaviour.view_analytics": "See behaviour analytics (trends, heat maps)",
    "behaviour.view_alerts": "See pupils whose negative behaviour is rising",
    "behaviour.manage_rules": "Set up behaviour rules and letters home, try them on last term, see every rule alert",
    "behaviour.view_sensitive_event": "Read events in sensitive categories logged by others",
    "behaviour.view_bullying": "See bullying and prejudice-related records",
    "behaviour.view_bullying_patterns": "See repeat victims and perpetrators (anti-bullying lead)",
    "behaviour.view_attachments": "See and download photos and files attached to incidents",
    "behaviour.view_intervention": "See every physical (restrictive) intervention in the school",
    "behaviour.record_intervention": "Record physical interventions, parent reports and debriefs",
    "behaviour.review_intervention": "Review and sign off physical interventions, withhold from parents, void",
    "behaviour.manage_techniques": "Edit the school's list of holds and techniques",
    "behaviour.view_training": "See staff training records",
    "behaviour.manage_training": "Add and change staff training records",
    "behaviour.view_suspension": "View suspensions and permanent exclusions",
    "behaviour.record_suspension": "Draft suspensions, record notifications and reintegration",
    "behaviour.decide_suspension": "Decide (finalise) suspensions and permanent exclusions",
}


def register():
    from pastoral.accounts import role_catalogue

    role_catalogue.register_area(
        "behaviour",
        "Behaviour and physical interventions",
        LABELS,
        order=20,
        pupil_free={"behaviour.view_training", "behaviour.manage_training"},
        sensitive={"behaviour.view_sensitive_event"},
        # The law gives the decision to exclude to the headteacher alone.
        fixed={"behaviour.decide_suspension"},
    )
