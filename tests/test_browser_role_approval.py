"""A headteacher finds a DSL role waiting on the home page and declines it, keyboard only."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import make_staff
from pastoral import services
from pastoral.accounts.roles import Role
from pastoral.tests.factories import SchoolFactory, UserFactory
from tests.test_browser_safeguarding import sign_in

pytestmark = pytest.mark.browser


def test_a_headteacher_declines_a_dsl_role_an_it_admin_granted(live_server, browser, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    it_admin = make_staff(school, Role.IT_ADMIN, "itadmin")
    make_staff(school, Role.HEADTEACHER, "head")
    stranger = UserFactory(username="eve", first_name="Eve", last_name="Stranger", email="eve@attacker.test")
    membership = services.membership_grant(actor=it_admin, user=stranger, school=school, role=Role.DSL)

    page = browser.new_page()
    sign_in(page, live_server, "head")
    expect(page.get_by_role("heading", name="Roles awaiting your approval")).to_be_visible()
    page.get_by_role("link", name="Review roles awaiting approval").click()
    expect(page.get_by_text("eve@attacker.test")).to_be_visible()

    decline = page.get_by_role("button", name="Decline Designated safeguarding lead for Eve Stranger")
    decline.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Give a reason for declining.")).to_be_visible()
    reason = page.get_by_label("Reason")
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Not known to the school")
    reason.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Declined: Eve Stranger will not be Designated safeguarding lead.")).to_be_visible()
    expect(page.get_by_text("Nothing is waiting for your approval.")).to_be_visible()
    membership.refresh_from_db()
    assert membership.ends_on is not None and membership.approved_at is None
    assert page.url == live_server.url + reverse("pastoral:role_approvals")
