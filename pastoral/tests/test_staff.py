import datetime

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import AuditEntry, Membership, User
from pastoral.tests.factories import MembershipFactory


def test_it_creates_an_account_and_emails_a_set_password_link(
    client, it_admin, school, as_user, mailoutbox, django_capture_on_commit_callbacks
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
    assert Membership.objects.get(user=user).school == school
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
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
    assert teacher.memberships.get().ends_on == datetime.date.today()
    assert AuditEntry.objects.filter(action="pastoral.staff.deactivated", object_id=str(teacher.pk)).exists()


def test_it_resets_two_factor_for_a_lost_phone(client, it_admin, teacher, as_user):
    as_user(it_admin)
    client.post(reverse("pastoral:staff_reset_mfa", args=[teacher.code]))
    assert not TOTPDevice.objects.filter(user=teacher).exists()


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
