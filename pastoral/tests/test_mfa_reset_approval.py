"""Two-factor resets for holders of roles that read pupils wait for a headteacher's or DSL's approval."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff, verified_client
from pastoral import services
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, MfaResetRequest
from pastoral.tests.factories import MembershipFactory


def signed_in(user):
    return verified_client(Client(), user)


def ask_reset(it_admin, user, school, reason="Lost phone"):
    return services.staff_reset_mfa(actor=it_admin, user=user, school=school, reason=reason)


def test_an_it_admin_resetting_a_dsls_two_factor_creates_a_request_and_leaves_the_device(
    it_admin, dsl, headteacher, mailoutbox, django_capture_on_commit_callbacks
):
    StaticDevice.objects.create(user=dsl, name="Backup codes", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(it_admin).post(
            reverse("pastoral:staff_reset_mfa", args=[dsl.code]), {"reason": "Lost phone"}, follow=True
        )
    assert "waits until a headteacher or DSL" in response.content.decode()
    assert TOTPDevice.objects.filter(user=dsl, confirmed=True).exists()
    assert StaticDevice.objects.filter(user=dsl).exists()
    request = MfaResetRequest.objects.get(user=dsl)
    assert request.pending and request.requested_by == it_admin and request.reason == "Lost phone"
    assert AuditEntry.objects.filter(action="auth.mfa.reset_requested", actor=it_admin).exists()
    assert not AuditEntry.objects.filter(action="auth.mfa.reset").exists()
    # The head is told; the DSL is not asked to approve their own reset, nor the IT admin.
    assert [m.to for m in mailoutbox] == [[headteacher.email]]
    assert "two-factor" in mailoutbox[0].body and dsl.email in mailoutbox[0].body


def test_the_head_approves_and_the_devices_go_with_audit_entries(it_admin, dsl, headteacher, school):
    StaticDevice.objects.create(user=dsl, name="Backup codes", confirmed=True)
    request = ask_reset(it_admin, dsl, school)
    head = signed_in(headteacher)
    page = head.get(reverse("pastoral:role_approvals")).content.decode()
    assert "Awaiting approval" in page and "Two-factor resets" in page and dsl.email in page
    home = head.get(reverse("pastoral:home")).content.decode()
    assert "two-factor reset for staff awaiting approval" in home
    response = head.post(reverse("pastoral:mfa_reset_approve", args=[request.code]), follow=True)
    assert "Two-factor reset approved" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=dsl).exists()
    assert not StaticDevice.objects.filter(user=dsl).exists()
    request.refresh_from_db()
    assert request.approved_by == headteacher and request.approved_at is not None
    actions = set(AuditEntry.objects.filter(actor=headteacher).values_list("action", flat=True))
    assert {"auth.mfa.reset_approved", "auth.mfa.reset"} <= actions
    # Done once: a second approval is refused and nothing remains on the page.
    assert head.post(reverse("pastoral:mfa_reset_approve", args=[request.code])).status_code == 404
    assert "Two-factor resets" not in head.get(reverse("pastoral:role_approvals")).content.decode()


def test_the_requester_cannot_approve_their_own_request(school, dsl, headteacher):
    # A headteacher who also administers accounts: the reset they ask for needs someone else.
    head_admin = make_staff(school, Role.HEADTEACHER, "headadmin")
    MembershipFactory(user=head_admin, school=school, trust=school.trust, role=Role.IT_ADMIN)
    request = ask_reset(head_admin, dsl, school)
    client = signed_in(head_admin)
    assert client.post(reverse("pastoral:mfa_reset_approve", args=[request.code])).status_code == 403
    assert dsl.email not in client.get(reverse("pastoral:role_approvals")).content.decode()
    with pytest.raises(PastoralError, match="someone else must approve"):
        services.mfa_reset_approve(actor=head_admin, reset_request=request)
    assert TOTPDevice.objects.filter(user=dsl).exists()


def test_an_it_admin_cannot_approve(it_admin, dsl, school):
    request = ask_reset(it_admin, dsl, school)
    assert signed_in(it_admin).post(reverse("pastoral:mfa_reset_approve", args=[request.code])).status_code == 403
    assert TOTPDevice.objects.filter(user=dsl).exists()


def test_the_dsl_cannot_approve_their_own_reset(it_admin, dsl, school):
    request = ask_reset(it_admin, dsl, school)
    assert signed_in(dsl).post(reverse("pastoral:mfa_reset_approve", args=[request.code])).status_code == 403
    with pytest.raises(PastoralError, match="your own two-factor"):
        services.mfa_reset_approve(actor=dsl, reset_request=request)
    assert MfaResetRequest.objects.get(pk=request.pk).pending
    assert TOTPDevice.objects.filter(user=dsl).exists()


def test_another_schools_head_gets_404(it_admin, dsl, school, sister_school):
    other_head = make_staff(sister_school, Role.HEADTEACHER, "otherhead")
    request = ask_reset(it_admin, dsl, school)
    client = signed_in(other_head)
    assert client.post(reverse("pastoral:mfa_reset_approve", args=[request.code])).status_code == 404
    assert client.post(reverse("pastoral:mfa_reset_decline", args=[request.code]), {}).status_code == 404
    assert dsl.email not in client.get(reverse("pastoral:role_approvals")).content.decode()
    assert TOTPDevice.objects.filter(user=dsl).exists()


def test_a_teachers_reset_waits_for_a_lead_too(it_admin, teacher, headteacher, school):
    response = signed_in(it_admin).post(reverse("pastoral:staff_reset_mfa", args=[teacher.code]), follow=True)
    assert "waits until a headteacher or DSL" in response.content.decode()
    assert TOTPDevice.objects.filter(user=teacher, confirmed=True).exists()
    request = MfaResetRequest.objects.get(user=teacher)
    assert not AuditEntry.objects.filter(action="auth.mfa.reset").exists()
    services.mfa_reset_approve(actor=headteacher, reset_request=request)
    assert not TOTPDevice.objects.filter(user=teacher).exists()


def test_another_it_admins_reset_is_still_immediate(it_admin, school):
    colleague = make_staff(school, Role.IT_ADMIN, "itadmin2")
    response = signed_in(it_admin).post(reverse("pastoral:staff_reset_mfa", args=[colleague.code]), follow=True)
    assert "Two-factor authentication reset" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague).exists()
    assert not MfaResetRequest.objects.exists()
    assert AuditEntry.objects.filter(action="auth.mfa.reset", actor=it_admin).exists()


def test_a_pending_dsl_role_already_needs_approval(it_admin, teacher, school):
    services.membership_grant(actor=it_admin, user=teacher, school=school, role=Role.DSL)
    assert ask_reset(it_admin, teacher, school) is not None
    assert TOTPDevice.objects.filter(user=teacher).exists()


def test_a_second_request_is_refused_while_one_is_pending(it_admin, dsl, school):
    ask_reset(it_admin, dsl, school)
    response = signed_in(it_admin).post(reverse("pastoral:staff_reset_mfa", args=[dsl.code]), follow=True)
    assert "already awaiting approval" in response.content.decode()
    assert MfaResetRequest.objects.filter(user=dsl).count() == 1


def test_declining_needs_a_reason_and_keeps_the_device(it_admin, dsl, headteacher, school):
    request = ask_reset(it_admin, dsl, school)
    head = signed_in(headteacher)
    url = reverse("pastoral:mfa_reset_decline", args=[request.code])
    field = f"mfa-{request.code}-reason"
    response = head.post(url, {field: "  "})
    assert response.status_code == 200 and "Give a reason for declining." in response.content.decode()
    assert MfaResetRequest.objects.get(pk=request.pk).pending
    response = head.post(url, {field: "Not asked for by the DSL"}, follow=True)
    assert "stays as it was" in response.content.decode()
    request.refresh_from_db()
    assert request.declined_by == headteacher and request.decline_reason == "Not asked for by the DSL"
    assert TOTPDevice.objects.filter(user=dsl).exists()
    assert AuditEntry.objects.filter(action="auth.mfa.reset_declined", actor=headteacher).exists()
    with pytest.raises(PastoralError, match="Give a reason"):
        services.mfa_reset_decline(actor=headteacher, reset_request=request, reason="")
    # After a decline the IT admin may ask again.
    assert ask_reset(it_admin, dsl, school).pending


def test_the_approvals_page_does_not_query_per_row(it_admin, headteacher, school, django_assert_max_num_queries):
    for n in range(5):
        ask_reset(it_admin, make_staff(school, Role.DEPUTY_DSL, f"ddsl{n}"), school)
    head = signed_in(headteacher)
    with django_assert_max_num_queries(13):
        response = head.get(reverse("pastoral:role_approvals"))
    assert response.content.decode().count("two-factor reset for") == 10


def test_the_demo_seeder_leaves_one_pending_reset_for_a_deputy(it_admin, deputy_dsl, school):
    from pastoral.demo.mfa import seed_mfa_reset_request

    staff = {Role.IT_ADMIN: [it_admin], Role.DEPUTY_DSL: [deputy_dsl]}
    seed_mfa_reset_request(school, staff, [], None, None)
    seed_mfa_reset_request(school, staff, [], None, None)
    request = MfaResetRequest.objects.get(user=deputy_dsl)
    assert request.pending and request.requested_by == it_admin
