"""Per-record PDFs (a physical intervention, a suspension letter pack) and the interventions/training CSVs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from behaviour.interventions.exports import LIST_COLUMNS, TRAINING_COLUMNS
from behaviour.models import Suspension, SuspensionNotification
from pastoral.dates import uk_date
from pastoral.models import AuditEntry, GeneratedFile
from pastoral.tests.export_helpers import ask, export_csv, export_pdf_text, latest

from .interventions_helpers import make_intervention, make_training
from .test_suspensions import autumn, calendar, codes, draft, finalised, reason_codes  # noqa: F401


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_intervention_record_pdf_holds_the_record(client, as_user, dsl, teacher, school, pupil, capture):
    record = make_intervention(school, pupil, teacher, rationale="To stop another pupil being hurt")
    as_user(dsl)
    page = client.get(reverse("behaviour:intervention_detail", args=[record.code])).content.decode()
    assert 'value="behaviour.intervention_pdf"' in page
    text = export_pdf_text(client, capture, dsl, "behaviour.intervention_pdf", intervention=record.code)
    assert "Restrictive intervention record" in text and "OFFICIAL-SENSITIVE" in text
    assert pupil.display_name in text and "To stop another pupil being hurt" in text
    assert "Ran at another pupil with a raised fist" in text and "Awaiting sign-off" in text
    assert AuditEntry.objects.filter(action="behaviour.intervention.pdf_exported", actor=dsl).exists()


def test_the_intervention_pdf_is_refused_outside_the_school_and_to_staff_not_involved(
    client, as_user, teacher, pastoral_staff, other_school_dsl, school, pupil, capture
):
    record = make_intervention(school, pupil, teacher)
    as_user(other_school_dsl)
    assert ask(client, capture, "behaviour.intervention_pdf", intervention=record.code).status_code == 404
    as_user(pastoral_staff)  # records interventions, but was not named on this one
    assert ask(client, capture, "behaviour.intervention_pdf", intervention=record.code).status_code == 403
    assert not GeneratedFile.objects.exists()


def test_a_record_voided_after_the_request_is_refused_at_build_time(client, as_user, teacher, school, pupil, capture):
    record = make_intervention(school, pupil, teacher)
    as_user(teacher)
    # The file is asked for, then the record is voided before the worker runs: the worker refuses it.
    with capture(execute=False) as callbacks:
        client.post(
            reverse("pastoral:export_request"),
            {"kind": "behaviour.intervention_pdf", "query": f"intervention={record.code}"},
        )
    type(record).objects.filter(pk=record.pk).update(voided_at=timezone.now(), void_reason="Duplicate")
    for callback in callbacks:
        callback()
    generated_file = latest(teacher, "behaviour.intervention_pdf")
    assert generated_file.status == "failed" and "no longer see" in generated_file.error


def test_the_interventions_list_csv_follows_the_tab_and_the_viewer(
    client, as_user, dsl, teacher, pastoral_staff, school, pupil, other_school_pupil, capture
):
    told = make_intervention(school, pupil, teacher, parent_reported_at=timezone.now(), parent_reported_by=teacher)
    make_intervention(school, pupil, pastoral_staff)
    make_intervention(other_school_pupil.school, other_school_pupil, pastoral_staff)
    as_user(dsl)
    rows = export_csv(client, capture, dsl, "behaviour.interventions_csv")
    assert rows[0] == LIST_COLUMNS and len(rows) == 3
    rows = export_csv(client, capture, dsl, "behaviour.interventions_csv", "show=parents")
    assert len(rows) == 2 and rows[1][7] == "Outstanding"
    as_user(teacher)  # staff see only the records they made or were named in
    rows = export_csv(client, capture, teacher, "behaviour.interventions_csv")
    assert len(rows) == 2 and rows[1][7].startswith("Told ")
    assert told.pupil.display_name == rows[1][3]


def test_the_training_csv_lists_the_schools_records_for_leads(
    client, as_user, headteacher, teacher, pastoral_staff, school, capture
):
    today = timezone.localdate()
    make_training(school, teacher, headteacher, completed_on=today, expires_on=today + datetime.timedelta(days=300))
    make_training(
        school,
        pastoral_staff,
        headteacher,
        completed_on=today - datetime.timedelta(days=800),
        expires_on=today - datetime.timedelta(days=5),
    )
    as_user(headteacher)
    rows = export_csv(client, capture, headteacher, "behaviour.training_csv")
    assert rows[0] == TRAINING_COLUMNS and len(rows) == 3
    assert sorted(row[5] for row in rows[1:]) == ["No", "Yes"]
    as_user(teacher)
    assert ask(client, capture, "behaviour.training_csv").status_code == 403


def test_the_suspension_letter_has_the_statutory_content(
    client,
    as_user,
    headteacher,
    dsl,
    pupil,
    autumn,  # noqa: F811
    capture,
):
    suspension = finalised(
        headteacher,
        pupil,
        autumn[0],
        14,
        work_set="Maths and English packs on the learning platform",
        provision="Half days at the inclusion centre",
        provision_by="Mrs Patel",
    )
    SuspensionNotification.objects.create(
        suspension=suspension,
        recipient="parents",
        recipient_name="Mrs Ainsworth",
        notified_at=timezone.now(),
        method="phone",
        recorded_by=dsl,
    )
    as_user(dsl)
    page = client.get(reverse("behaviour:suspension_detail", args=[suspension.code])).content.decode()
    assert 'value="behaviour.suspension_letter_pdf"' in page
    text = export_pdf_text(client, capture, dsl, "behaviour.suspension_letter_pdf", suspension=suspension.code)
    for expected in [
        "Suspension letter pack",
        "OFFICIAL-SENSITIVE",
        "for 7 school days",
        "Thu 3 Sep, Fri 4 Sep, Mon 7 Sep, Tue 8 Sep, Wed 9 Sep",
        "Persistent or general disruptive behaviour",
        "Repeated disruption",
        "Days 1 to 5",
        "Maths and English packs",
        "From day 6",
        "Half days at the inclusion centre",
        "not present in a public place during school hours",
        "representations to the governing board",
        "Clerk to the Governing Board",
        "remotely",
        "Impartial advice",
        "Coram Children's Legal Centre",
        "Notification record",
        "Mrs Ainsworth",
        "Local authority",
    ]:
        assert expected in text, expected
    assert uk_date(autumn[0]) in text and "DRAFT" not in text
    assert "independent review" not in text
    assert AuditEntry.objects.filter(action="behaviour.suspension.letter_exported", actor=dsl).exists()


def test_the_permanent_exclusion_letter(client, as_user, headteacher, pupil, autumn, capture):  # noqa: F811
    suspension = finalised(headteacher, pupil, autumn[2], None, kind=Suspension.Kind.PERMANENT, reasons=codes("PA"))
    as_user(headteacher)
    text = export_pdf_text(client, capture, headteacher, "behaviour.suspension_letter_pdf", suspension=suspension.code)
    assert "Permanent exclusion letter pack" in text and "permanently exclude" in text
    assert "Physical assault against an adult" in text
    assert "must meet to consider whether" in text and "independent review" in text
    assert "local authority" in text and "not present in a public place" in text


def test_a_short_draft_letter_is_marked_and_the_letter_is_refused_when_voided(
    client,
    as_user,
    dsl,
    pupil,
    autumn,  # noqa: F811
    capture,
):
    suspension = draft(dsl, pupil, autumn[0], 4)
    as_user(dsl)
    text = export_pdf_text(client, capture, dsl, "behaviour.suspension_letter_pdf", suspension=suspension.code)
    assert "DRAFT" in text and "cannot direct" in text and "no provision from day 6 is needed" in text
    Suspension.objects.filter(pk=suspension.pk).update(voided_at=timezone.now(), void_reason="Wrong")
    assert ask(client, capture, "behaviour.suspension_letter_pdf", suspension=suspension.code).status_code == 403


def test_the_letter_is_for_those_who_record_suspensions(client, as_user, pastoral_staff, dsl, pupil, autumn, capture):  # noqa: F811
    suspension = draft(dsl, pupil, autumn[0], 4)
    as_user(pastoral_staff)
    assert ask(client, capture, "behaviour.suspension_letter_pdf", suspension=suspension.code).status_code == 403


def test_a_scheduled_oversight_csv_covers_its_period(dsl, teacher, school, pupil):
    from pastoral.files import exports

    today = timezone.localdate()
    make_intervention(school, pupil, teacher, occurred_on=today - datetime.timedelta(days=3))
    make_intervention(school, pupil, teacher, occurred_on=today - datetime.timedelta(days=40))
    generated_file = GeneratedFile.objects.create(
        owner=dsl,
        school=school,
        kind="behaviour.interventions_oversight_csv",
        parameters={
            "period_start": (today - datetime.timedelta(days=7)).isoformat(),
            "period_end": today.isoformat(),
        },
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    assert exports.generate(generated_file.pk) == "done"
    generated_file.refresh_from_db()
    lines = exports.read_stored(generated_file).decode().splitlines()
    assert len(lines) == 2 and generated_file.filename.startswith(
        f"physical-interventions-{today - datetime.timedelta(days=7)}"
    )
