import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from pastoral.sar import services
from pastoral.sar.models import SubjectAccessRequest, add_months

TODAY = timezone.localdate()


def test_one_calendar_month_ends_on_the_months_last_day_when_there_is_no_corresponding_day():
    assert add_months(datetime.date(2026, 1, 15), 1) == datetime.date(2026, 2, 15)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2028, 1, 31), 1) == datetime.date(2028, 2, 29)
    assert add_months(datetime.date(2026, 12, 10), 1) == datetime.date(2027, 1, 10)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


def test_a_head_records_a_request_and_the_clock_starts_on_the_day_it_arrived(client, as_user, headteacher, pupil):
    as_user(headteacher)
    url = reverse("pastoral:sar_create", args=[pupil.code])
    received = TODAY - datetime.timedelta(days=3)
    bad = client.post(url, {"requester_name": "Grace Okafor", "relationship": "parent", "received_on": ""})
    assert bad.status_code == 400 and "Grace Okafor" in bad.content.decode()
    assert not SubjectAccessRequest.objects.exists()
    data = {"requester_name": "Grace Okafor", "relationship": "parent", "received_on": received.isoformat()}
    response = client.post(url, data)
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and sar.due_on == add_months(received, 1)
    assert AuditEntry.objects.filter(action="pastoral.sar.recorded", pupil=pupil).count() == 1
    entry = AuditEntry.objects.get(action="pastoral.sar.recorded")
    assert "Grace" not in str(entry.data)  # the audit keeps no personal content
    page = client.get(reverse("pastoral:sar_detail", args=[sar.code])).content.decode()
    assert "Grace Okafor" in page and "Not yet" in page
    profile = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert url in profile


def _sar(headteacher, pupil, received):
    return services.sar_record(
        actor=headteacher,
        school=pupil.school,
        pupil=pupil,
        requester_name="Grace Okafor",
        relationship="parent",
        received_on=received,
    )


def test_an_extension_needs_a_reason_and_telling_the_requester_within_the_first_month(headteacher, pupil):
    received = TODAY - datetime.timedelta(days=40)
    sar = _sar(headteacher, pupil, received)
    with pytest.raises(PastoralError, match="within the first month"):
        services.sar_extend(actor=headteacher, request=sar, months=2, reason="Many records", requester_told_on=TODAY)
    with pytest.raises(PastoralError, match="reason"):
        services.sar_extend(actor=headteacher, request=sar, months=2, reason=" ", requester_told_on=received)
    with pytest.raises(PastoralError, match="one or two months"):
        services.sar_extend(actor=headteacher, request=sar, months=3, reason="Many", requester_told_on=received)
    told = received + datetime.timedelta(days=10)
    services.sar_extend(actor=headteacher, request=sar, months=2, reason="Six years of records", requester_told_on=told)
    sar.refresh_from_db()
    assert sar.extended_to == add_months(sar.due_on, 2) and sar.deadline == sar.extended_to
    assert not sar.is_overdue(TODAY)
    with pytest.raises(PastoralError, match="already been extended"):
        services.sar_extend(actor=headteacher, request=sar, months=1, reason="More", requester_told_on=told)


def test_an_overdue_request_shows_on_the_heads_dashboard_until_it_is_closed(client, as_user, headteacher, dsl, pupil):
    sar = _sar(headteacher, pupil, TODAY - datetime.timedelta(days=45))
    as_user(headteacher)
    home = client.get(reverse("pastoral:home")).content.decode()
    assert "Subject access requests" in home and "1 overdue" in home
    as_user(dsl)
    assert "Subject access requests" not in client.get(reverse("pastoral:home")).content.decode()
    with pytest.raises(PastoralError, match="identity check"):
        services.sar_close(actor=headteacher, request=sar, status="completed", closed_on=TODAY)
    services.sar_identity_checked(actor=headteacher, request=sar, checked_on=TODAY, how="Passport at reception")
    services.sar_close(actor=headteacher, request=sar, status="completed", closed_on=TODAY, note="Sent by post")
    sar.refresh_from_db()
    assert sar.status == "completed" and AuditEntry.objects.get(action="pastoral.sar.closed").data["late"] is True
    as_user(headteacher)
    assert "Subject access requests" not in client.get(reverse("pastoral:home")).content.decode()


def test_only_the_data_protection_lead_handles_requests(client, as_user, headteacher, dsl, teacher, pupil):
    sar = _sar(headteacher, pupil, TODAY)
    for user in (dsl, teacher):
        as_user(user)
        assert client.get(reverse("pastoral:sar_detail", args=[sar.code])).status_code == 403
        assert client.get(reverse("pastoral:sar_list")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.sar_close(actor=dsl, request=sar, status="withdrawn", closed_on=TODAY)
