"""The "reviews due" digest: what needs a pastoral lead's attention this week.

Apps add sections with `register(name, provider)`; a provider is called as
provider(school, recipient, today) and returns DigestLines counted through the
recipient's own visibility selectors. Lines carry counts and links only: the
email must never hold a child's sensitive details.
"""

from dataclasses import dataclass

_PROVIDERS = {}


@dataclass(frozen=True)
class DigestLine:
    label: str
    count: int
    path: str = ""


def register(name, provider):
    _PROVIDERS[name] = provider


def lines_for(school, recipient, today):
    lines = []
    for provider in _PROVIDERS.values():
        lines.extend(line for line in provider(school, recipient, today) if line.count)
    return lines


def core_lines(school, recipient, today):
    from datetime import timedelta

    from django.urls import reverse

    from ..selectors import pupils_visible_to

    pupils = pupils_visible_to(recipient).filter(school=school)
    soon = today + timedelta(days=14)
    return [
        DigestLine(
            "Pupils leaving in the next 14 days",
            pupils.filter(leaving_date__gte=today, leaving_date__lte=soon).count(),
            reverse("pastoral:pupil_list") + "?status=leaving",
        ),
        DigestLine(
            "Pupils starting in the next 14 days",
            pupils.filter(admission_date__gt=today, admission_date__lte=soon).count(),
            reverse("pastoral:pupil_list") + "?status=joining",
        ),
    ]


register("pastoral", core_lines)
