"""A My Star reading in a real browser: pastoral staff open the pupil's outcome measures from the profile's card,
record a reading at a tablet's size, and the chart and change table show the change from the baseline."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.tests.factories import PupilFactory, SchoolFactory
from provision.outcomes import services
from provision.outcomes.models import StarReading
from provision.tests.outcome_factories import AREAS
from tests.test_browser import CODE_LABEL, current_code, sign_in_with_password

pytestmark = pytest.mark.browser


def test_a_my_star_reading_shows_the_change_from_the_baseline(live_server, page, transactional_db):
    school = SchoolFactory(name="Northfield Academy")
    worker = make_staff(school, Role.PASTORAL_STAFF, "pso")
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth")
    services.star_reading_record(
        actor=worker,
        pupil=pupil,
        star="my_star",
        edition="1",
        taken_on=timezone.localdate() - datetime.timedelta(days=84),
        completed_with="collaborative",
        scores=dict.fromkeys(AREAS, 2),
    )
    page.set_viewport_size({"width": 820, "height": 1180})

    sign_in_with_password(page, live_server, worker.username)
    page.get_by_label(CODE_LABEL).fill(current_code(TOTPDevice.objects.get(user=worker)))
    page.get_by_role("button", name="Continue").click()
    page.goto(live_server.url + reverse("pastoral:pupil_detail", args=[pupil.code]))
    page.get_by_role("link", name="Outcome measures", exact=True).click()
    expect(page.get_by_text("One reading so far")).to_be_visible()
    page.get_by_role("link", name="Record a Star reading").click()
    page.get_by_role("link", name="My Star, first edition").click()
    page.get_by_label("Collaboratively with the pupil").check()
    page.get_by_label("Physical health: score").fill("9")
    for label in ("Where you live", "Being safe", "Relationships", "Feelings and behaviour", "Friends"):
        page.get_by_label(f"{label}: score").fill("2")
    page.get_by_label("Confidence and self-esteem: score").fill("3")
    page.get_by_label("Education and learning: score").fill("2")
    page.get_by_label("Confidence and self-esteem: note").fill("Spoke up in class this week")
    page.get_by_role("button", name="Record the reading").click()

    # Out of range: refused beside the field, what was typed kept.
    expect(page.get_by_text("Physical health: the score must be a whole number from 1 to 5.").first).to_be_visible()
    expect(page.get_by_label("Confidence and self-esteem: note")).to_have_value("Spoke up in class this week")
    page.get_by_label("Physical health: score").fill("4")
    page.get_by_role("button", name="Record the reading").click()

    expect(page.get_by_text("Star reading recorded.")).to_be_visible()
    expect(page.get_by_text("Moved forward in 2 areas")).to_be_visible()
    expect(page.locator(".chart-svg svg")).to_have_count(1)
    changes = page.locator("table.star-change")
    expect(changes.locator("tr", has_text="Physical health")).to_contain_text("+2")
    expect(changes.locator("tr", has_text="Confidence and self-esteem")).to_contain_text("+1")
    page.get_by_text("as a table").first.click()
    expect(page.locator("figure table")).to_contain_text("Physical health")
    assert StarReading.objects.filter(pupil=pupil).count() == 2
