"""The phrase bank: kept by the headteacher and the pastoral lead per school, audited, and offered on the quick log."""

import uuid

import pytest
from django.urls import reverse

from behaviour.models import BehaviourEvent, BehaviourPhrase
from conftest import make_staff
from pastoral.accounts.roles import Role
from pastoral.models import AuditEntry

from .factories import BehaviourCategoryFactory


@pytest.fixture
def kindness(school):
    return BehaviourCategoryFactory(school=school, name="Kindness", kind="positive", points=1)


@pytest.fixture
def refused(school, disruption):
    return BehaviourPhrase.objects.create(school=school, category=disruption, text="Refused to follow instructions.")


def test_it_lets_the_pastoral_lead_add_a_phrase_for_a_category(client, as_user, pastoral_lead, school, disruption):
    as_user(pastoral_lead)
    response = client.post(
        reverse("behaviour:phrase_create"),
        {"text": "  Calling out repeatedly.  ", "category": disruption.code, "active": "on", "order": 1},
    )
    assert response.status_code == 302
    phrase = BehaviourPhrase.objects.get()
    assert (phrase.school, phrase.category, phrase.text) == (school, disruption, "Calling out repeatedly.")
    entry = AuditEntry.objects.get(action="behaviour.phrase.created")
    assert entry.actor == pastoral_lead and entry.data["text"] == "Calling out repeatedly."
    listing = client.get(reverse("behaviour:phrase_list")).content.decode()
    assert "Calling out repeatedly." in listing and "Negative: Disruption in lesson" in listing


def test_it_audits_a_change_and_shows_the_category_chosen(client, as_user, headteacher, refused, kindness):
    as_user(headteacher)
    page = client.get(reverse("behaviour:phrase_edit", args=[refused.code])).content.decode()
    assert f'value="{refused.category.code}" selected' in page
    response = client.post(
        reverse("behaviour:phrase_edit", args=[refused.code]), {"text": refused.text, "category": "", "order": 0}
    )
    assert response.status_code == 302
    refused.refresh_from_db()
    assert refused.category is None and not refused.active
    entry = AuditEntry.objects.get(action="behaviour.phrase.changed")
    assert set(entry.data) == {"category", "active"}


def test_it_refuses_a_phrase_already_in_the_bank(client, as_user, headteacher, refused):
    as_user(headteacher)
    response = client.post(
        reverse("behaviour:phrase_create"),
        {"text": refused.text.upper(), "category": refused.category.code, "active": "on", "order": 0},
    )
    assert response.status_code == 200
    assert "already in the bank" in response.content.decode()
    assert BehaviourPhrase.objects.count() == 1


def test_it_refuses_a_category_of_another_school(client, as_user, headteacher, sister_school):
    theirs = BehaviourCategoryFactory(school=sister_school, name="Theirs")
    as_user(headteacher)
    response = client.post(
        reverse("behaviour:phrase_create"), {"text": "Hello", "category": theirs.code, "active": "on", "order": 0}
    )
    assert response.status_code == 200
    assert not BehaviourPhrase.objects.exists()


def test_another_schools_phrase_is_not_found(client, as_user, sister_school, refused):
    # A head of the sister school (same trust) edits only their own school's phrases.
    other_head = make_staff(sister_school, Role.HEADTEACHER, "otherhead")
    as_user(other_head)
    assert client.get(reverse("behaviour:phrase_edit", args=[refused.code])).status_code == 404
    response = client.post(reverse("behaviour:phrase_edit", args=[refused.code]), {"text": "Changed", "order": 0})
    assert response.status_code == 404
    refused.refresh_from_db()
    assert refused.text == "Refused to follow instructions."
    assert refused.text not in client.get(reverse("behaviour:phrase_list")).content.decode()


@pytest.mark.parametrize("role", ["teacher", "pastoral_staff", "dsl"])
def test_staff_who_do_not_keep_the_categories_may_not_change_phrases(client, as_user, request, role, refused):
    as_user(request.getfixturevalue(role))
    assert client.get(reverse("behaviour:phrase_list")).status_code == 403
    response = client.post(reverse("behaviour:phrase_edit", args=[refused.code]), {"text": "Changed", "order": 0})
    assert response.status_code == 403
    refused.refresh_from_db()
    assert refused.text == "Refused to follow instructions."
    assert not AuditEntry.objects.filter(action__startswith="behaviour.phrase").exists()


def test_the_quick_log_offers_the_active_phrases_with_their_category(
    client, as_user, teacher, school, refused, kindness
):
    BehaviourPhrase.objects.create(school=school, text="Parents informed by phone.")
    BehaviourPhrase.objects.create(school=school, category=kindness, text="Old phrase", active=False)
    as_user(teacher)
    body = client.get(reverse("behaviour:quick_log")).content.decode()
    assert f'data-phrase="Refused to follow instructions." data-category="{refused.category.code}"' in body
    assert 'data-phrase="Parents informed by phone." data-category=""' in body
    assert "Old phrase" not in body
    assert "js/phrase_bank.js" in body
    # Without JavaScript the same phrases are a list the server adds on save.
    assert f'<option value="{refused.code}">Disruption in lesson: Refused to follow instructions.</option>' in body


def test_a_phrase_chosen_without_javascript_is_added_to_what_happened(
    client, as_user, teacher, pupil, disruption, refused
):
    as_user(teacher)
    data = {
        "pupils": [str(pupil.code)],
        "category": disruption.code,
        "occurred_at": "2026-11-20T10:15",
        "description": "",
        "phrase": refused.code,
        "submission_key": str(uuid.uuid4()),
    }
    assert client.post(reverse("behaviour:quick_log"), data).status_code == 302
    assert BehaviourEvent.objects.get().description == "Refused to follow instructions."
    data.update(description="In P3 maths.", submission_key=str(uuid.uuid4()))
    assert client.post(reverse("behaviour:quick_log"), data).status_code == 302
    assert BehaviourEvent.objects.latest("created_at").description == "In P3 maths. Refused to follow instructions."


def test_the_quick_log_has_no_phrase_bank_when_the_school_has_none(client, as_user, teacher, disruption):
    as_user(teacher)
    body = client.get(reverse("behaviour:quick_log")).content.decode()
    assert "data-phrase-bank" not in body and 'name="phrase"' not in body
