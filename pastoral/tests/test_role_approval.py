"""Safeguarding roles granted by staff administrators need a headteacher's or DSL's approval."""

import datetime

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff, verified_client
from pastoral import selectors, services
from pastoral.accounts import access
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, Membership, Professional, User
from pastoral.tests.factories import MembershipFactory, ProfessionalFactory, UserFactory

CONCERNS = "safeguarding:concern_list"
QUERY_LIMIT = 13  # session, user, device, school, roles, scope, rows, two-factor resets, role changes… for 1 row or 100


def signed_in(user):
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return verified_client(Client(), user)


def grant(actor, user, school, role="dsl"):
    return services.membership_grant(actor=actor, user=user, school=school, role=role)


def test_an_it_admin_creating_a_dsl_account_gives_no_access_until_a_headteacher_approves(
    it_admin, headteacher, dsl, school, mailoutbox, django_capture_on_commit_callbacks
):
    admin_client = signed_in(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("pastoral:staff_create"),
            {
                "first_name": "Eve",
                "last_name": "Intruder",
                "email": "eve@attacker.test",
                "username": "eve",
                "role": "dsl",
            },
            follow=True,
        )
    assert "gives no access until a headteacher or DSL" in response.content.decode()
    eve = User.objects.get(username="eve")
    membership = Membership.objects.get(user=eve)
    assert membership.approved_at is None and membership.granted_by == it_admin
    assert "Awaiting approval" in response.content.decode()

    # The headteacher and the DSL are emailed; the IT admin and the new account are not.
    approval_mail = [m for m in mailoutbox if "waiting for your approval" in m.subject]
    assert sorted(m.to[0] for m in approval_mail) == sorted([headteacher.email, dsl.email])
    assert "eve@attacker.test" in approval_mail[0].body and "/staff/approvals/" in approval_mail[0].body

    eve_client = signed_in(eve)
    assert eve_client.get(reverse(CONCERNS)).status_code != 200
    assert not access.has_any_school_perm(eve, "pastoral.view_safeguarding_flags")

    head_client = signed_in(headteacher)
    page = head_client.get(reverse("pastoral:role_approvals")).content.decode()
    assert "eve@attacker.test" in page
    assert head_client.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 302
    membership.refresh_from_db()
    assert membership.approved_by == headteacher and membership.approved_at is not None
    assert AuditEntry.objects.filter(action="pastoral.membership.approved", actor=headteacher).count() == 1
    assert signed_in(User.objects.get(pk=eve.pk)).get(reverse(CONCERNS)).status_code == 200


def test_granting_dsl_to_an_existing_teacher_waits_for_approval(client, it_admin, teacher, dsl, school, as_user):
    as_user(it_admin)
    client.post(reverse("pastoral:staff_detail", args=[teacher.code]), {"role": "dsl"})
    membership = Membership.objects.get(user=teacher, role="dsl")
    assert membership.awaiting_approval
    detail = client.get(reverse("pastoral:staff_detail", args=[teacher.code])).content.decode()
    assert "Awaiting approval" in detail and str(membership.code) in detail
    assert "Awaiting approval" in client.get(reverse("pastoral:staff_list")).content.decode()
    teacher_client = signed_in(teacher)
    assert teacher_client.get(reverse(CONCERNS)).status_code == 403
    assert teacher_client.get(reverse("pastoral:pupil_list")).status_code == 200  # the teacher role still works

    services.membership_approve(actor=dsl, membership=membership)
    assert signed_in(User.objects.get(pk=teacher.pk)).get(reverse(CONCERNS)).status_code == 200


def test_every_role_that_reads_pupils_waits_and_only_it_admin_takes_effect_at_once(it_admin, teacher, school):
    from pastoral.accounts.roles import APPROVAL_ROLES, ROLE_PERMISSIONS, Role

    assert set(Role) - APPROVAL_ROLES == {Role.IT_ADMIN}
    # Checked after every duty app has added its permissions: the role that skips approval manages staff,
    # the calendar and staff training records, may raise a concern about an adult (it sees only the receipt),
    # and reads nothing about pupils.
    assert ROLE_PERMISSIONS[Role.IT_ADMIN] <= {
        "pastoral.manage_staff",
        "pastoral.manage_calendar",
        "behaviour.view_training",
        "behaviour.manage_training",
        "safeguarding.raise_adult_concern",
    }
    membership = grant(it_admin, teacher, school, role="pastoral_staff")
    assert membership.awaiting_approval
    assert not access.has_school_perm(User.objects.get(pk=teacher.pk), school, "pastoral.change_pupil")
    admin_role = grant(it_admin, teacher, school, role="it_admin")
    assert admin_role.approved_at is not None


