"""Safeguarding exports: the concern and referral lists without disclosure text, and the CP file pack."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.models import AuditEntry, GeneratedFile, Membership
from pastoral.tests.export_helpers import ask, export_csv, latest
from safeguarding import services
from safeguarding.exports import CONCERN_COLUMNS, REFERRAL_COLUMNS
from safeguarding.models import Concern, Referral

from .conftest import ACCOUNT, DISCLOSURE


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_concerns_csv_has_the_list_without_disclosure_text(
    client, as_user, dsl, school, pupil, make_concern, capture
):
    first = make_concern(urgent=True)
    make_concern(status=Concern.Status.CLOSED, closed_at=timezone.now())
    as_user(dsl)
    page = client.get(reverse("safeguarding:concern_list"))
    assert 'value="safeguarding.concerns_csv"' in page.content.decode()
    rows = export_csv(client, capture, dsl, "safeguarding.concerns_csv")
    assert rows[0] == CONCERN_COLUMNS and len(rows) == 3 == len(page.context["concerns"]) + 1
    assert rows[1][0] == first.reference and rows[1][3] == pupil.display_name and rows[1][5] == "Yes"
    content = str(rows)
    assert ACCOUNT not in content and DISCLOSURE not in content
    rows = export_csv(client, capture, dsl, "safeguarding.concerns_csv", "status=closed")
    assert len(rows) == 2 and rows[1][6] == "Closed"
    assert AuditEntry.objects.filter(action="safeguarding.concerns.exported", actor=dsl).count() == 2


def test_the_concerns_csv_is_for_the_dsl_team_and_never_another_schools(
    client, as_user, teacher, other_school_dsl, make_concern, capture
):
    make_concern()
    as_user(teacher)
    assert ask(client, capture, "safeguarding.concerns_csv").status_code == 403
    as_user(other_school_dsl)
    assert export_csv(client, capture, other_school_dsl, "safeguarding.concerns_csv") == [CONCERN_COLUMNS]


def test_the_referrals_csv(client, as_user, dsl, headteacher, school, pupil, concern, capture):
    Referral.objects.create(
        school=school,
        concern=concern,
        pupil=pupil,
        agency="csc",
        referred_on=timezone.localdate() - datetime.timedelta(days=10),
        reference="=CSC-123",
        follow_up_due=timezone.localdate() - datetime.timedelta(days=1),
        outcome="",
        made_by=dsl,
    )
    as_user(headteacher)
    assert 'value="safeguarding.referrals_csv"' in client.get(reverse("safeguarding:referral_list")).content.decode()
    rows = export_csv(client, capture, headteacher, "safeguarding.referrals_csv")
    assert rows[0] == REFERRAL_COLUMNS and len(rows) == 2
    assert rows[1][1:3] == [pupil.display_name, concern.reference]
    assert rows[1][4] == "'=CSC-123" and rows[1][6] == "Yes" and rows[1][7] == "Awaited"


def test_the_cp_file_pack_is_checked_when_asked_built_and_downloaded(
    client, as_user, dsl, headteacher, other_school_dsl, school, pupil, concern, capture
):
    transfer = services.transfer_create(
        actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2026, 1, 5), destination="X"
    )
    as_user(other_school_dsl)
    assert ask(client, capture, "safeguarding.cp_file_pdf", transfer=transfer.code).status_code == 404
    as_user(headteacher)  # reads concerns, but the case work (and the pack) stays with the DSL team
    assert ask(client, capture, "safeguarding.cp_file_pdf", transfer=transfer.code).status_code == 403
    assert not GeneratedFile.objects.exists()

    as_user(dsl)
    ask(client, capture, "safeguarding.cp_file_pdf", transfer=transfer.code)
    generated_file = latest(dsl, "safeguarding.cp_file_pdf")
    assert generated_file.status == "done" and generated_file.filename == f"cp-file-{pupil.upn}.pdf"
    Membership.objects.filter(user=dsl).update(role="teacher")
    assert client.get(reverse("pastoral:export_download", args=[generated_file.code])).status_code == 404
