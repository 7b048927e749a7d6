"""Detentions in a real browser: set one from a behaviour event, mark it missed, and see the escalation it sets."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from behaviour.detentions.models import Detention, DetentionSession
from behaviour.tests.detention_helpers import make_session, make_type
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from tests.test_browser import CODE_LABEL, cast, current_code, sign_in_with_password  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_detention_set_from_an_event_is_missed_and_escalates(live_server, page, cast):  # noqa: F811
    school = cast.school
    staff = make_staff(school, Role.PASTORAL_STAFF, "pastoral")
    defiance = BehaviourCategoryFactory(school=school, name="Defiance", kind="negative", points=3)
    event = BehaviourEventFactory(pupil=cast.zoe, category=defiance, recorded_by=staff)
    longer = make_type(school, name="Head of year detention", duration_minutes=90, run_by=staff)
    lunch = make_type(
        school,
        name="Lunch detention",
        kind="lunch",
        start_time=datetime.time(12, 30),
        duration_minutes=30,
        run_by=staff,
        escalate_to=longer,
        notify_pastoral_lead=True,
    )
    session = make_session(lunch, timezone.localdate() + datetime.timedelta(days=2))
    later = make_session(longer, timezone.localdate() + datetime.timedelta(days=4))

    sign_in_with_password(page, live_server, "pastoral")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=staff)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Pastoral")).to_be_visible()

    page.goto(live_server.url + reverse("behaviour:event_detail", args=[event.code]))
    page.get_by_role("link", name="Set a detention").click()
    expect(page.get_by_role("heading", name="Set a detention")).to_be_visible()
    page.get_by_label("Session").select_option(str(session.pk))
    page.get_by_role("button", name="Set detention").click()
    expect(page.get_by_text("Detention set.")).to_be_visible()
    detention = Detention.objects.get()
    assert detention.event == event and detention.session == session

    # The session comes round (moved to yesterday here), and the pupil does not turn up.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DetentionSession.objects.filter(pk=session.pk).update(date=yesterday)
    Detention.objects.filter(pk=detention.pk).update(
        starts_at=timezone.make_aware(datetime.datetime.combine(yesterday, session.start_time))
    )
    page.goto(live_server.url + reverse("behaviour:detention_session", args=[session.code]))
    page.get_by_role("row", name="Zoë Ainsworth").get_by_role("button", name="Missed").click()
    expect(page.get_by_role("status")).to_contain_text("Zoë Ainsworth: missed. Set Head of year detention on")
    expect(page.get_by_role("row", name="Zoë Ainsworth")).to_contain_text("Missed")
    escalated = Detention.objects.get(escalated_from=detention)
    assert escalated.session == later and escalated.status == "set"

    page.goto(live_server.url + reverse("behaviour:detention_detail", args=[detention.code]))
    expect(page.locator("#detention-status")).to_contain_text("Missed")
    page.get_by_role("link", name=f"{later}").click()
    expect(page.get_by_role("heading", name="Detention")).to_contain_text("Zoë Ainsworth")
