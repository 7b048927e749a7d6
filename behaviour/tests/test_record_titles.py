"""Records are named by child, kind and date on lists and headings, with the short reference beside the name."""

import datetime

from django.urls import reverse

from .factories import RemovalFactory


def test_a_removal_is_named_by_child_kind_and_date_on_the_list_and_its_page(client, as_user, pastoral_lead, pupil):
    removal = RemovalFactory(pupil=pupil, removed_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC))
    title = f"{pupil.display_name} — Removal from class — 2 Jul 2026"
    assert removal.title == title and removal.reference == str(removal.code)[:8].upper()
    as_user(pastoral_lead)
    listing = client.get(reverse("behaviour:removal_list")).content.decode()
    assert f">{title}</a>" in listing and f"00:30 · {removal.reference}" in listing
    page = client.get(reverse("behaviour:removal_detail", args=[removal.code])).content.decode()
    assert f"{title} <span" in page and removal.reference in page
