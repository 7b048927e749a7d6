"""Reintegration plans from a finalised suspension, "reintegration plan due" on the dashboard, and a suspension
bringing the behaviour support plan's review forward."""

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.tests.test_suspensions import autumn, calendar, codes, draft, finalised, reason_codes  # noqa: F401
from provision.plans.kinds import Kind
from provision.plans.models import SupportPlan
from provision.plans.panels import reintegration_plans_due

from .factories import make_active


@pytest.fixture
def suspended(headteacher, pupil, autumn):  # noqa: F811
    today = timezone.localdate()
    start = next((day for day in autumn if day >= today), autumn[-1])
    return finalised(headteacher, pupil, start, 2)


def test_finalising_a_suspension_puts_reintegration_plan_due_on_the_leads_dashboard(
    client, as_user, headteacher, pastoral_lead, pupil, suspended
):
    assert list(reintegration_plans_due(pastoral_lead, pupil.school)) == [suspended]
    as_user(pastoral_lead)

    page = client.get(reverse("pastoral:home")).content.decode()

    assert f"Reintegration plan due: {pupil.display_name}" in page


def test_a_reintegration_plan_is_made_from_the_suspension_once(client, as_user, pastoral_lead, pupil, suspended):
    as_user(pastoral_lead)
    url = reverse("provision:plan_from_suspension", args=[suspended.code])

    response = client.post(url)
    again = client.post(url)

    plan = SupportPlan.objects.get(suspension=suspended)
    assert plan.kind == Kind.REINTEGRATION
    assert response.url == reverse("provision:plan_edit", args=[plan.code])
    assert again.url == reverse("provision:plan_detail", args=[plan.code])
    assert list(reintegration_plans_due(pastoral_lead, pupil.school)) == []
    detail = client.get(reverse("behaviour:suspension_detail", args=[suspended.code])).content.decode()
    assert reverse("provision:plan_from_suspension", args=[suspended.code]) in detail


def test_a_suspension_brings_the_bsp_review_to_today(headteacher, pastoral_lead, pupil, autumn):  # noqa: F811
    plan = make_active(pastoral_lead, pupil)
    today = timezone.localdate()
    start = next((day for day in autumn if day >= today), autumn[-1])

    finalised(headteacher, pupil, start, 1)

    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.REVIEW_DUE
    assert plan.review_date == today


def test_the_plans_panel_lists_ten_and_counts_the_rest_up_to_fifty(pastoral_lead, school):
    import datetime

    from pastoral.tests.factories import PupilFactory
    from provision.plans.panels import plans_panel

    from .factories import make_plan

    class Request:
        user = pastoral_lead

    def overdue(n):
        for _ in range(n):
            plan = make_plan(pastoral_lead, PupilFactory(school=school))
            SupportPlan.objects.filter(pk=plan.pk).update(
                status=SupportPlan.Status.ACTIVE, review_date=timezone.localdate() - datetime.timedelta(days=3)
            )

    overdue(12)
    panel = plans_panel(Request(), school)
    assert panel.context["overdue_count"] == 12
    assert len(panel.context["overdue"]) == 10
    assert panel.context["reintegration_count"] == 0 and panel.context["reintegration_due"] == []

    overdue(39)
    panel = plans_panel(Request(), school)
    assert panel.context["overdue_count"] == "50+"
    assert len(panel.context["overdue"]) == 10
