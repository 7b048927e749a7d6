"""Break-glass in the browser: a headteacher opens a pupil's keywork notes they are not on the access list of, giving a
reason, and reads them; the DSL sees the notice on their home page and reviews the opening in the list."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import BreakGlassAccess
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision.keywork import services
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser

REASON = "Police are here about a missing child; the keyworker and the DSL cannot be reached."


def _sign_in(page, live_server, user):
    sign_in_with_password(page, live_server, user.username)
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=user)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=f"Hello {user.first_name}")).to_be_visible()


def test_a_head_opens_keywork_notes_in_an_emergency_and_the_dsl_reviews_it(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    head = make_staff(school, Role.HEADTEACHER, "head")
    dsl = make_staff(school, Role.DSL, "dsl")
    keyworker = make_staff(school, Role.PASTORAL_STAFF, "keyworker")
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    services.assignment_create(actor=dsl, pupil=pupil, keyworker=keyworker)
    services.session_log(
        actor=keyworker,
        pupil=pupil,
        held_on=timezone.localdate(),
        minutes=20,
        kind="planned",
        discussion="Said she might stay at her cousin's in Leeds",
    )

    _sign_in(page, live_server, head)
    page.goto(live_server.url + reverse("provision:keywork_pupil", args=[pupil.code]))
    expect(page.get_by_role("heading", name="You do not have permission to do that")).to_be_visible()
    expect(page.get_by_text("Said she might stay")).to_have_count(0)
    page.get_by_role("link", name="Open in an emergency").click()

    expect(page.get_by_role("heading", name="Open in an emergency")).to_be_visible()
    page.get_by_label("Why must you open this record now?").fill(REASON)
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_text(re.compile("Opened in an emergency for 60 minutes"))).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions and check-ins")).to_be_visible()
    page.get_by_role("link", name=timezone.localdate().strftime("%-d %b %Y")).click()
    expect(page.get_by_text("Said she might stay at her cousin's in Leeds")).to_be_visible()
    assert BreakGlassAccess.objects.get().user == head

    page.context.clear_cookies()
    _sign_in(page, live_server, dsl)
    expect(page.get_by_text("1 emergency opening of records to review.")).to_be_visible()
    page.get_by_role("link", name="Review emergency openings").click()
    expect(page.get_by_role("heading", name="Emergency openings (break-glass)")).to_be_visible()
    expect(page.get_by_text(REASON)).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Head Tester"))).to_be_visible()
    page.get_by_label("Review note").fill("Spoke to the head: the police visit was real.")
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("Marked as reviewed.")).to_be_visible()
    use = BreakGlassAccess.objects.get()
    assert use.reviewed_by == dsl and use.review_note.startswith("Spoke to the head")
