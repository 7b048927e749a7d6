"""Fixes from the security review of safeguarding: each test pins one defect."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from pastoral.chronology import chronology_for


def test_the_marker_for_the_senco_is_undated_and_pinned_first(
    client, as_user, make_concern, pupil, senco, pastoral_lead
):
    long_ago = timezone.now() - timedelta(days=400)
    make_concern(occurred_at=long_ago)
    for viewer in (senco, pastoral_lead):
        items = chronology_for(viewer, pupil)
        marker = [item for item in items if item.area == "safeguarding"]
        assert len(marker) == 1 and marker[0].when is None and marker[0].pinned
        assert items[0] is marker[0]
    as_user(senco)
    body = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    assert "A safeguarding record exists" in body
    start = body.index("A safeguarding record exists")
    entry = body[body.rindex("<li", 0, start) : start]
    assert "<time" not in entry and "Undated" in entry
    assert f"{timezone.localtime(long_ago):%-d %b %Y}" not in body


def test_a_category_in_use_cannot_be_renamed_but_an_unused_one_can(client, as_user, dsl, concern, categories):
    from pastoral.exceptions import PastoralError
    from safeguarding import services

    as_user(dsl)
    used = concern.category
    url = reverse("safeguarding:category_edit", args=[used.code])
    response = client.post(url, {"name": "Physical harm", "active": "on", "order": 1})
    assert "Untick" in response.content.decode() and "retire it" in response.content.decode()
    used.refresh_from_db()
    assert used.name == "Physical abuse"
    # Retiring it is still allowed.
    client.post(url, {"name": "Physical abuse", "order": 1})
    used.refresh_from_db()
    assert not used.active
    # The service re-checks, whatever the form said.
    used.name = "Physical harm"
    try:
        services.category_save(actor=dsl, category=used, changed={})
    except PastoralError:
        pass
    else:
        raise AssertionError("renaming a category in use was allowed")
    used.refresh_from_db()
    assert used.name == "Physical abuse"
    unused = categories["FGM"]
    client.post(
        reverse("safeguarding:category_edit", args=[unused.code]),
        {"name": "FGM (female genital mutilation)", "active": "on", "order": 3},
    )
    unused.refresh_from_db()
    assert unused.name == "FGM (female genital mutilation)"
