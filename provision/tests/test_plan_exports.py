"""The plan PDF (marked OFFICIAL-SENSITIVE for risk information), the list CSV and the termly report section."""

import pytest

from pastoral.files.reports import sections
from pastoral.tests.export_helpers import export_csv, export_pdf_text
from provision.plans.kinds import Kind
from provision.plans.report_sections import build_plans

from .factories import make_active


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_bsp_pdf_is_official_sensitive_and_holds_the_plan(client, as_user, pastoral_lead, pupil, capture):
    plan = make_active(pastoral_lead, pupil, title="Support when work is hard")
    as_user(pastoral_lead)

    text = export_pdf_text(client, capture, pastoral_lead, "provision.plan_pdf", plan=plan.code)

    assert "OFFICIAL-SENSITIVE" in text
    assert "Support when work is hard" in text
    assert "Offer a choice of two tasks" in text


def test_a_passport_pdf_is_official_only(client, as_user, pastoral_lead, pupil, capture):
    plan = make_active(
        pastoral_lead,
        pupil,
        Kind.PASSPORT,
        content={"like_about_me": "I am funny", "important_to_me": "Dog", "how_to_support": "Warn me"},
    )
    as_user(pastoral_lead)

    text = export_pdf_text(client, capture, pastoral_lead, "provision.plan_pdf", plan=plan.code)

    assert "I am funny" in text
    assert "OFFICIAL-SENSITIVE" not in text


def test_the_list_csv_follows_the_filters(client, as_user, pastoral_lead, pupil, capture):
    make_active(pastoral_lead, pupil, title="A behaviour plan")
    as_user(pastoral_lead)

    rows = export_csv(client, capture, pastoral_lead, "provision.plans_csv", query="kind=bsp")

    assert rows[0][0] == "Pupil"
    assert [row[4] for row in rows[1:]] == ["A behaviour plan"]
    assert export_csv(client, capture, pastoral_lead, "provision.plans_csv", query="kind=risk")[1:] == []


def test_the_termly_section_counts_plans_for_a_trust_leader(pastoral_lead, trust_leader, school, pupil):
    import datetime

    from django.utils import timezone

    make_active(pastoral_lead, pupil)
    today = timezone.localdate()

    section = build_plans(trust_leader, [school], today - datetime.timedelta(days=30), today, None, None)

    assert dict(section.headlines)["Plans in place at the end of the period"] == 1
    assert "support_plans" in {spec.name for spec in sections()}