def test_an_it_admin_creating_a_teacher_account_sends_no_sign_up_link_until_a_lead_approves(
    it_admin, headteacher, school, pupil, mailoutbox, django_capture_on_commit_callbacks
):
    admin_client = signed_in(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("pastoral:staff_create"),
            {
                "first_name": "Mal",
                "last_name": "Lory",
                "email": "mal@attacker.test",
                "username": "mal",
                "role": "teacher",
            },
            follow=True,
        )
    assert "gives no access until a headteacher or DSL" in response.content.decode()
    mal = User.objects.get(username="mal")
    membership = Membership.objects.get(user=mal)
    assert membership.awaiting_approval
    assert [m.to for m in mailoutbox] == [[headteacher.email]]  # the approver only; nothing to the new address
    assert not access.has_any_school_perm(mal, "pastoral.view_pupil")
    assert signed_in(mal).get(reverse("pastoral:pupil_list")).status_code != 200

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(headteacher).post(reverse("pastoral:membership_approve", args=[membership.code]))
    assert [m.to for m in mailoutbox] == [["mal@attacker.test"]]
    assert "/accounts/reset/" in mailoutbox[0].body
    assert (
        signed_in(User.objects.get(pk=mal.pk)).get(reverse("pastoral:pupil_detail", args=[pupil.code])).status_code
        == 200
    )


def test_the_sign_up_link_task_rechecks_approval(it_admin, headteacher, school, mailoutbox):
    from pastoral.tasks import send_welcome_email_task

    user = services.staff_create(
        actor=it_admin, school=school, username="new", email="new@school.test", first_name="New",
        last_name="Starter", job_title="", role="senco",
    )  # fmt: skip
    assert send_welcome_email_task(user.id, it_admin.id) == "awaiting approval"
    assert mailoutbox == []
    services.membership_approve(actor=headteacher, membership=user.memberships.get())
    assert send_welcome_email_task(user.id, it_admin.id) == "sent"


def test_the_granter_cannot_approve(teacher, school):
    admin_head = make_staff(school, "it_admin", "adminhead")
    MembershipFactory(user=admin_head, school=school, role="headteacher")  # IT admin and headteacher at once
    membership = grant(admin_head, teacher, school)
    approver = signed_in(admin_head)
    assert str(membership.code) not in approver.get(reverse("pastoral:role_approvals")).content.decode()
    assert approver.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 403
    with pytest.raises(PastoralError, match="You granted this role"):
        services.membership_approve(actor=admin_head, membership=membership)
    membership.refresh_from_db()
    assert membership.awaiting_approval


def test_the_grantee_cannot_approve_their_own_role(it_admin, headteacher, school):
    membership = grant(it_admin, headteacher, school)
    head_client = signed_in(headteacher)
    assert str(membership.code) not in head_client.get(reverse("pastoral:role_approvals")).content.decode()
    assert head_client.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 403
    with pytest.raises(PastoralError, match="your own role"):
        services.membership_approve(actor=headteacher, membership=membership)
    membership.refresh_from_db()
    assert membership.awaiting_approval


def test_the_it_admin_and_a_teacher_cannot_open_the_approvals(it_admin, teacher, school):
    membership = grant(it_admin, UserFactory(), school)
    for user in (it_admin, teacher):
        c = signed_in(user)
        assert c.get(reverse("pastoral:role_approvals")).status_code == 403
        assert c.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 403


def test_declining_needs_a_reason_and_ends_the_role(it_admin, teacher, dsl, school):
    membership = grant(it_admin, teacher, school)
    dsl_client = signed_in(dsl)
    url = reverse("pastoral:membership_decline", args=[membership.code])
    response = dsl_client.post(url, {f"{membership.code}-reason": ""})
    assert response.status_code == 200 and "Give a reason for declining." in response.content.decode()
    membership.refresh_from_db()
    assert membership.ends_on is None

    assert dsl_client.post(url, {f"{membership.code}-reason": "Not known to the school"}).status_code == 302
    membership.refresh_from_db()
    assert membership.ends_on < datetime.date.today() and not membership.is_current
    assert membership.approved_at is None
    entry = AuditEntry.objects.get(action="pastoral.membership.declined")
    assert entry.actor == dsl and entry.data["reason"] == "Not known to the school"
    assert not selectors.approvals_for(dsl).exists()
    assert signed_in(teacher).get(reverse(CONCERNS)).status_code == 403
    # A declined request can no longer be approved.
    assert dsl_client.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 404
    with pytest.raises(PastoralError):
        services.membership_approve(actor=dsl, membership=membership)


def test_a_headteacher_of_another_school_cannot_approve(it_admin, teacher, school, sister_school, other_school_dsl):
    membership = grant(it_admin, teacher, school)
    other_head = make_staff(sister_school, "headteacher", "otherhead")
    for user in (other_head, other_school_dsl):
        c = signed_in(user)
        assert c.post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 404
        decline = reverse("pastoral:membership_decline", args=[membership.code])
        assert c.post(decline, {f"{membership.code}-reason": "x"}).status_code == 404
        assert str(membership.code) not in c.get(reverse("pastoral:role_approvals")).content.decode()
    membership.refresh_from_db()
    assert membership.awaiting_approval and membership.ends_on is None


