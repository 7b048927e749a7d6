"""Medical care in the permission matrix.

The medical lead records; the DSL and headteacher read every record; teachers and pastoral staff see only the
alert (and the plans they support or were copied, none here); the IT admin sees nothing of it.
"""

from tests.matrix import POST_ONLY, statuses

READ_LIST = statuses(302, 403, 403, 200, 200, 403, 200)
READ = statuses(302, 403, 403, 200, 200, 403, 404)
RECORD_PAGE = statuses(302, 403, 403, 403, 403, 403, 403)
RECORD_ON = statuses(302, 403, 403, 403, 403, 403, 404)
MANAGE = statuses(302, 403, 403, 403, 200, 403, 403)

ROWS = [
    ("medical:overview", (), READ_LIST),
    ("medical:pupil_picker", (), RECORD_PAGE),
    ("medical:pupil_record", ("pupil",), READ),
    ("medical:condition_list", (), READ_LIST),
    ("medical:condition_create", (), RECORD_PAGE),
    ("medical:condition_detail", ("condition",), READ),
    ("medical:condition_edit", ("condition",), RECORD_ON),
    ("medical:condition_void", ("condition",), POST_ONLY),
    ("medical:condition_type_list", (), MANAGE),
    ("medical:condition_type_create", (), MANAGE),
    ("medical:condition_type_edit", ("condition_type",), MANAGE),
    # Teachers and pastoral staff read the plans they support or were copied (the list shows only those).
    ("medical:plan_list", (), statuses(302, 200, 200, 200, 200, 403, 200)),
    ("medical:plan_create", (), RECORD_PAGE),
    ("medical:plan_detail", ("health_plan",), statuses(302, 403, 200, 200, 200, 403, 404)),
    ("medical:plan_edit", ("health_plan",), RECORD_ON),
    ("medical:plan_review", ("health_plan",), POST_ONLY),
    ("medical:plan_version", ("health_plan", "version"), statuses(302, 403, 200, 200, 200, 403, 404)),
    ("medical:agreement_list", (), READ_LIST),
    ("medical:agreement_create", (), RECORD_PAGE),
    ("medical:agreement_detail", ("agreement",), READ),
    ("medical:agreement_stock", ("agreement",), POST_ONLY),
    ("medical:agreement_end", ("agreement",), POST_ONLY),
    ("medical:dose_create", ("agreement",), RECORD_ON),
    ("medical:round_record", ("agreement",), POST_ONLY),
    ("medical:dose_list", (), READ_LIST),
    ("medical:dose_detail", ("dose",), READ),
    ("medical:dose_parents_told", ("dose",), POST_ONLY),
    ("medical:round", (), RECORD_PAGE),
    ("medical:kit", (), READ_LIST),
    ("medical:kit_consent_create", (), RECORD_PAGE),
    ("medical:kit_use_create", (), RECORD_PAGE),
    ("medical:kit_consent_withdraw", ("consent",), POST_ONLY),
    ("medical:accident_list", (), READ_LIST),
    ("medical:accident_create", (), RECORD_PAGE),
    ("medical:accident_trends", (), READ_LIST),
    ("medical:accident_detail", ("accident",), READ),
    ("medical:accident_informed", ("accident",), POST_ONLY),
    ("medical:accident_riddor", ("accident",), POST_ONLY),
    ("medical:accident_void", ("accident",), POST_ONLY),
    ("medical:emergency_card", (), READ_LIST),
    ("medical:register", (), READ_LIST),
]

KWARG_NAMES = {
    "condition": "code",
    "condition_type": "code",
    "health_plan": "code",
    "version": "version",
    "agreement": "code",
    "dose": "code",
    "accident": "code",
    "consent": "code",
}


def build(objects, request):
    from conftest import make_staff
    from medical.conditions.selectors import condition_types_for
    from medical.medication.services import dose_record, kit_consent_record
    from medical.plans.services import plan_change
    from medical.tests.factories import AccidentFactory, AgreementFactory, ConditionFactory, PlanFactory
    from pastoral.accounts.roles import Role

    school, pupil = objects["school"], objects["pupil"]
    medic = make_staff(school, Role.MEDICAL_LEAD, "matrixmedic")
    condition = ConditionFactory(pupil=pupil, recorded_by=medic)
    plan = PlanFactory(pupil=pupil, recorded_by=medic)
    plan.copied_to.add(request.getfixturevalue("pastoral_staff"))
    plan_change(actor=medic, plan=plan, symptoms="Wheeze")
    agreement = AgreementFactory(pupil=pupil, recorded_by=medic)
    dose = dose_record(actor=medic, agreement=agreement, outcome="refused", reason="Would not take it")
    accident = AccidentFactory(pupil=pupil, recorded_by=medic)
    consent = kit_consent_record(
        actor=medic, school=school, pupil=pupil, kit="salbutamol", consent_on=agreement.agreed_on, parent_name="Mum"
    )
    return {
        "consent": consent.code,
        "accident": accident.code,
        "agreement": agreement.code,
        "dose": dose.code,
        "condition": condition.code,
        "condition_type": condition_types_for(school).first().code,
        "health_plan": plan.code,
        "version": 1,
    }
