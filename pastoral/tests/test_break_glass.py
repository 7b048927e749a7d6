"""Break-glass: a headteacher or trust DSL opens one record outside its access list in an emergency, with a reason."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff, verified_client
from pastoral import audit, breakglass
from pastoral.accounts.roles import Role
from pastoral.files import weekly_trend
from pastoral.models import AuditEntry, BreakGlassAccess, BreakGlassNotice, OutboxMessage
from pastoral.tests.factories import PupilFactory
from provision.keywork import services as keywork_services
from provision.keywork.selectors import NOTES_KIND
from provision.tests.factories import make_active

REASON = "Police at the door asking about a missing child; keyworker and DSL unreachable."


@pytest.fixture
def keywork(school, dsl, pastoral_staff):
    """Two pupils keyworked by the pastoral member of staff, each with one session."""
    today = timezone.localdate()
    made = {}
    for name, pupil in {"a": PupilFactory(school=school), "b": PupilFactory(school=school)}.items():
        keywork_services.assignment_create(actor=dsl, pupil=pupil, keyworker=pastoral_staff)
        session = keywork_services.session_log(
            actor=pastoral_staff, pupil=pupil, held_on=today, minutes=20, kind="planned", discussion=f"Notes {name}"
        )
        made[name] = (pupil, session)
    return made


@pytest.fixture
def trust_dsl(trust, school):
    return make_staff(None, Role.TRUST_DSL, "trustdsl", trust=trust)


def _open(client, kind, code, reason=REASON):
    return client.post(reverse("pastoral:break_glass_open", args=[kind, code]), {"reason": reason})


def test_it_offers_the_emergency_opening_on_the_403_page_to_a_headteacher_only(client, keywork, headteacher, teacher):
    pupil, _session = keywork["a"]
    url = reverse("provision:keywork_pupil", args=[pupil.code])
    response = verified_client(client, headteacher).get(url)
    assert response.status_code == 403
    assert "Open in an emergency" in response.content.decode()
    assert reverse("pastoral:break_glass_open", args=[NOTES_KIND, pupil.code]) in response.content.decode()
    response = verified_client(client, teacher).get(url)
    assert response.status_code == 403
    assert "Open in an emergency" not in response.content.decode()


def test_it_grants_exactly_one_record_for_the_time_limit(client, keywork, headteacher):
    (pupil_a, session_a), (pupil_b, session_b) = keywork["a"], keywork["b"]
    verified_client(client, headteacher)
    page = client.get(reverse("pastoral:break_glass_open", args=[NOTES_KIND, pupil_a.code]))
    assert page.status_code == 200 and "60 minutes" in page.content.decode()
    response = _open(client, NOTES_KIND, pupil_a.code)
    assert response.status_code == 302 and response.url == reverse("provision:keywork_pupil", args=[pupil_a.code])

    use = BreakGlassAccess.objects.get()
    assert (use.user, use.kind, use.record_code, use.school_id, use.pupil) == (
        headteacher,
        NOTES_KIND,
        pupil_a.code,
        pupil_a.school_id,
        pupil_a,
    )
    assert use.reason == REASON and use.expires_at - use.at == datetime.timedelta(minutes=breakglass.GRANT_MINUTES)
    notes = client.get(reverse("provision:keywork_pupil", args=[pupil_a.code]))
    assert notes.status_code == 200 and str(session_a.code) in notes.content.decode()
    assert "Log a session" not in notes.content.decode()  # read-only
    session_page = client.get(reverse("provision:keywork_session", args=[session_a.code]))
    assert session_page.status_code == 200 and "Notes a" in session_page.content.decode()
    assert "Log another session" not in session_page.content.decode()
    # The other pupil's notes stay shut, and nothing can be written through the opening.
    assert client.get(reverse("provision:keywork_pupil", args=[pupil_b.code])).status_code == 403
    assert client.get(reverse("provision:keywork_session", args=[session_b.code])).status_code == 403
    assert client.get(reverse("provision:keywork_log", args=[pupil_a.code])).status_code == 403

    BreakGlassAccess.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(reverse("provision:keywork_pupil", args=[pupil_a.code])).status_code == 403
    assert client.get(reverse("provision:keywork_session", args=[session_a.code])).status_code == 403


def test_it_audits_the_opening_and_each_read_in_sentences(client, keywork, headteacher):
    pupil, session = keywork["a"]
    verified_client(client, headteacher)
    _open(client, NOTES_KIND, pupil.code)
    client.get(reverse("provision:keywork_pupil", args=[pupil.code]))
    client.get(reverse("provision:keywork_session", args=[session.code]))
    opened = AuditEntry.objects.get(action="pastoral.break_glass")
    assert opened.actor == headteacher and opened.pupil == pupil
    assert opened.data["reason"] == REASON and opened.data["kind"] == NOTES_KIND
    assert audit.ACTIONS["pastoral.break_glass"] == "opened a record in an emergency (break-glass), giving a reason"
    assert AuditEntry.objects.filter(action="pastoral.break_glass.read", actor=headteacher, pupil=pupil).count() == 2


def test_it_notifies_the_dsl_team_at_once_in_the_app_and_by_an_email_naming_no_child(
    client, keywork, headteacher, dsl, deputy_dsl, pastoral_lead, django_capture_on_commit_callbacks
):
    pupil, _session = keywork["a"]
    verified_client(client, headteacher)
    with django_capture_on_commit_callbacks(execute=True):
        _open(client, NOTES_KIND, pupil.code)
    use = BreakGlassAccess.objects.get()
    assert set(BreakGlassNotice.objects.values_list("recipient__username", flat=True)) == {"dsl", "ddsl"}
    assert OutboxMessage.objects.filter(task_name="pastoral.tasks.break_glass_notify_task", args=[use.pk]).exists()
    assert sorted(message.to[0] for message in mail.outbox) == sorted([dsl.email, deputy_dsl.email])
    message = mail.outbox[0]
    assert "emergency" in message.subject and "Head" in message.body
    for text in (pupil.legal_first_name, pupil.legal_last_name, REASON):
        assert text not in message.subject and text not in message.body
        assert text not in message.alternatives[0][0]


def test_a_reason_is_required(client, keywork, headteacher):
    pupil, _session = keywork["a"]
    response = _open(verified_client(client, headteacher), NOTES_KIND, pupil.code, reason="urgent")
    assert response.status_code == 200 and "at least" in response.content.decode()
    assert not BreakGlassAccess.objects.exists() and not OutboxMessage.objects.exists()


def test_a_teacher_an_it_admin_and_a_superuser_with_no_role_cannot_break_glass(
    client, keywork, teacher, it_admin, other_school_dsl
):
    pupil, session = keywork["a"]
    url = reverse("pastoral:break_glass_open", args=[NOTES_KIND, pupil.code])
    for user in (teacher, it_admin):
        verified_client(client, user)
        assert client.get(url).status_code == 403
        assert _open(client, NOTES_KIND, pupil.code).status_code == 403
    verified_client(client, other_school_dsl)
    assert client.get(url).status_code == 404
    root = get_user_model().objects.create_superuser("root", "root@example.org", "x" * 20)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    verified_client(client, root)
    assert client.get(url).status_code == 404
    assert _open(client, NOTES_KIND, pupil.code).status_code == 404
    assert client.get(reverse("provision:keywork_session", args=[session.code])).status_code == 404
    assert client.get(reverse("pastoral:break_glass_list")).status_code == 403
    assert not BreakGlassAccess.objects.exists()
    with pytest.raises(PermissionDenied):  # the service refuses too, whatever the view
        breakglass.break_glass_open(actor=teacher, kind_name=NOTES_KIND, record=pupil, reason=REASON)


def test_someone_already_on_the_access_list_is_sent_to_the_record(client, keywork, dsl):
    pupil, _session = keywork["a"]
    response = verified_client(client, dsl).get(reverse("pastoral:break_glass_open", args=[NOTES_KIND, pupil.code]))
    assert response.status_code == 302 and response.url == reverse("provision:keywork_pupil", args=[pupil.code])
    assert not BreakGlassAccess.objects.exists()


def test_the_review_list_is_for_the_dsl_team_and_the_head_who_review_each_use(
    client, keywork, headteacher, dsl, teacher, other_school_dsl
):
    pupil, _session = keywork["a"]
    _open(verified_client(client, headteacher), NOTES_KIND, pupil.code)
    use = BreakGlassAccess.objects.get()
    # The head who opened it sees it listed but may not review their own opening.
    page = client.get(reverse("pastoral:break_glass_list"))
    assert page.status_code == 200 and REASON in page.content.decode() and "Mark reviewed" not in page.content.decode()
    assert client.post(reverse("pastoral:break_glass_review", args=[use.code]), {"note": "Mine"}).status_code == 302
    use.refresh_from_db()
    assert use.reviewed_at is None

    verified_client(client, teacher)
    assert client.get(reverse("pastoral:break_glass_list")).status_code == 403
    assert client.post(reverse("pastoral:break_glass_review", args=[use.code]), {"note": "x"}).status_code == 403
    verified_client(client, other_school_dsl)
    assert REASON not in client.get(reverse("pastoral:break_glass_list")).content.decode()
    assert client.post(reverse("pastoral:break_glass_review", args=[use.code]), {"note": "x"}).status_code == 404

    verified_client(client, dsl)
    page = client.get(reverse("pastoral:break_glass_list") + "?status=waiting")
    assert REASON in page.content.decode() and "Mark reviewed" in page.content.decode()
    assert BreakGlassNotice.objects.get(recipient=dsl).seen_at is not None
    client.post(reverse("pastoral:break_glass_review", args=[use.code]), {"note": "Spoke to the head: justified"})
    use.refresh_from_db()
    assert use.reviewed_by == dsl and use.review_note == "Spoke to the head: justified"
    assert AuditEntry.objects.filter(action="pastoral.break_glass.reviewed", actor=dsl).exists()
    assert REASON not in client.get(reverse("pastoral:break_glass_list") + "?status=waiting").content.decode()


def test_the_dsl_sees_the_notice_on_the_home_page_and_in_the_weekly_email(client, keywork, headteacher, dsl, school):
    pupil, _session = keywork["a"]
    _open(verified_client(client, headteacher), NOTES_KIND, pupil.code)
    home = verified_client(client, dsl).get(reverse("pastoral:home"))
    assert "1 emergency opening of records to review" in home.content.decode()
    trend = weekly_trend.build(dsl, school)
    lines = {label: count for label, count, _path in trend.outstanding}
    assert lines["Break-glass openings not yet reviewed"] == 1
    assert dsl in weekly_trend.recipients(school)


def test_a_trust_dsl_opens_one_support_plan(client, school, pastoral_lead, trust_dsl, headteacher):
    plan = make_active(pastoral_lead, PupilFactory(school=school))
    other = make_active(pastoral_lead, PupilFactory(school=school))
    url = reverse("provision:plan_detail", args=[plan.code])
    verified_client(client, trust_dsl)
    response = client.get(url)
    assert response.status_code == 403 and "Open in an emergency" in response.content.decode()
    _open(client, "provision.support_plan", plan.code)
    assert client.get(url).status_code == 200
    assert client.get(reverse("provision:plan_detail", args=[other.code])).status_code == 403
    assert client.get(reverse("provision:plan_edit", args=[plan.code])).status_code == 403
    # The headteacher already reads every plan of the school: no opening is needed.
    verified_client(client, headteacher)
    page = client.get(reverse("pastoral:break_glass_open", args=["provision.support_plan", other.code]))
    assert page.status_code == 302 and page.url == reverse("provision:plan_detail", args=[other.code])


def test_a_trust_dsl_opens_one_healthcare_plan_and_one_placement(client, school, headteacher, trust_dsl):
    from medical.tests.factories import PlanFactory
    from provision.tests.ap_factories import coordinator, make_placement, make_provider

    plan = PlanFactory(pupil=PupilFactory(school=school), recorded_by=headteacher)
    other_plan = PlanFactory(pupil=PupilFactory(school=school), recorded_by=headteacher)
    apco = coordinator(school)
    provider = make_provider(apco, school)
    placement = make_placement(apco, PupilFactory(school=school), provider)
    verified_client(client, trust_dsl)
    for kind, record, url_name in (
        ("medical.healthcare_plan", plan, "medical:plan_detail"),
        ("provision.ap_placement", placement, "provision:ap_placement_detail"),
    ):
        url = reverse(url_name, args=[record.code])
        assert client.get(url).status_code == 403
        assert _open(client, kind, record.code).status_code == 302
        assert client.get(url).status_code == 200
    assert client.get(reverse("medical:plan_detail", args=[other_plan.code])).status_code == 403
    assert AuditEntry.objects.filter(action="pastoral.break_glass.read", actor=trust_dsl).count() == 2
    assert BreakGlassAccess.objects.filter(user=trust_dsl).count() == 2
