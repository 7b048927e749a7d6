"""Staff accounts and roles in the Django admin: visible to the operator, never changed there."""

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import make_staff, verified_client
from pastoral import services
from pastoral.accounts.roles import Role
from pastoral.models import Membership, Pupil, User
from pastoral.tests.factories import UserFactory


@pytest.fixture
def operator(client, db):
    superuser = User.objects.create_superuser("root", "root@example.test", "a-long-password-1")
    TOTPDevice.objects.create(user=superuser, name="Authenticator app", confirmed=True)
    verified_client(client, superuser)
    return superuser


def test_staff_and_roles_are_listed_searched_and_filtered(client, operator, headteacher, dsl, it_admin, school):
    newbie = UserFactory(username="newbie", first_name="Nina", last_name="Newbie")
    pending = services.membership_grant(actor=it_admin, user=newbie, school=school, role="dsl")
    users = client.get(reverse("admin:pastoral_user_changelist"))
    assert users.status_code == 200
    page = users.content.decode()
    assert "head" in page and "Headteacher (Northfield Academy)" in page
    found = client.get(reverse("admin:pastoral_user_changelist"), {"q": "DSL@school"}).content.decode()
    assert ">dsl<" in found and ">head<" not in found
    by_role = client.get(reverse("admin:pastoral_user_changelist"), {"role": "dsl"}).content.decode()
    assert ">dsl<" in by_role and ">head<" not in by_role and ">newbie<" not in by_role

    roles = client.get(reverse("admin:pastoral_membership_changelist"))
    assert roles.status_code == 200 and "Awaiting approval" in roles.content.decode()
    awaiting = client.get(reverse("admin:pastoral_membership_changelist"), {"approval": "awaiting"}).content.decode()
    assert "Nina Newbie" in awaiting and "Head Tester" not in awaiting and "1 membership" in awaiting
    detail = client.get(reverse("admin:pastoral_membership_change", args=[pending.pk])).content.decode()
    assert str(pending.code) in detail  # what `manage.py approve_role <code>` takes


def test_no_password_hash_is_shown_and_nothing_can_be_changed(client, operator, dsl):
    dsl.refresh_from_db()
    page = client.get(reverse("admin:pastoral_user_change", args=[dsl.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert dsl.password not in body and dsl.password.split("$")[0] + "$" not in body
    assert "Designated safeguarding lead" in body and 'name="username"' not in body

    assert client.post(reverse("admin:pastoral_user_change", args=[dsl.pk]), {"is_superuser": "on"}).status_code == 403
    assert client.get(reverse("admin:pastoral_user_add")).status_code == 403
    assert client.post(reverse("admin:pastoral_user_delete", args=[dsl.pk]), {"post": "yes"}).status_code == 403

    membership = Membership.objects.get(user=dsl)
    change = reverse("admin:pastoral_membership_change", args=[membership.pk])
    assert 'name="role"' not in client.get(change).content.decode()
    assert client.post(change, {"role": "headteacher", "approved_at": ""}).status_code == 403
    assert client.get(reverse("admin:pastoral_membership_add")).status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.DSL and membership.approved_at is not None
    assert User.objects.filter(pk=dsl.pk, is_superuser=False).exists()


def test_pupil_records_stay_out_of_the_admin():
    assert not admin.site.is_registered(Pupil)


@pytest.mark.parametrize("url", ["admin:pastoral_user_changelist", "admin:pastoral_membership_changelist"])
def test_the_lists_take_the_same_number_of_queries_however_many_staff(
    client, operator, school, url, django_assert_max_num_queries
):
    make_staff(school, Role.TEACHER, "first")
    client.get(reverse(url))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse(url))
    for n in range(15):
        make_staff(school, Role.TEACHER if n % 2 else Role.DSL, f"staff{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(url)).status_code == 200


def test_a_plain_member_of_staff_cannot_open_the_admin(client, headteacher):
    verified_client(client, headteacher)
    response = client.get(reverse("admin:pastoral_user_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response.url
