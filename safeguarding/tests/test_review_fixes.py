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
