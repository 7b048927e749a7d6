"""A behaviour rule firing in a real browser: a late logged on the quick log reaches the rule, the outbox runs the
check, the keyworker sees the alert on their home page and downloads the letter home, whose text names the pupil
and the events, and records it as sent."""

import datetime
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from behaviour.models import BehaviourRule, BehaviourRuleHit, LetterTemplate
from behaviour.rules.services import EVALUATE_TASK
from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import make_staff, verified_client
from pastoral import outbox
from pastoral.accounts.roles import Role
from pastoral.models import OutboxMessage
from pastoral.tests.factories import PupilFactory, SchoolFactory
from pastoral.tests.pdftext import pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def signed_in(page, live_server, user):
    client = verified_client(Client(), user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_a_late_on_the_quick_log_reaches_a_rule_and_the_letter_home_names_the_pupil_and_the_events(
    live_server, page, transactional_db
):
    school = SchoolFactory(name="Northfield Academy")
    tutor = make_staff(school, Role.TEACHER, "tutor")
    make_staff(school, Role.PASTORAL_LEAD, "lead")
    late = BehaviourCategoryFactory(school=school, name="Lateness to lesson", points=1)
    pupil = PupilFactory(school=school, legal_first_name="Zoë", legal_last_name="Ainsworth", keyworker=tutor)
    template = LetterTemplate.objects.create(
        school=school,
        name="Lateness",
        subject="{{ pupil_name }}: lateness to lessons",
        body="Dear parent or carer,\n\n{{ pupil_name }} has been late {{ event_count }} times:\n\n{{ events }}",
    )
    rule = BehaviourRule.objects.create(
        school=school,
        name="Three lates in a week",
        active=True,
        threshold=3,
        period_days=7,
        notify_keyworker=True,
        letter_template=template,
    )
    rule.categories.set([late])
    now = timezone.now()
    for hours in (26, 2):
        BehaviourEventFactory(
            pupil=pupil, category=late, recorded_by=tutor, occurred_at=now - datetime.timedelta(hours=hours)
        )

    signed_in(page, live_server, tutor)
    page.goto(live_server.url + reverse("behaviour:quick_log"))
    page.wait_for_function("() => window.htmx !== undefined")
    finder = page.get_by_role("combobox", name=re.compile("^Pupils"))
    finder.press_sequentially("ainsw")
    page.locator("#id_pupils-results [role=option]", has_text="Zoë Ainsworth").click()
    page.get_by_label(re.compile("Lateness to lesson")).check()
    page.get_by_label("What happened").fill("Arrived ten minutes after the bell")
    page.get_by_role("button", name="Log it").click()
    expect(page.get_by_role("alert").or_(page.get_by_role("status")).first).to_be_visible()

    # The check ran from the outbox after the commit (in-process here); delivering again does nothing more.
    message = OutboxMessage.objects.get(task_name=EVALUATE_TASK)
    if message.done_at is None:
        outbox.deliver(message.pk)
        message.refresh_from_db()
    assert message.done_at is not None and outbox.deliver(message.pk) == "already handled"
    hit = BehaviourRuleHit.objects.get()
    assert hit.pupil == pupil and hit.events.count() == 3

    page.goto(live_server.url + reverse("pastoral:home"))
    panel = page.get_by_role("region", name="Behaviour rule alerts")
    expect(panel).to_contain_text("Three lates in a week")
    panel.get_by_role("link", name="Zoë Ainsworth").click()
    expect(page.get_by_role("heading", name=re.compile("Three lates in a week: Zoë Ainsworth"))).to_be_visible()
    page.get_by_role("button", name="Letter (PDF) to print or send").click()
    expect(page).to_have_url(live_server.url + reverse("pastoral:export_list"))
    row = page.get_by_role("row", name="Behaviour letter home (PDF)")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="Download").click()
    text = " ".join(pdf_text(download_info.value.path().read_bytes()).split())
    assert "Zoë Ainsworth: lateness to lessons" in text and "Zoë Ainsworth has been late 3 times" in text
    assert text.count("Lateness to lesson") >= 3

    page.goto(live_server.url + reverse("behaviour:rule_hit_detail", args=[hit.code]))
    page.get_by_label("Sent how").select_option("post")
    page.get_by_role("button", name="Record that the letter was sent").click()
    expect(page.get_by_text("Recorded that the letter was sent.")).to_be_visible()
    page.goto(live_server.url + reverse("pastoral:pupil_detail", args=[pupil.code]))
    expect(page.locator("ol.chronology")).to_contain_text("Letter home sent (post)")
