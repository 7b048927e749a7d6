import pytest
from django.urls import reverse

from pastoral.accounts import access
from pastoral.accounts.permissions import objects_granted_to, record_access_grant, record_access_revoke
from pastoral.models import AuditEntry, Pupil
from pastoral.selectors import pupils_visible_to
from pastoral.tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_a_superuser_sees_no_pupils_by_default(client, superuser, pupil):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import verified_client

    TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    assert not pupils_visible_to(superuser).exists()
    assert not objects_granted_to(superuser, "pastoral.view_pupil", Pupil.objects.all()).exists()
    verified_client(client, superuser)
    assert client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).status_code == 404


def test_a_per_record_grant_names_the_record_and_is_audited(teacher, pupil, school, dsl):
    from pastoral.tests.factories import PupilFactory

    other = PupilFactory(school=school)
    record_access_grant(actor=dsl, grantee=teacher, perm="pastoral.view_pupil", obj=pupil)
    granted = objects_granted_to(teacher, "pastoral.view_pupil", Pupil.objects.all())
    assert list(granted) == [pupil]
    assert other not in granted
    record_access_revoke(actor=dsl, grantee=teacher, perm="pastoral.view_pupil", obj=pupil)
    assert not objects_granted_to(teacher, "pastoral.view_pupil", Pupil.objects.all()).exists()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["pastoral.permission.granted", "pastoral.permission.revoked"]


def test_a_misspelt_permission_raises(teacher, school):
    with pytest.raises(ValueError):
        access.has_school_perm(teacher, school, "pastoral.veiw_pupil")


def test_roles_are_scoped_to_their_school(dsl, school, sister_school):
    assert access.has_school_perm(dsl, school, "pastoral.view_pupil")
    assert not access.has_school_perm(dsl, sister_school, "pastoral.view_pupil")


def test_it_admins_see_no_pupils(it_admin, pupil):
    assert not pupils_visible_to(it_admin).exists()


def test_role_groups_mirror_the_role_permissions(db):
    from django.contrib.auth.models import Group

    from pastoral.accounts.roles import Role

    group = Group.objects.get(name=Role.DSL.group_name)
    names = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert "pastoral.view_pupil" in names
    assert "pastoral.manage_staff" not in names
