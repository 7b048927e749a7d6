"""Registration of behaviour rules (triggers over a pupil's events, with staff told in the app, tasks, letters home
and detention suggestions), called from BehaviourConfig.ready(). The headteacher, the pastoral lead and the
pastoral assistant (who runs the behaviour systems day to day) keep the rules and the letter templates; whoever a
hit tells, or gives a task to, sees that hit."""

from pastoral.accounts.roles import Role

MANAGE = {"behaviour.manage_rules"}
PERMISSIONS = {
    Role.HEADTEACHER: MANAGE,
    Role.PASTORAL_LEAD: MANAGE,
    Role.PASTORAL_ASSISTANT: MANAGE,
}


def register():
    from pastoral import audit, chronology, dashboard, demo
    from pastoral.accounts import trusts

    from .chronology import rule_letters_for_chronology
    from .demo import seed_rules
    from .letters import register_exports
    from .panels import rule_alerts_panel, rule_alerts_probe, rule_tasks_panel, rule_tasks_probe
    from .services import rules_seed_default

    for action, sentence in {
        "behaviour.rule.created": "added a behaviour rule",
        "behaviour.rule.changed": "changed a behaviour rule",
        "behaviour.rule.switched": "switched a behaviour rule on or off",
        "behaviour.rule.tried": "tried a behaviour rule against last term",
        "behaviour.rule.fired": "a behaviour rule was reached",
        "behaviour.rule_task.done": "marked a behaviour rule's task done",
        "behaviour.rule_task.reopened": "marked a behaviour rule's task not done",
        "behaviour.rule_letter.sent": "recorded a behaviour letter home as sent",
        "behaviour.letter_template.created": "added a behaviour letter template",
        "behaviour.letter_template.changed": "changed a behaviour letter template",
    }.items():
        audit.describe(action, sentence)
    from .models import BehaviourRuleLetter

    # Letters name the pupil through their rule alert.
    chronology.register(
        "behaviour_rule_letters", rule_letters_for_chronology, sources=[(BehaviourRuleLetter, "hit__pupil")]
    )
    dashboard.register("behaviour_rule_alerts", rule_alerts_panel, order=22, probe=rule_alerts_probe)
    dashboard.register("behaviour_rule_tasks", rule_tasks_panel, order=31, probe=rule_tasks_probe)
    demo.register_seeder("behaviour_rules", seed_rules)
    register_exports()
    # A school added by setup_trust or the trust leader starts with its negative-behaviour-rising rule.
    trusts.on_new_school(rules_seed_default)
