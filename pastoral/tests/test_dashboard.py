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