def test_a_deputy_dsl_cannot_approve(it_admin, teacher, deputy_dsl, school):
    membership = grant(it_admin, teacher, school)
    assert signed_in(deputy_dsl).get(reverse("pastoral:role_approvals")).status_code == 403
    assert not access.can_approve(deputy_dsl, membership)


def test_a_trust_leader_request_is_approved_at_trust_level(it_admin, teacher, dsl, school, sister_school, trust):
    sister_head = make_staff(sister_school, "headteacher", "sisterhead")
    membership = grant(it_admin, teacher, school, role="trust_leader")
    assert membership.awaiting_approval
    assert access.can_approve(sister_head, membership)
    assert not access.can_approve(dsl, membership)


def test_a_trust_dsl_request_is_approved_by_a_trust_dsl_or_a_head_in_the_trust(
    it_admin, teacher, dsl, school, sister_school, trust
):
    trust_dsl = make_staff(None, "trust_dsl", "trustdsl", trust=trust)
    sister_head = make_staff(sister_school, "headteacher", "sisterhead")
    membership = grant(it_admin, teacher, school, role="trust_dsl")
    assert membership.awaiting_approval
    assert access.can_approve(trust_dsl, membership)
    assert access.can_approve(sister_head, membership)
    assert not access.can_approve(dsl, membership)  # a school DSL does not approve trust-wide oversight
    school_request = grant(it_admin, UserFactory(), school)
    assert not access.can_approve(trust_dsl, school_request)  # nor a trust DSL a school's own DSL
    assert signed_in(dsl).post(reverse("pastoral:membership_approve", args=[membership.code])).status_code == 404
    services.membership_approve(actor=sister_head, membership=membership)
    assert Membership.objects.get(pk=membership.pk).approved_by == sister_head


def test_regranting_an_ended_dsl_role_needs_approval_again(it_admin, teacher, dsl, school):
    membership = grant(it_admin, teacher, school)
    services.membership_approve(actor=dsl, membership=membership)
    services.membership_end(actor=it_admin, membership=membership)
    again = grant(it_admin, User.objects.get(pk=teacher.pk), school)
    assert again.pk == membership.pk and again.awaiting_approval and again.approved_by is None
    with pytest.raises(PastoralError, match="already awaiting approval"):
        grant(it_admin, teacher, school)


def test_the_approvals_page_and_home_panel_stay_within_a_fixed_number_of_queries(
    it_admin, headteacher, school, django_assert_max_num_queries
):
    for _ in range(8):
        grant(it_admin, UserFactory(), school, role="deputy_dsl")
    head_client = signed_in(headteacher)
    with django_assert_max_num_queries(QUERY_LIMIT):
        response = head_client.get(reverse("pastoral:role_approvals"))
    assert response.content.decode().count("Approve<span") == 8
    # The headteacher's home: every panel a fixed cost (subject access requests and today's removals with parents
    # not told came after the last raise; behaviour rules add four: the school's rising rule, rule alerts and
    # letters waiting, the head's tasks from rules).
    with django_assert_max_num_queries(46):
        home = head_client.get(reverse("pastoral:home")).content.decode()
    assert "Roles awaiting your approval" in home and "Review roles awaiting approval" in home


def test_the_panel_is_hidden_from_people_who_do_not_approve(client, it_admin, teacher, school, as_user):
    grant(it_admin, UserFactory(), school)
    as_user(teacher)
    assert "Roles awaiting your approval" not in client.get(reverse("pastoral:home")).content.decode()


def test_the_operator_command_approves_for_a_school_with_no_approver(it_admin, school):
    newcomer = UserFactory()
    membership = grant(it_admin, newcomer, school, role="headteacher")
    call_command("approve_role", str(membership.code), operator="Sam Ops")
    membership.refresh_from_db()
    assert membership.approved_at is not None and membership.approved_by is None
    entry = AuditEntry.objects.get(action="pastoral.membership.approved")
    assert entry.actor is None and entry.actor_label == "Sam Ops" and entry.data["by_operator"] is True
    assert access.has_school_perm(User.objects.get(pk=newcomer.pk), school, "pastoral.approve_roles")
    with pytest.raises(CommandError, match="already been approved"):
        call_command("approve_role", str(membership.code))
    with pytest.raises(CommandError, match="no role with the code"):
        call_command("approve_role", "not-a-code")


def test_existing_and_seeded_memberships_are_approved(dsl, headteacher):
    assert not Membership.objects.filter(approved_at__isnull=True).exists()


# Social-care professionals ---------------------------------------------------


