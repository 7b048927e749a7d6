"""Lists page by position in their ordering ("newer" / "older"), never by OFFSET."""

import datetime
import re
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from behaviour.models import BehaviourEvent
from behaviour.tests.factories import BehaviourEventFactory
from pastoral.lists import PAGE_SIZE

LINK = re.compile(r'href="\?([^"]*)" rel="(prev|next)"')


def _links(response):
    return {rel: unescape(query) for query, rel in LINK.findall(response.content.decode())}


def _codes(response):
    return [event.code for event in response.context["page"]]


def _events(pupil, count, *, same_time=None):
    start = timezone.now() - datetime.timedelta(days=30)
    return [
        BehaviourEventFactory(pupil=pupil, occurred_at=same_time or start + datetime.timedelta(minutes=n))
        for n in range(count)
    ]


def test_it_walks_every_event_once_in_order_then_back(client, as_user, pastoral_lead, pupil):
    # Ties on the ordering column are where a keyset without a unique last field skips or repeats rows.
    tied = timezone.now() - datetime.timedelta(days=1)
    _events(pupil, 70)
    _events(pupil, 45, same_time=tied)
    expected = list(BehaviourEvent.objects.order_by("-occurred_at", "-id").values_list("code", flat=True))
    as_user(pastoral_lead)
    url = reverse("behaviour:event_list")

    pages, response = [], client.get(url)
    while True:
        pages.append(_codes(response))
        links = _links(response)
        if "next" not in links:
            break
        response = client.get(f"{url}?{links['next']}")
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 15]
    assert [code for page in pages for code in page] == expected
    assert "prev" in _links(response)

    # Back from the last page: the same pages, newest page last reached.
    back = client.get(f"{url}?{_links(response)['prev']}")
    assert _codes(back) == pages[1]
    first = client.get(f"{url}?{_links(back)['prev']}")
    assert _codes(first) == pages[0]
    assert "prev" not in _links(first) and "next" in _links(first)


def test_it_keeps_the_filters_in_the_page_links(client, as_user, pastoral_lead, pupil):
    _events(pupil, PAGE_SIZE + 5)
    as_user(pastoral_lead)
    response = client.get(reverse("behaviour:event_list"), {"kind": "negative"})
    older = _links(response)["next"]
    assert "kind=negative" in older and "page=" not in older
    assert "Older" in response.content.decode()


def test_a_tampered_or_stale_cursor_starts_the_list_again(client, as_user, pastoral_lead, pupil):
    _events(pupil, PAGE_SIZE + 5)
    as_user(pastoral_lead)
    url = reverse("behaviour:event_list")
    first = _codes(client.get(url))
    older = _links(client.get(url))["next"]
    token = older.split("after=")[1]
    outsider = BehaviourEventFactory()  # another school's event: its code is no position in this list
    assert token == str(BehaviourEvent.objects.filter(pupil=pupil).order_by("-occurred_at", "-id")[PAGE_SIZE - 1].code)
    for bad in ("after=abc", f"after={token[:-3]}fff", "before=12", f"after={outsider.code}"):
        response = client.get(f"{url}?{bad}")
        assert response.status_code == 200
        assert _codes(response) == first


def _without_session(queries):
    return len([q for q in queries if "django_session" not in q["sql"] and q["sql"] not in ("BEGIN", "COMMIT")])


def test_a_deep_page_costs_the_same_queries_as_the_first(client, as_user, pastoral_lead, pupil):
    _events(pupil, PAGE_SIZE * 3 + 1)
    as_user(pastoral_lead)
    url = reverse("behaviour:event_list")
    with CaptureQueriesContext(connection) as first:
        response = client.get(url)
    second = client.get(f"{url}?{_links(response)['next']}")
    with CaptureQueriesContext(connection) as deep:
        client.get(f"{url}?{_links(second)['next']}")
    # At most one query more than the first page (reading the cursor's position back). The session's renewal
    # (at most once a minute, so on one of the requests only) is left out of both counts.
    assert _without_session(first) <= _without_session(deep) <= _without_session(first) + 1
    listing = [q["sql"] for q in deep if "behaviour_behaviourevent" in q["sql"] and "LIMIT 51" in q["sql"]]
    # A row comparison the index can start from, and no OFFSET.
    assert listing and all("OFFSET" not in sql for sql in listing)
    row = '("behaviour_behaviourevent"."occurred_at", "behaviour_behaviourevent"."id") <'
    assert any(row in sql for sql in listing)
