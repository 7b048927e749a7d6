"""Behaviour rules: kept by the headteacher (and the pastoral lead and assistant); a rule alert is seen by those it
told (here the teacher, the pupil's keyworker) and by whoever manages the rules."""

import datetime

from behaviour.models import BehaviourRule, BehaviourRuleHit, BehaviourRuleRecipient, BehaviourRuleTask, LetterTemplate
from tests.matrix import POST_ONLY, statuses

MANAGERS = statuses(302, 403, 403, 403, 200, 403, 403)
MANAGERS_OF_RECORD = statuses(302, 403, 403, 403, 200, 403, 404)
R = ("rule",)
ROWS = [
    ("behaviour:rule_list", (), MANAGERS),
    ("behaviour:rule_create", (), MANAGERS),
    ("behaviour:rule_detail", R, MANAGERS_OF_RECORD),
    ("behaviour:rule_edit", R, MANAGERS_OF_RECORD),
    ("behaviour:rule_trial", R, POST_ONLY),
    ("behaviour:rule_switch", R, POST_ONLY),
    ("behaviour:rule_template_create", (), MANAGERS),
    ("behaviour:rule_template_edit", ("letter_template",), MANAGERS_OF_RECORD),
    ("behaviour:rule_alerts", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("behaviour:rule_hit_detail", ("rule_hit",), statuses(302, 200, 403, 403, 200, 403, 404)),
    ("behaviour:rule_letter_sent", ("rule_hit",), POST_ONLY),
    ("behaviour:rule_task_done", ("rule_task",), POST_ONLY),
]
KWARG_NAMES = {"rule": "code", "letter_template": "code", "rule_hit": "code", "rule_task": "code"}


def build(objects, request):
    school, pupil = objects["school"], objects["pupil"]
    teacher, headteacher = request.getfixturevalue("teacher"), request.getfixturevalue("headteacher")
    template = LetterTemplate.objects.create(school=school, name="Lateness", subject="Lateness", body="Dear parent")
    rule = BehaviourRule.objects.create(school=school, name="Three lates", letter_template=template)
    hit = BehaviourRuleHit.objects.create(
        school=school, rule=rule, pupil=pupil, window_start=datetime.date(2026, 9, 7), summary="3 events within 7 days"
    )
    BehaviourRuleRecipient.objects.create(hit=hit, user=teacher)
    task = BehaviourRuleTask.objects.create(
        hit=hit, owner=headteacher, description="Call home", due_on=hit.window_start
    )
    return {"rule": rule.code, "letter_template": template.code, "rule_hit": hit.code, "rule_task": task.code}
