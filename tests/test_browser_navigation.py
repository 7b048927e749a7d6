"""The header in a real browser: one line at 1366 px for the people who see the most, a one-tap quick log from
any page, and menus that open by keyboard."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.tests.factories import MembershipFactory, PupilFactory, SchoolFactory

pytestmark = pytest.mark.browser


def signed_in(page, live_server, user):
    client = verified_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_the_header_stays_on_one_line_and_the_quick_log_is_one_tap_away(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    sister = SchoolFactory(name="Riverside Primary", trust=school.trust)
    PupilFactory(school=school)
    # A head who is also the DSL and works in two schools sees every menu, the switcher and "Raise a concern".
    head = make_staff(school, Role.HEADTEACHER, "head")
    MembershipFactory(user=head, school=school, trust=school.trust, role=Role.DSL)
    MembershipFactory(user=head, school=sister, trust=school.trust, role=Role.HEADTEACHER)
    # And the medical lead's menu, the longest bar a member of staff can have.
    MembershipFactory(user=head, school=school, trust=school.trust, role=Role.MEDICAL_LEAD)
    page.set_viewport_size({"width": 1366, "height": 768})
    signed_in(page, live_server, head)
    page.goto(live_server.url + reverse("pastoral:pupil_list"))

    header = page.locator("header").bounding_box()
    assert header["height"] < 100, header  # one row of 44 px touch targets; a second row would pass 120
    # No label folds onto a second line inside the row either.
    for locator in (page.get_by_role("link", name="Log", exact=True), page.get_by_role("link", name="Raise a concern")):
        box = locator.bounding_box()
        assert box["height"] < 50, box
    # And nothing is pushed off the right edge.
    account = page.get_by_role("button", name="Head Tester").bounding_box()
    assert account["x"] + account["width"] <= 1366, account
    first = page.get_by_role("link", name="Pupils", exact=True).bounding_box()
    for locator in (
        page.get_by_role("link", name="Raise a concern"),
        page.get_by_role("searchbox", name="Find a pupil by name or UPN"),
        page.get_by_role("button", name="Head Tester"),
    ):
        box = locator.bounding_box()
        assert abs((box["y"] + box["height"] / 2) - (first["y"] + first["height"] / 2)) < 12, box
    for name in ("Behaviour", "Support", "School"):
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    for name in ("Pupils", "Attendance", "Medical", "Safeguarding", "Raise a concern"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()

    # Menus open from the keyboard.
    page.get_by_role("button", name="Behaviour", exact=True).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Analytics")).to_be_visible()
    page.keyboard.press("Escape")

    # The school switcher lives in the account menu.
    page.get_by_role("button", name="Head Tester").click()
    expect(page.get_by_label("School", exact=True)).to_be_visible()
    page.keyboard.press("Escape")

    # One tap from any page to the quick log, and Alt+L does the same.
    page.get_by_role("link", name="Log", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("behaviour:quick_log"))
    page.goto(live_server.url + reverse("pastoral:pupil_list"))
    page.keyboard.press("Alt+L")
    expect(page).to_have_url(live_server.url + reverse("behaviour:quick_log"))
