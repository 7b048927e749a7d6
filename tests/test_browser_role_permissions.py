"""A school fits a role: the headteacher gives Pastoral staff behaviour analytics, a DSL approves, the pastoral
staff member then opens analytics (403 before), and the audit log tells the story in sentences."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import RolePermissionChange
from pastoral.tests.factories import SchoolFactory
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser

CHANGE = "Pastoral staff gains “See behaviour analytics (trends, heat maps)”"


def test_a_headteacher_gives_pastoral_staff_analytics_and_a_dsl_approves(live_server, browser, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    make_staff(school, Role.HEADTEACHER, "head")
    make_staff(school, Role.DSL, "dsl")
    make_staff(school, Role.PASTORAL_STAFF, "pastoral")
    analytics = live_server.url + reverse("behaviour:analytics")

    staff = browser.new_page()
    sign_in(staff, live_server, "pastoral")
    assert staff.goto(analytics).status == 403

    head = browser.new_page()
    sign_in(head, live_server, "head")
    head.goto(live_server.url + reverse("pastoral:staff_list"))
    head.get_by_role("link", name="What each role may do").click()
    box = head.get_by_role("checkbox", name="Pastoral staff: See behaviour analytics (trends, heat maps)")
    expect(box).not_to_be_checked()
    box.check()
    head.get_by_role("button", name="Save changes").click()
    expect(head.get_by_text("1 permission to add: each waits until another headteacher or DSL")).to_be_visible()
    expect(box).to_be_disabled()
    expect(head.get_by_role("listitem").filter(has_text=CHANGE)).to_contain_text("asked by")
    # Saving again changes nothing while it waits, and the asker cannot approve it.
    head.get_by_role("button", name="Save changes").click()
    expect(head.get_by_text("Nothing was changed.")).to_be_visible()
    assert RolePermissionChange.objects.count() == 1
    assert staff.goto(analytics).status == 403

    approver = browser.new_page()
    sign_in(approver, live_server, "dsl")
    expect(approver.get_by_text("1 change to what a role may do awaiting approval.")).to_be_visible()
    approver.get_by_role("link", name="Review roles awaiting approval").click()
    approver.get_by_role("button", name=f"Approve {CHANGE}").click()
    expect(approver.get_by_text(f"Approved: {CHANGE}.")).to_be_visible()

    assert staff.goto(analytics).status == 200
    expect(staff.get_by_role("heading", name="Behaviour analytics at Northfield Academy")).to_be_visible()

    approver.goto(live_server.url + reverse("pastoral:audit_log"))
    approved = approver.get_by_role("row").filter(has_text="approved a change to what a role may do")
    expect(approved).to_contain_text(CHANGE)
    asked = approver.get_by_role("row").filter(has_text="asked to change what a role may do (awaiting approval)")
    expect(asked).to_contain_text(CHANGE)
    head.close()
    approver.close()
    staff.close()
