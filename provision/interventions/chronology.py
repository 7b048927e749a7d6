"""Intervention groups on a pupil's chronology: joining a group and the target's rating, for those who may see
interventions. One query, ordered and cut in SQL."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pastoral.chronology import ChronologyItem, as_window

from .selectors import members_visible_to


def interventions_for_chronology(user, pupil, limit):
    window = as_window(limit)
    members = members_visible_to(user).filter(pupil=pupil).select_related("group", "group__programme")
    text = ("group__name", "group__programme__name", "target")
    members = window.rows(members, when="joined_on", is_date=True, at=datetime.time(9), text=text)
    items = []
    for member in members:
        group = member.group
        when = timezone.make_aware(datetime.datetime.combine(member.joined_on, datetime.time(9)))
        summary = f"{group.programme.name}, {group.schedule}"
        if member.target:
            summary += f". Target: {member.target[:100]}"
        if member.rating is not None:
            summary += f". Rated {member.rating:+d} at the end"
        url = reverse("provision:group_detail", args=[group.code])
        title = f"Joined {group.name}"
        items.append(ChronologyItem(when, "interventions", title, summary, url, "primary", key=window.key(member.pk)))
    return items
