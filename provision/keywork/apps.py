"""Registration of the keywork area, called from ProvisionConfig.ready()."""

from pastoral.accounts.roles import Role

# Who does what (see docs/keywork-and-interventions.md):
# - pastoral staff, the pastoral lead, SENCo, DSL and deputy DSL may be keyworkers: each reads and logs the keywork
#   of the pupils they currently keywork;
# - the pastoral lead, SENCo, DSL and deputy DSL read every keywork note of the school and assign keyworkers;
# - every member of staff who reads pupils sees that a pupil has a keyworker and who;
# - the headteacher and trust leaders see counts in the termly report.
SEE = {"provision.view_keyworker"}
KEYWORKER = SEE | {"provision.keywork", "provision.view_keywork_counts"}
LEAD = KEYWORKER | {"provision.view_all_keywork", "provision.manage_keywork"}
PERMISSIONS = {
    Role.PASTORAL_LEAD: LEAD,
    Role.SENCO: LEAD,
    Role.DSL: LEAD,
    Role.DEPUTY_DSL: LEAD,
    Role.PASTORAL_ASSISTANT: KEYWORKER | {"provision.view_all_keywork"},
    Role.PASTORAL_STAFF: KEYWORKER,
    Role.HEADTEACHER: SEE | {"provision.view_keywork_counts"},
    Role.TEACHER: SEE,
    Role.MEDICAL_LEAD: SEE,
    Role.AP_COORDINATOR: SEE,
    Role.TRUST_LEADER: {"provision.view_keywork_counts"},
}


def register():
    from pastoral import audit, chronology, dashboard, demo, profile_summary, pupil_cards

    from .cards import keyworker_card, open_keywork_actions_figure
    from .chronology import keywork_for_chronology
    from .demo import seed_keywork
    from .exports import register_exports
    from .panels import caseload_panel, caseload_probe

    for action, sentence in {
        "provision.keywork.assigned": "assigned a keyworker",
        "provision.keywork.frequency_changed": "changed how often a keyworker meets a pupil",
        "provision.keywork.ended": "ended a keyworker's work with a pupil",
        "provision.keywork.viewed": "read a pupil's keywork notes",
        "provision.keywork_session.logged": "logged a keywork session",
        "provision.keywork_session.viewed": "read a keywork session",
        "provision.keywork_session.refused": "was refused a keywork session",
        "provision.keywork_action.done": "closed a keywork action",
        "provision.keywork_sessions.exported": "exported keywork sessions",
    }.items():
        audit.describe(action, sentence)
    from .models import KeyworkAction, KeyworkAssignment, KeyworkSession

    chronology.register("provision_keywork", keywork_for_chronology, sources=[(KeyworkSession, "pupil")])
    _register_break_glass()
    pupil_cards.register("keyworker", keyworker_card, sources=[(KeyworkAssignment, "pupil")])
    profile_summary.register(
        "provision_keywork_actions", open_keywork_actions_figure, order=40, sources=[(KeyworkAction, "pupil")]
    )
    dashboard.register("provision_keywork", caseload_panel, order=12, probe=caseload_probe)
    demo.register_seeder("provision_keywork", seed_keywork)
    register_exports()

    from .. import review_pack
    from ..outcomes import access as outcomes_access
    from .pack import interventions_section, keywork_section
    from .selectors import caseload_pupil_ids

    # A keyworker reads and records their own pupils' outcome measures and voice, and the annual-review pack
    # carries keywork and interventions between the plans (20) and the measures (30).
    outcomes_access.add_pupil_scope(caseload_pupil_ids)
    review_pack.register("keywork", "Keywork", 24, keywork_section)
    review_pack.register("interventions", "Interventions", 26, interventions_section)


def _register_break_glass():
    """A pupil's keywork notes are read by their keyworkers and the leads only: a headteacher or trust DSL may open
    them in an emergency (pastoral.breakglass)."""
    from django.urls import reverse

    from pastoral import breakglass
    from pastoral.models import Pupil

    from .selectors import NOTES_KIND, can_read_notes

    breakglass.register(
        NOTES_KIND,
        label="pupil's keywork notes",
        find=lambda code: Pupil.objects.select_related("school").filter(code=code).first(),
        school_id=lambda pupil: pupil.school_id,
        pupil=lambda pupil: pupil,
        can_read=can_read_notes,
        url=lambda pupil: reverse("provision:keywork_pupil", args=[pupil.code]),
    )
