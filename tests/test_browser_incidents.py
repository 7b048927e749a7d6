"""Incident detail in a real browser: from the event page, through a failed submit, to an attached photo."""

import io
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect

from behaviour.models import Incident, IncidentAttachment
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff
from pastoral.accounts.roles import Role
from tests.test_browser import CODE_LABEL, cast, current_code, sign_in_with_password  # noqa: F401

pytestmark = pytest.mark.browser


def test_pastoral_staff_add_incident_detail_and_a_photo(live_server, page, cast):  # noqa: F811
    fighting = BehaviourCategoryFactory(school=cast.school, name="Fighting", kind="negative", points=5)
    staff = make_staff(cast.school, Role.PASTORAL_STAFF, "pastoral")
    event = BehaviourEventFactory(pupil=cast.zoe, category=fighting, recorded_by=staff)
    sign_in_with_password(page, live_server, "pastoral")
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=staff)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Hello Pastoral")).to_be_visible()

    page.goto(live_server.url + reverse("behaviour:event_detail", args=[event.code]))
    page.get_by_role("link", name="Add incident detail").click()
    page.get_by_label("What happened before (antecedent)").fill("Pushed in the lunch queue")
    page.get_by_label("The behaviour").fill("Punched the other pupil twice")
    page.get_by_label("Yes").check()
    page.get_by_label("Someone was injured").check()
    page.get_by_role("button", name="Record incident detail").click()

    # The injuries need describing; everything typed is still there, and the summary leads to the field.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Describe the injuries.")
    expect(page.get_by_label("The behaviour")).to_have_value("Punched the other pupil twice")
    expect(page.get_by_label("Someone was injured")).to_be_checked()
    summary.get_by_role("link", name="Injuries: Describe the injuries.").click()
    expect(page.get_by_label("Injuries", exact=True)).to_be_focused()
    page.keyboard.type("Bruised arm; ice pack")
    page.get_by_role("button", name="Record incident detail").click()

    expect(page.get_by_role("heading", name=re.compile(" — Incident — "))).to_be_visible()
    incident = Incident.objects.get()
    assert incident.injury_details == "Bruised arm; ice pack" and incident.dysregulated == "yes"

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "purple").save(buffer, "PNG")
    page.get_by_text("Attach a photo or PDF").click()
    page.get_by_label("Photo or PDF").set_input_files(
        files=[{"name": "arm.png", "mimeType": "image/png", "buffer": buffer.getvalue()}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="arm.png")).to_be_visible()
    assert IncidentAttachment.objects.get().kind == "image/png"
