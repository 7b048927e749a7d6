import pytest
from django.urls import reverse

from conftest import verified_client
from pastoral import dashboard


@pytest.fixture
def temporary_panels(monkeypatch):
    monkeypatch.setattr(dashboard, "_PROVIDERS", dict(dashboard._PROVIDERS))


def test_home_shows_the_panels_whose_providers_answer(client, pastoral_lead, school, temporary_panels, tmp_path):
    seen = []

    def counts(request, school_arg):
        seen.append((request.user, school_arg))
        return dashboard.Panel("Rising behaviour", "pastoral/panels/_text.html", {"text": "Three pupils"})

    dashboard.register("test_counts", counts, order=1)
    dashboard.register("test_nothing", lambda request, school_arg: None, order=2)
    verified_client(client, pastoral_lead)

    response = client.get(reverse("pastoral:home"))

    assert response.status_code == 200
    assert seen == [(pastoral_lead, school)]
    assert [panel.title for panel in response.context["panels"]][:1] == ["Rising behaviour"]
    assert "Three pupils" in response.content.decode()


def test_a_probe_decides_whether_a_provider_is_asked_and_every_probe_is_one_query(
    pastoral_lead, school, temporary_panels, django_assert_num_queries
):
    from pastoral.models import Pupil
    from pastoral.tests.factories import PupilFactory

    asked = []

    def provider(label):
        def panel(request, school_arg):
            asked.append(label)
            return dashboard.Panel(label, "pastoral/panels/_text.html", {"text": f"{label} shown"})

        return panel

    dashboard._PROVIDERS.clear()
    dashboard.register("none", provider("None probe"), order=1, probe=lambda request, s: None)
    dashboard.register("empty", provider("Empty probe"), order=2, probe=lambda request, s: Pupil.objects.none())
    dashboard.register(
        "mine", provider("Pupils here"), order=3, probe=lambda request, s: Pupil.objects.filter(school=s)
    )
    dashboard.register(
        "either",
        provider("Either"),
        order=4,
        probe=lambda request, s: [Pupil.objects.none(), Pupil.objects.filter(school=s)],
    )
    dashboard.register("true", provider("Always"), order=5, probe=lambda request, s: True)
    dashboard.register("unprobed", provider("Unprobed"), order=6)
    request = type("Request", (), {"user": pastoral_lead})()
    assert not Pupil.objects.filter(school=school).exists()

    with django_assert_num_queries(1):
        worth = dashboard.probed(request, school)
    assert worth == {"none": False, "empty": False, "mine": False, "either": False, "true": True, "unprobed": True}
    assert [panel.title for panel in dashboard.panels_for(request, school)] == ["Always", "Unprobed"]

    PupilFactory(school=school)
    asked.clear()
    assert [panel.title for panel in dashboard.panels_for(request, school)] == [
        "Pupils here",
        "Either",
        "Always",
        "Unprobed",
    ]
    assert asked == ["Pupils here", "Either", "Always", "Unprobed"]
