"""The trust leader adds a school, optionally naming its first headteacher; nobody else may."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from behaviour.models import BehaviourCategory
from conftest import make_staff, verified_client
from pastoral.accounts import access, trusts
from pastoral.accounts.roles import Role
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, Membership, OutboxMessage, School, User
from pastoral.tests.factories import PupilFactory, SchoolFactory
from pastoral.tests.test_setup_trust import LINK, enrol

ADD = "pastoral:school_add"
LIST = "pastoral:trust_schools"
NEW_HEAD = {
    "head_choice": "new",
    "head_first_name": "Omar",
    "head_last_name": "Hassan",
    "head_email": "o.hassan@brook.sch.uk",
    "head_username": "o.hassan",
}


def form(**values):
    return {"name": "Brook Primary", "urn": "140555", "phase": "primary", "head_choice": "none", **values}


def test_the_pages_are_for_trust_leaders_only(client, trust_leader, headteacher, teacher, sister_school, as_user):
    other_head = make_staff(sister_school, Role.HEADTEACHER, "otherhead")
    for user, status in [(trust_leader, 200), (headteacher, 403), (other_head, 403), (teacher, 403)]:
        as_user(user)
        for name in (LIST, ADD):
            assert client.get(reverse(name)).status_code == status, (user, name)
        if status == 403:
            assert client.post(reverse(ADD), form()).status_code == 403
    assert not School.objects.filter(name="Brook Primary").exists()
    client.logout()
    assert client.get(reverse(ADD)).status_code == 302


def test_the_nav_offers_the_schools_page_to_trust_leaders_only(client, trust_leader, headteacher, as_user):
    as_user(trust_leader)
    assert f'href="{reverse(LIST)}"' in client.get(reverse("pastoral:home")).content.decode()
    as_user(headteacher)
    assert f'href="{reverse(LIST)}"' not in client.get(reverse("pastoral:home")).content.decode()


def test_a_trust_leader_adds_a_school_with_a_new_head_who_is_emailed_a_link(
    client, trust, trust_leader, as_user, django_capture_on_commit_callbacks
):
    as_user(trust_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(ADD), form(**NEW_HEAD), follow=True)
    assert response.redirect_chain[-1][0] == reverse(LIST)
    page = response.content.decode()
    assert "Brook Primary has been added to Northfield Learning Trust." in page
    assert "A link to choose a password has been emailed to o.hassan@brook.sch.uk" in page
    assert "Omar Hassan" in page and "140555" in page

    school = School.objects.get(name="Brook Primary")
    assert (school.trust, school.urn, school.phase) == (trust, "140555", "primary")
    head = User.objects.get(username="o.hassan")
    assert not head.has_usable_password()
    membership = Membership.objects.get(user=head)
    assert (membership.school, membership.role, membership.granted_by, membership.approved_by) == (
        school,
        Role.HEADTEACHER,
        trust_leader,
        trust_leader,
    )
    assert BehaviourCategory.objects.filter(school=school).exists()

    entries = AuditEntry.objects.filter(school=school).order_by("pk")
    assert [e.action for e in entries] == [
        "pastoral.school.added",
        "behaviour.categories.seeded",
        "pastoral.staff.created",
        "pastoral.membership.granted",
        "pastoral.membership.approved",
    ]
    assert all(e.actor == trust_leader for e in entries)
    assert entries[0].data == {"name": "Brook Primary", "urn": "140555", "phase": "primary", "by_trust_leader": True}

    [email] = mail.outbox
    assert email.to == ["o.hassan@brook.sch.uk"] and "has created an account for you" in email.body
    assert OutboxMessage.objects.get().done_at is not None
    enrol(Client(), LINK.search(email.body).group(1), "o.hassan")


def test_an_existing_member_of_staff_can_be_named_head_without_a_new_account(
    client, trust_leader, school, dsl, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    as_user(trust_leader)
    page = client.get(reverse(ADD)).content.decode()
    assert f'value="{dsl.code}"' in page and f'value="{trust_leader.code}"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse(ADD), form(head_choice="existing", head=str(dsl.code)))
    assert response.status_code == 302
    new_school = School.objects.get(name="Brook Primary")
    assert access.has_school_perm(User.objects.get(pk=dsl.pk), new_school, "pastoral.manage_staff")
    assert User.objects.count() == 2 and mailoutbox == []
    assert set(Membership.objects.filter(user=dsl).values_list("school__name", "role")) == {
        ("Northfield Academy", Role.DSL),
        ("Brook Primary", Role.HEADTEACHER),
    }


def test_a_school_without_a_head_yet(client, trust_leader, as_user):
    as_user(trust_leader)
    assert client.post(reverse(ADD), form()).status_code == 302
    school = School.objects.get(name="Brook Primary")
    assert not Membership.objects.filter(school=school).exists()
    assert "None yet" in client.get(reverse(LIST)).content.decode()


@pytest.mark.parametrize(
    "values,field,message",
    [
        ({"urn": "14055"}, "urn", "six-digit DfE unique reference number"),
        ({"urn": "100001"}, "urn", "is already used by"),
        ({"name": "northfield academy"}, "name", "already has a school called"),
        ({"name": ""}, "name", "This field is required."),
        ({"head_choice": "existing"}, "head", "Choose the member of staff"),
        ({**NEW_HEAD, "head_email": "nope"}, "head_email", "Enter a valid email address."),
        ({**NEW_HEAD, "head_username": "DSL"}, "head_username", "is taken"),
        ({**NEW_HEAD, "head_last_name": ""}, "head_last_name", "Give the last name."),
    ],
)
def test_errors_are_shown_beside_the_field_and_nothing_is_created(
    client, trust_leader, school, dsl, as_user, values, field, message
):
    SchoolFactory(urn="100001")
    as_user(trust_leader)
    before = (School.objects.count(), User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    response = client.post(reverse(ADD), form(**values))
    assert response.status_code == 200
    page = response.content.decode()
    # The message sits in the field's own feedback, right after its input.
    field_block = re.search(rf'id="id_{field}".*?<(div|p)[^>]*invalid-feedback[^>]*>(.*?)</', page, re.S)
    assert field_block and message in field_block.group(2), page
    assert f'name="name" value="{values.get("name", "Brook Primary")}"' in page or field == "name"
    after = (School.objects.count(), User.objects.count(), Membership.objects.count(), AuditEntry.objects.count())
    assert after == before


def test_the_service_refuses_anyone_but_a_trust_leader_of_that_trust(trust_leader, headteacher, other_trust_school):
    school = trusts.NewSchool(name="Brook Primary")
    with pytest.raises(PastoralError):
        trusts.school_add(actor=headteacher, trust=headteacher.memberships.get().trust, school=school)
    with pytest.raises(PastoralError):
        trusts.school_add(actor=trust_leader, trust=other_trust_school.trust, school=school)
    assert not School.objects.filter(name="Brook Primary").exists()


def test_a_trust_leader_cannot_appoint_themselves(trust_leader, trust):
    with pytest.raises(Exception, match="cannot appoint yourself"):
        trusts.school_add(actor=trust_leader, trust=trust, school=trusts.NewSchool(name="Brook"), head=trust_leader)
    assert not School.objects.filter(name="Brook").exists()


def test_the_schools_page_takes_the_same_number_of_queries_however_many_schools(
    client, trust, trust_leader, school, headteacher, as_user, django_assert_max_num_queries
):
    as_user(trust_leader)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse(LIST))
    for n in range(8):
        extra = SchoolFactory(trust=trust, name=f"Extra {n}")
        make_staff(extra, Role.HEADTEACHER, f"head{n}")
        PupilFactory(school=extra)
    verified_client(client, User.objects.get(pk=trust_leader.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse(LIST)).content.decode()
    assert page.count('<th scope="row">Extra ') == 8 and "Head0" in page


def test_the_add_page_takes_the_same_number_of_queries_however_many_staff(
    client, trust, trust_leader, school, as_user, django_assert_max_num_queries
):
    as_user(trust_leader)
    client.get(reverse(ADD))
    with django_assert_max_num_queries(14) as few:
        client.get(reverse(ADD))
    for n in range(10):
        make_staff(school, Role.TEACHER, f"teacher{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(ADD)).content.decode().count("Teacher0") == 1
