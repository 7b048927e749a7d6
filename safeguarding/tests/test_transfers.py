import datetime

import pytest
from django.urls import reverse

from pastoral.exceptions import PastoralError
from pastoral.models import AcademicYear, AuditEntry, Term
from pastoral.tests.export_helpers import export_pdf_text
from safeguarding import services
from safeguarding.models import FileTransfer, IncomingFile
from safeguarding.selectors import transfer_due_by

from .conftest import png_upload


@pytest.fixture
def calendar(school):
    year = AcademicYear.objects.create(
        school=school, name="2026/27", start=datetime.date(2026, 9, 1), end=datetime.date(2027, 8, 31)
    )
    Term.objects.create(
        academic_year=year, name="Autumn 1", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 10, 23)
    )
    Term.objects.create(
        academic_year=year, name="Autumn 2", start=datetime.date(2026, 11, 2), end=datetime.date(2026, 12, 18)
    )
    Term.objects.create(
        academic_year=year, name="Spring 1", start=datetime.date(2027, 1, 5), end=datetime.date(2027, 2, 12)
    )
    return year


def test_in_year_due_date_is_five_school_days_skipping_weekends(school, calendar):
    # Left Wednesday 9 Dec 2026: Thu 10, Fri 11, Mon 14, Tue 15, Wed 16.
    assert transfer_due_by(school, datetime.date(2026, 12, 9), "in_year") == datetime.date(2026, 12, 16)


def test_in_year_due_date_skips_the_holiday(school, calendar):
    # Left Wed 21 Oct: Thu 22, Fri 23, then half term; Mon 2 Nov, Tue 3, Wed 4.
    assert transfer_due_by(school, datetime.date(2026, 10, 21), "in_year") == datetime.date(2026, 11, 4)


def test_start_of_term_due_date_is_the_fifth_day_of_the_new_term(school, calendar):
    # Left at the end of autumn; spring starts Tue 5 Jan: 5, 6, 7, 8, Mon 11.
    assert transfer_due_by(school, datetime.date(2026, 12, 18), "new_term") == datetime.date(2027, 1, 11)


def test_without_a_calendar_every_weekday_counts(school):
    assert transfer_due_by(school, datetime.date(2026, 12, 9), "in_year") == datetime.date(2026, 12, 16)


def test_a_transfer_goes_from_overdue_to_sent_to_receipted(client, as_user, school, pupil, dsl):
    as_user(dsl)
    response = client.post(
        reverse("safeguarding:transfer_create"),
        {"pupil": pupil.code, "kind": "in_year", "leave_date": "2020-01-06", "destination": "Moor End High"},
    )
    transfer = FileTransfer.objects.get()
    assert response.status_code == 302 and transfer.due_by == datetime.date(2020, 1, 13)
    assert transfer.status == "overdue"
    assert "Overdue" in client.get(reverse("safeguarding:dashboard")).content.decode()
    client.post(reverse("safeguarding:transfer_sent", args=[transfer.code]), {"method": "secure_electronic"})
    transfer.refresh_from_db()
    assert transfer.status == "sent" and transfer.sent_by == dsl
    client.post(
        reverse("safeguarding:transfer_receipt", args=[transfer.code]),
        {"received_on": "2020-01-14", "confirmed_by": "J Patel, DSL at Moor End"},
    )
    transfer.refresh_from_db()
    assert transfer.status == "receipted"
    assert AuditEntry.objects.filter(action="safeguarding.transfer.viewed", actor=dsl).count() == 0
    client.get(reverse("safeguarding:transfer_detail", args=[transfer.code]))
    assert AuditEntry.objects.filter(action="safeguarding.transfer.viewed", actor=dsl).count() == 1


def test_receipt_cannot_come_before_sending(dsl, school, pupil):
    transfer = services.transfer_create(
        actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2026, 1, 5), destination="X"
    )
    with pytest.raises(PastoralError):
        services.transfer_confirm_receipt(
            actor=dsl, transfer=transfer, received_on=datetime.date.today(), confirmed_by="Y"
        )


def test_a_recorded_receipt_cannot_be_overwritten(client, as_user, dsl, school, pupil):
    transfer = services.transfer_create(
        actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2026, 1, 5), destination="X"
    )
    services.transfer_mark_sent(actor=dsl, transfer=transfer, method="secure_electronic")
    first = datetime.date.today()
    services.transfer_confirm_receipt(actor=dsl, transfer=transfer, received_on=first, confirmed_by="A. Jones, DSL")
    as_user(dsl)
    client.post(
        reverse("safeguarding:transfer_receipt", args=[transfer.code]),
        {"received_on": (first - datetime.timedelta(days=3)).isoformat(), "confirmed_by": "Someone else"},
    )
    transfer.refresh_from_db()
    assert (transfer.receipt_confirmed_on, transfer.receipt_confirmed_by) == (first, "A. Jones, DSL")


def test_the_pack_is_a_pdf_of_the_whole_file_and_its_download_is_audited(
    client, as_user, concern, dsl, school, pupil, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"
    from safeguarding.models import BodyMark

    BodyMark.objects.create(concern=concern, side="front", x=70, y=60, note="Bruise")
    services.concern_triage(actor=dsl, concern=concern, decision="csc", reason="Threshold met")
    transfer = services.transfer_create(
        actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2026, 1, 5), destination="X"
    )
    as_user(dsl)
    page = client.get(reverse("safeguarding:transfer_detail", args=[transfer.code])).content.decode()
    assert 'value="safeguarding.cp_file_pdf"' in page
    text = export_pdf_text(
        client, django_capture_on_commit_callbacks, dsl, "safeguarding.cp_file_pdf", transfer=transfer.code
    )
    assert "Child protection file" in text and pupil.legal_name in text and "OFFICIAL-SENSITIVE" in text
    assert AuditEntry.objects.filter(action="safeguarding.transfer.pack_downloaded", actor=dsl).exists()
    assert AuditEntry.objects.filter(action="pastoral.export.downloaded", actor=dsl).exists()


