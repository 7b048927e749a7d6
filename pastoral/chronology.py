"""The unified pupil chronology.

Each duty-area app registers a provider in its AppConfig.ready():

    chronology.register("behaviour", incidents_for_chronology)

A provider is called as provider(user, pupil, limit) and returns at most `limit`
dated ChronologyItems, newest first, built from its own `*_visible_to(user)` selector, so the profile only ever shows
what the viewer may see. A provider may return a redacted item (for example
"a safeguarding record exists") instead of the detail.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

_PROVIDERS = {}
# The profile shows the newest PROFILE_ITEMS entries, or LONGEST_PAGE when asked for more.
PROFILE_ITEMS = 50
LONGEST_PAGE = 200


@dataclass(frozen=True)
class ChronologyItem:
    when: datetime
    area: str
    title: str
    summary: str = ""
    url: str = ""
    tone: str = "secondary"  # bootstrap colour name used for the badge
    tags: tuple = field(default_factory=tuple)
    # A pinned item is undated (when=None): shown first, without a time, and never sorted by date.
    pinned: bool = False


def register(name, provider):
    _PROVIDERS[name] = provider


def providers():
    return dict(_PROVIDERS)


def as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(8, 0)))
    raise TypeError(value)


def chronology_for(user, pupil, areas=None, limit=LONGEST_PAGE, exclude=()):
    items = []
    for name, provider in _PROVIDERS.items():
        if (areas and name not in areas) or name in exclude:
            continue
        # Each provider cuts its own newest `limit` in SQL, so the page costs the same for a pupil of any history.
        items.extend(provider(user, pupil, limit))
    pinned = [item for item in items if item.pinned]
    dated = sorted((item for item in items if not item.pinned), key=lambda item: item.when, reverse=True)
    return (pinned + dated)[:limit]
