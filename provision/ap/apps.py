"""Registration of the alternative provision area, called from ProvisionConfig.ready()."""

from pastoral.accounts.roles import Role

# Who does what (see docs/alternative-provision.md):
# - the AP coordinator and headteacher keep the trust's provider register, commission, review and end placements;
# - the DSL, deputy DSL, pastoral lead, pastoral staff and SENCo read the school's placements;
# - trust leaders see every placement and the spend across the trust, and the figures in reports;
# - a provider's contact sees only its provider's active placements and sends returns and progress reports.
READERS = {"provision.view_ap"}
MANAGERS = READERS | {"provision.manage_ap", "provision.view_ap_counts"}
PERMISSIONS = {
    Role.AP_COORDINATOR: MANAGERS,
    Role.HEADTEACHER: MANAGERS,
    Role.DSL: READERS,
    Role.DEPUTY_DSL: READERS,
    # Coordinates referrals and placements (the Pastoral Assistant job description).
    Role.PASTORAL_ASSISTANT: MANAGERS,
    Role.PASTORAL_LEAD: READERS,
    Role.PASTORAL_STAFF: READERS,
    Role.SENCO: READERS,
    Role.TRUST_LEADER: {"provision.view_ap_trust", "provision.view_ap_counts"},
    Role.AP_PROVIDER: {"provision.ap_provider_portal"},
}

AUDIT = {
    "provision.ap.settings_changed": "changed the alternative provision settings",
    "provision.ap.provider_added": "added an alternative provider to the register",
    "provision.ap.provider_changed": "changed an alternative provider on the register",
    "provision.ap.provider_viewed": "read an alternative provider's record",
    "provision.ap.site_added": "added a site of an alternative provider",
    "provision.ap.check_recorded": "recorded a due-diligence check of an alternative provider",
    "provision.ap.account_created": "gave an alternative provider's contact an account",
    "provision.ap.account_link_sent": "sent an alternative provider's contact the link to choose a password",
    "provision.ap.placement_proposed": "proposed an alternative provision placement",
    "provision.ap.placement_changed": "changed an alternative provision placement",
    "provision.ap.placement_agreed": "recorded the agreement of an alternative provision placement",
    "provision.ap.placement_started": "started an alternative provision placement",
    "provision.ap.placement_ended": "ended an alternative provision placement",
    "provision.ap.placement_viewed": "read an alternative provision placement",
    "provision.ap.objective_added": "added an objective to an alternative provision placement",
    "provision.ap.information_shared": "recorded safeguarding information shared with a provider",
    "provision.ap.agreement_uploaded": "uploaded a placement agreement",
    "provision.ap.return_sent": "sent an attendance return for an alternative provision session",
    "provision.ap.return_corrected": "corrected an attendance return for an alternative provision session",
    "provision.ap.return_missing": "was flagged: no attendance return from the provider by the cut-off",
    "provision.ap.reviewed": "reviewed an alternative provision placement",
    "provision.ap.report_sent": "sent a progress report from an alternative provider",
    "provision.ap.portal_viewed": "read a placement in the provider portal",
    "provision.ap.exported": "exported alternative provision records",
}


def register():
    from pastoral import audit, chronology, dashboard, demo, pupil_cards
    from pastoral.attendance import expectations
    from pastoral.files import reports

    from .attendance import placement_expectations
    from .cards import ap_card
    from .chronology import ap_for_chronology
    from .dashboard import ap_panel, ap_probe
    from .demo import seed_ap
    from .exports import register_exports
    from .report_sections import build_ap

    for action, sentence in AUDIT.items():
        audit.describe(action, sentence)
    expectations.register("provision_ap", placement_expectations)
    from .models import Placement

    chronology.register("provision_ap", ap_for_chronology, sources=[(Placement, "pupil")])
    _register_break_glass()
    pupil_cards.register("alternative_provision", ap_card, sources=[(Placement, "pupil")])
    dashboard.register("provision_ap", ap_panel, order=36, probe=ap_probe)
    demo.register_seeder("provision_ap", seed_ap)
    register_exports()
    reports.register_section(
        "alternative_provision",
        build_ap,
        order=56,
        permission="provision.view_ap_counts",
        title="Alternative provision",
    )


def _register_break_glass():
    """Placements are read by the school's AP and pastoral staff: a trust DSL may open one in an emergency
    (pastoral.breakglass)."""
    from django.urls import reverse

    from pastoral import breakglass

    from .models import Placement
    from .selectors import KIND, can_read_placement

    breakglass.register(
        KIND,
        label="alternative provision placement",
        find=lambda code: Placement.objects.select_related("pupil", "school").filter(code=code).first(),
        school_id=lambda placement: placement.school_id,
        pupil=lambda placement: placement.pupil,
        can_read=can_read_placement,
        url=lambda placement: reverse("provision:ap_placement_detail", args=[placement.code]),
    )