def test_social_care_professionals_are_hidden_without_the_safeguarding_flags(
    pupil, teacher, pastoral_staff, dsl, senco
):
    social_worker = ProfessionalFactory(pupil=pupil, kind=Professional.Kind.SOCIAL_WORKER, name="Sasha Social")
    nurse = ProfessionalFactory(pupil=pupil, kind=Professional.Kind.SCHOOL_NURSE, name="Nora Nurse")
    for user in (teacher, pastoral_staff):
        assert list(selectors.professionals_visible_to(user)) == [nurse]
        page = signed_in(user).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
        assert "Nora Nurse" in page and "Sasha Social" not in page
    for user in (dsl, senco):
        assert set(selectors.professionals_visible_to(user)) == {social_worker, nurse}
        page = signed_in(user).get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
        assert "Sasha Social" in page
    staff_client = signed_in(pastoral_staff)
    edit = reverse("pastoral:professional_edit", args=[pupil.code, social_worker.code])
    assert staff_client.get(edit).status_code == 404
    delete = reverse("pastoral:professional_delete", args=[pupil.code, social_worker.code])
    assert staff_client.post(delete).status_code == 404
    assert Professional.objects.filter(pk=social_worker.pk).exists()


# django-otp admin ------------------------------------------------------------


@pytest.mark.parametrize("model", [TOTPDevice, StaticDevice])
def test_authenticator_devices_are_not_in_the_admin(model, client, db):
    assert not admin.site.is_registered(model)
    opts = model._meta
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    superuser = User.objects.create_superuser("root", "root@example.test", "a-long-password-1")
    TOTPDevice.objects.create(user=superuser, name="Authenticator app", confirmed=True)
    verified_client(client, superuser)
    assert client.get("/admin/pastoral/school/").status_code == 200
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 404
    assert client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/").status_code == 404


def test_the_demo_seeder_leaves_one_deputy_dsl_request(school, it_admin, pastoral_lead, headteacher):
    import random

    from pastoral.accounts.roles import Role
    from pastoral.demo.roles import seed_role_request

    staff = {Role.IT_ADMIN: [it_admin], Role.PASTORAL_LEAD: [pastoral_lead]}
    seed_role_request(school, staff, [], random.Random(1), None)
    seed_role_request(school, staff, [], random.Random(1), None)
    pending = list(selectors.approvals_for(headteacher))
    assert [(m.user, m.role, m.granted_by) for m in pending] == [(pastoral_lead, "deputy_dsl", it_admin)]


def test_the_approval_email_task_rechecks_before_sending(it_admin, teacher, headteacher, dsl, school, mailoutbox):
    from pastoral.tasks import notify_role_approvers_task

    membership = grant(it_admin, teacher, school)
    assert notify_role_approvers_task(membership.id) == 2
    headteacher.is_active = False
    headteacher.save()
    assert notify_role_approvers_task(membership.id) == 1
    services.membership_approve(actor=dsl, membership=membership)
    mailoutbox.clear()
    assert notify_role_approvers_task(membership.id) == 0
    assert mailoutbox == []


def test_a_school_keeps_exactly_one_lead_dsl_approving_a_new_one_hands_over(
    it_admin, headteacher, dsl, teacher, school
):
    """KCSIE asks for one lead DSL: the new lead's approval ends the old lead's role, who stays a deputy."""
    membership = grant(it_admin, teacher, school)
    page = signed_in(headteacher).get(reverse("pastoral:role_approvals")).content.decode()
    assert f"Approving hands the lead over from {dsl.get_full_name()}" in page

    services.membership_approve(actor=headteacher, membership=membership)

    leads = services.current_lead_dsls(school)
    assert [lead.user for lead in leads] == [teacher]
    old = Membership.objects.get(user=dsl, school=school, role="dsl")
    assert not old.is_current
    deputy = Membership.objects.get(user=dsl, school=school, role="deputy_dsl")
    assert deputy.is_current and deputy.approved_at is not None and deputy.approved_by == headteacher
    access.forget(dsl)
    # Still in the safeguarding team: the concerns they were working stay open to them.
    assert access.has_school_perm(dsl, school, "safeguarding.view_concerns")
    entry = AuditEntry.objects.get(action="pastoral.membership.lead_dsl_handed_over")
    assert entry.actor == headteacher and entry.data["from"] == dsl.get_full_name()


def test_a_deputy_dsl_approved_beside_the_lead_hands_nothing_over(it_admin, headteacher, dsl, teacher, school):
    membership = grant(it_admin, teacher, school, role="deputy_dsl")
    services.membership_approve(actor=headteacher, membership=membership)
    assert [lead.user for lead in services.current_lead_dsls(school)] == [dsl]
    assert not AuditEntry.objects.filter(action="pastoral.membership.lead_dsl_handed_over").exists()