def test_an_incoming_file_is_uploaded_and_downloaded_through_an_audited_view(client, as_user, dsl, pupil, headteacher):
    as_user(dsl)
    response = client.post(
        reverse("safeguarding:incoming_upload"),
        {
            "pupil": pupil.code,
            "from_school": "Old Primary",
            "received_on": "2026-09-10",
            "upload": png_upload("cp file.pdf"),
        },
    )
    incoming = IncomingFile.objects.get()
    assert response.status_code == 302 and incoming.content_type == "image/png"
    assert incoming.file.name.endswith(".png") and "cp" not in incoming.file.name.rsplit("/", 1)[1]
    as_user(headteacher)
    download = client.get(reverse("safeguarding:incoming_download", args=[incoming.code]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"\x89PNG")
    assert download["Content-Type"] == "image/png" and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"] == 'attachment; filename="cp file.png"'
    assert AuditEntry.objects.filter(action="safeguarding.incoming.viewed", actor=headteacher).exists()
    as_user(dsl)
    body = client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code])).content.decode()
    assert "CP file received" in body and "Old Primary" in body


def test_the_printable_chronology_lists_everything_in_time_order(client, as_user, concern, dsl, pupil):
    services.concern_triage(actor=dsl, concern=concern, decision="monitor", reason="Daily check-ins")
    services.note_add(actor=dsl, concern=concern, text="Spoke to mum")
    as_user(dsl)
    body = client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code])).content.decode()
    assert body.index("Concern") < body.index("Daily check-ins") < body.index("Spoke to mum")
    assert "data-print" in body and "print-bare" in body


def test_overdue_items_raise_an_alert_on_the_home_page_and_by_email(
    client, as_user, dsl, school, pupil, concern, django_capture_on_commit_callbacks
):
    from django.core import mail

    from safeguarding.models import Referral
    from safeguarding.tasks import overdue_alerts_task

    services.transfer_create(
        actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2020, 1, 6), destination="X"
    )
    Referral.objects.create(
        school=school,
        concern=concern,
        pupil=pupil,
        agency="police",
        referred_on=datetime.date(2020, 1, 6),
        follow_up_due=datetime.date(2020, 1, 9),
        made_by=dsl,
    )
    as_user(dsl)
    body = client.get(reverse("pastoral:home")).content.decode()
    assert "1 referral follow-up" in body and "1 CP file not sent" in body
    with django_capture_on_commit_callbacks(execute=True):
        overdue_alerts_task.delay()
    assert [m.to for m in mail.outbox] == [[dsl.email]]
    assert "1 referral waiting" in mail.outbox[0].body and pupil.legal_last_name not in mail.outbox[0].body


def test_in_year_due_date_skips_a_recorded_half_term_and_inset_day(school, calendar):
    from pastoral.models import SchoolClosure

    # One autumn term with its half term recorded as a closure, and an INSET day after it.
    Term.objects.filter(academic_year=calendar).delete()
    Term.objects.create(
        academic_year=calendar, name="Autumn", start=datetime.date(2026, 9, 3), end=datetime.date(2026, 12, 18)
    )
    SchoolClosure.objects.create(
        school=school,
        kind=SchoolClosure.Kind.HALF_TERM,
        name="Autumn half term",
        start=datetime.date(2026, 10, 26),
        end=datetime.date(2026, 10, 30),
    )
    SchoolClosure.objects.create(
        school=school,
        kind=SchoolClosure.Kind.INSET,
        name="INSET day",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 2),
    )
    # Left Wed 21 Oct: Thu 22, Fri 23, half term, INSET Mon 2 Nov; Tue 3, Wed 4, Thu 5.
    assert transfer_due_by(school, datetime.date(2026, 10, 21), "in_year") == datetime.date(2026, 11, 5)


def test_without_term_dates_weekdays_count_less_the_closures(school):
    from pastoral.calendar.school_days import SchoolCalendar, Span

    # The calendar object on its own (a closure row needs term dates): weekdays less closures.
    boxing_day = Span(datetime.date(2026, 12, 28), datetime.date(2026, 12, 28), "bank_holiday")
    calendar = SchoolCalendar([], [boxing_day], weekdays_without_terms=True)
    # Left Wed 23 Dec: Thu 24, Fri 25, (Mon 28 closed), Tue 29, Wed 30, Thu 31.
    due = transfer_due_by(school, datetime.date(2026, 12, 23), "in_year", calendar=calendar)
    assert due == datetime.date(2026, 12, 31)


def test_the_transfer_list_keeps_a_fixed_query_count_with_closures(
    client, as_user, school, pupil, dsl, calendar, django_assert_max_num_queries
):
    from pastoral.models import SchoolClosure

    SchoolClosure.objects.create(
        school=school,
        kind=SchoolClosure.Kind.INSET,
        name="INSET day",
        start=datetime.date(2026, 11, 2),
        end=datetime.date(2026, 11, 2),
    )
    for day in range(5, 25):
        services.transfer_create(
            actor=dsl,
            school=school,
            pupil=pupil,
            kind="in_year",
            leave_date=datetime.date(2026, 10, day),
            destination="Moor End High",
        )
    assert FileTransfer.objects.filter(due_by=datetime.date(2026, 11, 3)).exists()  # left Thu 22 Oct (Autumn 1 ends 23)
    as_user(dsl)
    # One more than before files expected from previous schools were listed.
    with django_assert_max_num_queries(15):
        assert client.get(reverse("safeguarding:transfer_list")).status_code == 200
