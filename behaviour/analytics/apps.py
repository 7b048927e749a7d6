"""Registration of behaviour analytics (the analytics page, the rising-behaviour alert and the weekly trend
email's behaviour lines), called from BehaviourConfig.ready()."""

from pastoral.accounts.roles import Role

# Behaviour leads see the analytics page and get the rising-behaviour alert; the trust's leaders see the page.
ANALYTICS = {"behaviour.view_analytics"}
ALERTS = {"behaviour.view_alerts"}
PERMISSIONS = {
    Role.HEADTEACHER: ANALYTICS | ALERTS,
    Role.PASTORAL_LEAD: ANALYTICS | ALERTS,
    Role.DSL: ANALYTICS | ALERTS,
    Role.DEPUTY_DSL: ANALYTICS | ALERTS,
    Role.PASTORAL_ASSISTANT: ANALYTICS | ALERTS,
    Role.TRUST_LEADER: ANALYTICS,
}


def register():
    from pastoral import audit, dashboard, demo
    from pastoral.files import weekly_trend

    from .demo import seed_rising_behaviour
    from .exports import register_exports
    from .panels import behaviour_lines, rising_behaviour_panel

    audit.describe("behaviour.analytics.exported", "downloaded behaviour analytics rows")
    dashboard.register("behaviour_rising", rising_behaviour_panel, order=20)
    demo.register_seeder("behaviour_rising", seed_rising_behaviour)
    register_exports()
    # The orders keep the email's lines where they have always been: behaviour first, safeguarding (40) last.
    weekly_trend.register("behaviour", behaviour_lines, order=10)
