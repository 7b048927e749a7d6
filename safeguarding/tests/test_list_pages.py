"""Every concern and referral is reachable from its list, page by page, however many the school holds."""

import datetime
import re
from html import unescape

from django.urls import reverse
from django.utils import timezone

from pastoral.lists import PAGE_SIZE
from safeguarding.models import Concern

LINK = re.compile(r'href="\?([^"]*)" rel="(prev|next)"')


def test_the_concern_list_pages_urgent_first_then_newest_through_every_concern(client, as_user, dsl, make_concern):
    now = timezone.now()
    for n in range(PAGE_SIZE + 12):
        make_concern(reported_at=now - datetime.timedelta(hours=n), urgent=n % 9 == 0)
    expected = list(Concern.objects.order_by("-urgent", "-reported_at", "-id").values_list("code", flat=True))
    as_user(dsl)
    url = reverse("safeguarding:concern_list")
    first = client.get(url)
    older = dict((rel, unescape(q)) for q, rel in LINK.findall(first.content.decode()))["next"]
    second = client.get(f"{url}?{older}")
    shown = [c.code for c in first.context["concerns"]] + [c.code for c in second.context["concerns"]]
    assert shown == expected
    assert len(first.context["concerns"]) == PAGE_SIZE
    assert 'rel="next"' not in second.content.decode() and 'rel="prev"' in second.content.decode()


def test_the_concern_list_costs_the_same_queries_for_a_deep_page(
    client, as_user, dsl, make_concern, django_assert_max_num_queries
):
    for _ in range(PAGE_SIZE + 2):
        make_concern()
    as_user(dsl)
    url = reverse("safeguarding:concern_list")
    first = client.get(url)
    older = dict((rel, unescape(q)) for q, rel in LINK.findall(first.content.decode()))["next"]
    with django_assert_max_num_queries(25):
        assert client.get(f"{url}?{older}").status_code == 200
