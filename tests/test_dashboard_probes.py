"""A home panel's provider is asked only when its probe finds a row (pastoral.dashboard). A probe stricter than its
panel would hide something a member of staff must act on, so every probe is checked against the demo data, for
every member of staff of the demo school: where the probe finds nothing, the provider shows nothing either; and
the probes that do find something lead to panels that are shown (so the check has something to find)."""

import pytest

from pastoral import dashboard, demo
from pastoral.models import Membership, School


class _Request:
    def __init__(self, user):
        self.user = user
        self.session = {}
        self.GET = {}


@pytest.mark.django_db
def test_where_a_probe_finds_nothing_its_panel_shows_nothing_for_any_member_of_staff():
    demo.seed_demo()
    school = School.objects.get(name="Northfield Academy")
    users = {membership.user for membership in Membership.objects.filter(school=school).select_related("user")}
    assert len(users) >= 8
    probed = {name for name, (_order, _provider, probe) in dashboard._PROVIDERS.items() if probe is not None}
    assert len(probed) >= 10, probed
    shown_after_a_yes = set()
    for user in sorted(users, key=lambda user: user.pk):
        request = _Request(user)
        worth = dashboard.probed(request, school)
        for name in probed:
            _order, provider, _probe = dashboard._PROVIDERS[name]
            panel = provider(request, school)
            if not worth[name]:
                assert panel is None, (name, user.username)
            elif panel is not None:
                shown_after_a_yes.add(name)
    assert len(shown_after_a_yes) >= 4, shown_after_a_yes
