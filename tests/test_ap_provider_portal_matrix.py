"""A provider account against every URL of the app: it reaches its portal and its own sign-in pages, and every
other URL answers 404, for GET and POST alike, as the safeguarding roles are tested. Ending the placement, or the
provider role, ends its sight of the pupil."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.models import User
from provision.ap import services
from provision.ap.models import Placement, ProviderAccount
from provision.tests.ap_factories import make_placement, make_provider
from tests.test_permission_matrix import MATRIX, url_for, world  # noqa: F401 (the fixture)

PORTAL_STATUSES = {
    "provision:ap_portal": 200,
    "provision:ap_portal_placement": 200,
    "provision:ap_portal_returns": 405,
    "provision:ap_portal_report": 200,
    "provision:ap_portal_photo": 200,
    "accounts:login": 302,
    "accounts:logout": 405,
    "accounts:mfa_verify": 302,
    "accounts:mfa_setup": 302,
    "accounts:backup_codes": 405,
    "accounts:password_reset": 200,
    "accounts:password_reset_done": 200,
    "accounts:password_reset_confirm": 200,
    "accounts:password_reset_complete": 200,
}


@pytest.fixture
def provider_user(world):  # noqa: F811
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The matrix's provider account (tests/matrix/provision_ap.py), approved, with an authenticator.
    user = ProviderAccount.objects.get(provider__code=world["ap_provider"]).user
    TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


@pytest.mark.parametrize("name,keys,expected", MATRIX, ids=[row[0] for row in MATRIX])
def test_a_provider_account_reaches_nothing_but_its_portal(client, world, provider_user, name, keys, expected):  # noqa: F811
    verified_client(client, provider_user)
    url = url_for(name, keys, world)
    response = client.get(url)
    if name == "pastoral:home":
        assert response.status_code == 302 and response.url == reverse("provision:ap_portal")
        return
    assert response.status_code == PORTAL_STATUSES.get(name, 404), f"provider GET {name}"
    if name not in PORTAL_STATUSES:
        assert client.post(url).status_code == 404, f"provider POST {name}"


def test_the_portal_shows_only_the_providers_active_placements(client, world, provider_user):  # noqa: F811
    placement = Placement.objects.get(code=world["ap_placement"])
    verified_client(client, provider_user)
    page = client.get(reverse("provision:ap_portal")).content.decode()
    assert placement.pupil.legal_last_name in page
    detail = client.get(reverse("provision:ap_portal_placement", args=[placement.code])).content.decode()
    assert "Attend regularly" in detail
    assert placement.pupil.upn not in detail  # names, photo, timetable, objectives: no more
    other = make_provider(User.objects.get(username="apcoord"), placement.school, name="Elsewhere AP")
    from pastoral.tests.factories import PupilFactory

    elsewhere = make_placement(
        User.objects.get(username="apcoord"), PupilFactory(school=placement.school), other, active=True
    )
    assert client.get(reverse("provision:ap_portal_placement", args=[elsewhere.code])).status_code == 404
    assert elsewhere.pupil.legal_last_name not in client.get(reverse("provision:ap_portal")).content.decode()


def test_ending_the_placement_ends_the_providers_sight(client, world, provider_user):  # noqa: F811
    placement = Placement.objects.get(code=world["ap_placement"])
    url = reverse("provision:ap_portal_placement", args=[placement.code])
    verified_client(client, provider_user)
    assert client.get(url).status_code == 200
    services.placement_end(
        actor=User.objects.get(username="apcoord"),
        placement=placement,
        end_kind=Placement.EndKind.PLANNED,
        ended_on=timezone.localdate(),
        exit_plan="Back to school",
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("provision:ap_portal_photo", args=[placement.code])).status_code == 404
    assert placement.pupil.legal_last_name not in client.get(reverse("provision:ap_portal")).content.decode()


def test_an_ended_provider_role_sees_no_pupil(client, world, provider_user):  # noqa: F811
    placement = Placement.objects.get(code=world["ap_placement"])
    provider_user.memberships.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    verified_client(client, provider_user)
    # An account without a current role is signed out; either way the pupil is not shown.
    for url in (
        reverse("provision:ap_portal_placement", args=[placement.code]),
        reverse("pastoral:pupil_detail", args=[placement.pupil.code]),
    ):
        response = client.get(url)
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            assert response.url.startswith(reverse("accounts:login"))


def test_the_provider_sends_todays_attendance_through_the_portal(client, world, provider_user):  # noqa: F811
    placement = Placement.objects.get(code=world["ap_placement"])
    day = timezone.localdate()
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    verified_client(client, provider_user)
    url = reverse("provision:ap_portal_returns", args=[placement.code])
    refused = client.post(url, {"date": day.isoformat(), "AM-mark": "absent", "PM-mark": "present"})
    assert refused.status_code == 400 and b"Give the reason" in refused.content
    response = client.post(
        url, {"date": day.isoformat(), "AM-mark": "present", "PM-mark": "late", "PM-minutes_late": "10"}
    )
    assert response.status_code == 302
    assert set(placement.returns.filter(date=day).values_list("session", "mark")) == {("AM", "present"), ("PM", "late")}


def test_a_provider_account_is_not_offered_the_school_switcher(client, world, provider_user):  # noqa: F811
    from pastoral.tests.factories import SchoolFactory

    placement = Placement.objects.get(code=world["ap_placement"])
    SchoolFactory(trust=placement.school.trust, name="Second Academy")  # a trust-wide role now spans two schools
    verified_client(client, provider_user)
    page = client.get(reverse("provision:ap_portal")).content.decode()
    assert placement.pupil.legal_last_name in page
    assert 'id="school-switch"' not in page
    leader = make_staff(None, Role.TRUST_LEADER, "switching.leader", trust=placement.school.trust)
    verified_client(client, leader)
    assert 'id="school-switch"' in client.get(reverse("pastoral:home")).content.decode()
