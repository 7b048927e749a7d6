"""The demo seeder: every kind in every state, overdue reviews, outstanding read-receipts and fewer incidents."""

import random

from django.utils import timezone

from behaviour.tests.factories import BehaviourCategoryFactory
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory
from provision.plans import evidence, selectors
from provision.plans.demo import seed_plans
from provision.plans.kinds import Kind
from provision.plans.models import SupportPlan


def test_the_demo_seeds_every_kind_and_state(school, pastoral_lead, teacher):
    BehaviourCategoryFactory(school=school)
    pupils = [PupilFactory(school=school) for _ in range(14)]

    seed_plans(school, {Role.PASTORAL_LEAD: [pastoral_lead], Role.TEACHER: [teacher]}, pupils, random.Random(1), None)

    plans = SupportPlan.objects.filter(school=school)
    assert {kind for kind in plans.values_list("kind", flat=True)} >= {k.value for k in Kind if k != Kind.REINTEGRATION}
    assert set(plans.values_list("status", flat=True)) == set(SupportPlan.Status.values)
    assert plans.filter(status__in=SupportPlan.IN_FORCE, review_date__lt=timezone.localdate()).count() >= 3
    assert any(selectors.outstanding_readers(plan).exists() for plan in plans.filter(shares__isnull=False))
    bsp = plans.filter(kind=Kind.BSP, status=SupportPlan.Status.ACTIVE).get()
    negative = evidence.evidence_for(pastoral_lead, bsp)["lines"][0]
    assert negative.since < negative.before
