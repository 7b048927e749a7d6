"""The cards beside the pupil: the registry, the fragment view and where the cards show."""

import pytest
from django.urls import reverse

from behaviour.tests.factories import BehaviourCategoryFactory, BehaviourEventFactory
from conftest import verified_client
from pastoral import pupil_cards


@pytest.fixture
def temporary_cards(monkeypatch):
    monkeypatch.setattr(pupil_cards, "_PROVIDERS", {})


@pytest.fixture
def calm_card(temporary_cards):
    def provider(user, pupil):
        if pupil.legal_first_name != "Zoë":
            return None
        return pupil_cards.PupilCard(
            "How to support me", "pastoral/cards/_text.html", {"text": f"Speak quietly to {pupil.display_name}"}
        )

    pupil_cards.register("calm", provider)


def test_it_returns_the_cards_in_registration_order_and_skips_none(temporary_cards, teacher, pupil):
    seen = []
    pupil_cards.register("first", lambda user, p: pupil_cards.PupilCard("First", "t.html"))
    pupil_cards.register("nothing", lambda user, p: seen.append((user, p)))
    pupil_cards.register("second", lambda user, p: pupil_cards.PupilCard("Second", "t.html", tone="warning"))

    cards = pupil_cards.cards_for(teacher, pupil)

    assert [card.title for card in cards] == ["First", "Second"]
    assert cards[1].tone == "warning"
    assert seen == [(teacher, pupil)]


def test_it_renders_the_fragment_for_a_pupil_of_the_school(client, calm_card, teacher, pupil):
    verified_client(client, teacher)

    response = client.get(reverse("pastoral:pupil_cards", args=[pupil.code]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "How to support me" in body
    assert f"Speak quietly to {pupil.display_name}" in body
    assert f'data-pupil-cards-for="{pupil.code}"' in body


def test_it_renders_nothing_when_no_card_answers(client, temporary_cards, teacher, pupil):
    verified_client(client, teacher)

    response = client.get(reverse("pastoral:pupil_cards", args=[pupil.code]))

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


def test_it_gives_404_to_staff_of_another_school(client, calm_card, other_school_dsl, pupil):
    verified_client(client, other_school_dsl)

    response = client.get(reverse("pastoral:pupil_cards", args=[pupil.code]))

    assert response.status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, calm_card, pupil):
    response = client.get(reverse("pastoral:pupil_cards", args=[pupil.code]))

    assert response.status_code == 302


def test_it_shows_the_cards_on_the_pupil_profile(client, calm_card, teacher, pupil):
    verified_client(client, teacher)

    response = client.get(reverse("pastoral:pupil_detail", args=[pupil.code]))

    assert f"Speak quietly to {pupil.display_name}" in response.content.decode()


def test_it_shows_the_cards_of_the_pupil_already_chosen_in_the_quick_log(client, calm_card, teacher, pupil):
    verified_client(client, teacher)

    response = client.get(reverse("behaviour:quick_log") + f"?pupil={pupil.code}")

    body = response.content.decode()
    assert f"Speak quietly to {pupil.display_name}" in body
    assert "data-pupil-cards-beside" in body
    assert 'data-field="pupils"' in body


def test_it_shows_the_cards_beside_the_pupil_in_the_intervention_form(client, calm_card, pastoral_lead, pupil):
    verified_client(client, pastoral_lead)

    response = client.get(reverse("behaviour:intervention_create") + f"?pupil={pupil.code}")

    assert response.status_code == 200
    assert f"Speak quietly to {pupil.display_name}" in response.content.decode()


def test_it_shows_the_cards_of_the_events_pupils_in_the_incident_form(client, calm_card, teacher, school, pupil):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    event = BehaviourEventFactory(pupil=pupil, category=category, recorded_by=teacher)
    verified_client(client, teacher)

    response = client.get(reverse("behaviour:incident_create", args=[event.code]))

    assert response.status_code == 200
    assert f"Speak quietly to {pupil.display_name}" in response.content.decode()
