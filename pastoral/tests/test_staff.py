import datetime

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff
from pastoral import services
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, Membership, User
from pastoral.tests.factories import MembershipFactory


def test_it_creates_an_account_and_emails_a_set_password_link_once_the_role_is_approved(
    client, it_admin, headteacher, school, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    as_user(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("pastoral:staff_create"),
            {
                "first_name": "Nia",
                "last_name": "Okafor",
                "email": "nia@school.test",
                "username": "nia.okafor",
                "job_title": "Pastoral assistant",
                "role": "pastoral_staff",
            },
        )
    user = User.objects.get(username="nia.okafor")
    assert response.status_code == 302
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.school == school
    assert not [m for m in mailoutbox if m.to == ["nia@school.test"]]  # no link before approval
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_approve(actor=headteacher, membership=membership)
    welcome = [m for m in mailoutbox if m.to == ["nia@school.test"]]
    assert len(welcome) == 1
    link = next(line for line in welcome[0].body.splitlines() if "/accounts/reset/" in line)
    page = client.get(link.replace("http://localhost:8000", ""), follow=True)
    assert "Choose a new password" in page.content.decode()
    assert AuditEntry.objects.filter(action="pastoral.staff.created", actor=it_admin).count() == 1


def test_it_keeps_typed_values_when_the_username_is_taken(client, it_admin, teacher, as_user):
    as_user(it_admin)
    response = client.post(
        reverse("pastoral:staff_create"),
        {"first_name": "Tam", "last_name": "Lee", "email": "tam@school.test", "username": "TEACHER", "role": "teacher"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "That username is taken." in body
    assert 'value="tam@school.test"' in body
    assert not User.objects.filter(email="tam@school.test").exists()


def test_it_deactivates_a_leaver_and_ends_their_roles(client, it_admin, teacher, as_user):
    as_user(it_admin)
    response = client.post(reverse("pastoral:staff_deactivate", args=[teacher.code]))
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert not teacher.is_active
    assert teacher.memberships.get().ends_on == datetime.date.today() - datetime.timedelta(days=1)
    assert AuditEntry.objects.filter(action="pastoral.staff.deactivated", object_id=str(teacher.pk)).exists()


def test_it_resets_two_factor_for_a_lost_phone(client, it_admin, school, as_user):
    # Immediate only for staff who read no pupil records; the rest wait for approval (test_mfa_reset_approval).
    colleague = make_staff(school, Role.IT_ADMIN, "itadmin2")
    as_user(it_admin)
    client.post(reverse("pastoral:staff_reset_mfa", args=[colleague.code]))
    assert not TOTPDevice.objects.filter(user=colleague).exists()


def test_it_grants_and_ends_a_role(client, it_admin, teacher, school, as_user):
    as_user(it_admin)
    client.post(reverse("pastoral:staff_detail", args=[teacher.code]), {"role": "pastoral_staff"})
    granted = Membership.objects.get(user=teacher, role="pastoral_staff")
    assert granted.is_current
    client.post(reverse("pastoral:membership_end", args=[teacher.code, granted.code]))
    granted.refresh_from_db()
    assert not granted.is_current
    actions = set(AuditEntry.objects.filter(actor=it_admin).values_list("action", flat=True))
    assert {"pastoral.membership.granted", "pastoral.membership.ended"} <= actions


def test_an_it_admin_cannot_grant_themselves_a_role(client, it_admin, school, as_user):
    as_user(it_admin)
    response = client.post(reverse("pastoral:staff_detail", args=[it_admin.code]), {"role": "dsl"})
    assert response.status_code == 200 and "You cannot grant yourself a role" in response.content.decode()
    assert not Membership.objects.filter(user=it_admin, role="dsl").exists()
    assert client.get(reverse("safeguarding:concern_list")).status_code == 403


def test_it_hides_staff_of_other_schools(client, it_admin, other_school_dsl, as_user):
    as_user(it_admin)
    assert client.get(reverse("pastoral:staff_detail", args=[other_school_dsl.code])).status_code == 404
    assert client.post(reverse("pastoral:staff_deactivate", args=[other_school_dsl.code])).status_code == 404
    other_school_dsl.refresh_from_db()
    assert other_school_dsl.is_active


def test_it_will_not_let_an_admin_deactivate_themselves(client, it_admin, as_user):
    as_user(it_admin)
    client.post(reverse("pastoral:staff_deactivate", args=[it_admin.code]))
    it_admin.refresh_from_db()
    assert it_admin.is_active


def test_the_nightly_task_deactivates_staff_whose_roles_have_all_ended(school):
    from pastoral.tasks import deactivate_leavers_task

    gone = MembershipFactory(school=school, ends_on=datetime.date.today() - datetime.timedelta(days=1)).user
    staying = MembershipFactory(school=school).user
    assert deactivate_leavers_task() == 1
    gone.refresh_from_db()
    staying.refresh_from_db()
    assert not gone.is_active
    assert staying.is_active


def test_the_digest_emails_pastoral_leads_counts_without_names(
    school, pastoral_lead, pupil, mailoutbox, django_capture_on_commit_callbacks
):
    from pastoral.tasks import reviews_due_digest_task

    pupil.leaving_date = datetime.date.today() + datetime.timedelta(days=3)
    pupil.save()
    with django_capture_on_commit_callbacks(execute=True):
        reviews_due_digest_task()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [pastoral_lead.email]
    assert "Pupils leaving in the next 14 days: 1" in message.body
    assert "Ainsworth" not in message.body


def test_staff_holding_ignores_ended_roles_but_keeps_people_with_a_current_one(school):
    from pastoral.selectors import staff_holding

    person = MembershipFactory(school=school, role="pastoral_lead").user
    MembershipFactory(user=person, school=school, role="teacher", ends_on=datetime.date(2025, 1, 1))
    gone = MembershipFactory(school=school, role="pastoral_lead", ends_on=datetime.date(2025, 1, 1)).user
    holders = list(staff_holding(school, ["pastoral_lead"]))
    assert person in holders
    assert gone not in holders


def test_deactivating_someone_who_also_works_elsewhere_ends_only_this_schools_roles(
    client, it_admin, teacher, school, sister_school, as_user
):
    elsewhere = MembershipFactory(user=teacher, school=sister_school, role=Role.SENCO)
    as_user(it_admin)
    detail = client.get(reverse("pastoral:staff_detail", args=[teacher.code])).content.decode()
    assert "Leaver: end their roles here" in detail
    response = client.post(reverse("pastoral:staff_deactivate", args=[teacher.code]), follow=True)
    assert "keep their roles elsewhere" in response.content.decode()
    teacher = User.objects.get(pk=teacher.pk)
    here = teacher.memberships.get(school=school)
    elsewhere.refresh_from_db()
    assert teacher.is_active and here.ends_on < datetime.date.today() and elsewhere.ends_on is None
    assert not access.is_member_of(teacher, school)
    assert access.has_school_perm(teacher, sister_school, "pastoral.view_pupil")
    assert AuditEntry.objects.filter(action="pastoral.staff.left_school", object_id=str(teacher.pk)).exists()


def test_a_school_it_admin_cannot_end_trust_wide_roles(client, it_admin, trust_leader, as_user):
    trust_role = trust_leader.memberships.get()
    as_user(it_admin)
    detail = client.get(reverse("pastoral:staff_detail", args=[trust_leader.code])).content.decode()
    assert "Deactivate (leaver)" not in detail and "End this role" not in detail
    assert client.post(reverse("pastoral:staff_deactivate", args=[trust_leader.code])).status_code == 403
    end = reverse("pastoral:membership_end", args=[trust_leader.code, trust_role.code])
    assert client.post(end).status_code == 403
    trust_leader.refresh_from_db()
    trust_role.refresh_from_db()
    assert trust_leader.is_active and trust_role.ends_on is None
    with pytest.raises(PastoralError):
        services.membership_end(actor=it_admin, membership=trust_role)


def test_a_school_it_admin_keeps_a_trust_leaders_trust_role_when_ending_their_school_role(
    client, it_admin, trust_leader, school, as_user
):
    MembershipFactory(user=trust_leader, school=school, role=Role.TEACHER)
    as_user(it_admin)
    assert client.post(reverse("pastoral:staff_deactivate", args=[trust_leader.code])).status_code == 302
    trust_leader = User.objects.get(pk=trust_leader.pk)
    assert trust_leader.is_active
    assert trust_leader.memberships.get(school__isnull=True).ends_on is None
    assert trust_leader.memberships.get(school=school).ends_on < datetime.date.today()


def test_a_trust_level_admin_ends_trust_wide_roles(client, trust, school, trust_leader, as_user):
    trust_admin = make_staff(None, Role.IT_ADMIN, "trustadmin", trust=trust)
    trust_role = trust_leader.memberships.get()
    as_user(trust_admin)
    detail = client.get(reverse("pastoral:staff_detail", args=[trust_leader.code])).content.decode()
    assert "End this role" in detail
    response = client.post(reverse("pastoral:membership_end", args=[trust_leader.code, trust_role.code]))
    assert response.status_code == 302
    trust_role.refresh_from_db()
    assert trust_role.ends_on < datetime.date.today()
    other = make_staff(None, Role.TRUST_DSL, "trustdsl", trust=trust)
    assert client.post(reverse("pastoral:staff_deactivate", args=[other.code])).status_code == 302
    other.refresh_from_db()
    assert not other.is_active and other.memberships.get().ends_on < datetime.date.today()
