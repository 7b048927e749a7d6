"""The unified pupil chronology.

Each duty-area app registers a provider in its AppConfig.ready():

    chronology.register("behaviour", incidents_for_chronology)

A provider is called as provider(user, pupil, window) and returns at most `window.limit` dated ChronologyItems,
newest first, built from its own `*_visible_to(user)` selector, so the profile only ever shows what the viewer may
see. A provider may return a redacted item (for example "a safeguarding record exists") instead of the detail.
An item may carry its record's full text in `detail` (never shown on the profile: the subject access pack uses it).

The window (see `Window`) carries the profile's filters: a date range, free text and a keyset cursor. A provider
pushes them into its own query with `window.rows(queryset, when=..., text=...)`, which also orders by the item's
date and cuts the newest `limit` rows in SQL, so page 10 of a long history costs what page 1 costs. Each item
carries `key=window.key(pk)`, its place in the one order every provider shares: (when, stream, pk), newest first.
A plain int is still accepted for `window` (the limit), as older callers and tests pass it.
"""

import datetime as dt
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from . import presence

_PROVIDERS = {}
_AREAS = {}
_SOURCES = {}
# The profile shows the newest PROFILE_ITEMS entries a page, or LONGEST_PAGE when asked for more.
PROFILE_ITEMS = 50
LONGEST_PAGE = 200
# Areas are the prefix of the provider's name ("medical_plans" is in "medical"), shown as the profile's tabs.
AREA_LABELS = {
    "pastoral": "Pastoral",
    "behaviour": "Behaviour",
    "safeguarding": "Safeguarding",
    "medical": "Medical",
    "provision": "Support and provision",
}


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
    # (stream, pk): the item's place among items of the same moment, for the keyset cursor.
    key: tuple = ("", 0)
    # The record's full text where the summary is cut short, read from the row already loaded (no query). Pages
    # show the summary; a subject access pack (pastoral/sar/building.py) keeps both.
    detail: str = ""


def register(name, provider, *, permissions=None, sources=()):
    """`permissions`: the viewer sees this area's tab when holding any of them in the pupil's school (by default,
    any permission of the app the area is named after).

    `sources`: [(model, "pupil")] — the tables every item of this provider comes from (directly, or through a row
    of theirs), with the field naming the pupil (a through model's for a many-to-many). When a pupil has no row
    in any of them the provider is not asked at all: one query finds which areas have anything, instead of each
    empty area building and sending its own. A provider that declares none is always asked. A source list that
    missed a table would hide items, so `tests/test_chronology_sources.py` checks each against demo data."""
    _PROVIDERS[name] = provider
    _AREAS[name] = tuple(permissions) if permissions else None
    _SOURCES[name] = presence.declare(sources)


def providers():
    return dict(_PROVIDERS)


def area_of(name):
    return name.split("_", 1)[0]


def as_datetime(value):
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time(8, 0)))
    raise TypeError(value)


# --- the window: filters and the keyset cursor, pushed into each provider's query ---------------------------------

_CURSOR_SALT = "pastoral.chronology.cursor"


@dataclass(frozen=True)
class Cursor:
    """A position in the chronology's order: an item's moment, stream and pk."""

    when: datetime
    stream: str
    pk: int

    def token(self):
        return signing.dumps([self.when.isoformat(), self.stream, self.pk], salt=_CURSOR_SALT)

    @classmethod
    def parse(cls, token):
        """The cursor in a signed token, or None for a missing, tampered or malformed one."""
        if not token:
            return None
        try:
            when, stream, pk = signing.loads(token, salt=_CURSOR_SALT)
            return cls(datetime.fromisoformat(when), str(stream), int(pk))
        except (signing.BadSignature, TypeError, ValueError):
            return None

    @classmethod
    def of(cls, item):
        return cls(item.when, *item.key)

    def sort_key(self):
        return (self.when, self.stream, self.pk)


def sort_key(item):
    return (item.when, *item.key)


def _nothing():
    return Q(pk__in=[])


@dataclass(frozen=True)
class Window:
    limit: int = LONGEST_PAGE
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""
    # Older than `older_than` (the "Older" page) or newer than `newer_than` (the "Newer" page).
    older_than: Cursor | None = None
    newer_than: Cursor | None = None
    provider: str = ""
    # Set while the page is collected (see `_collect`): once `limit` items are in hand, nothing older than the
    # newest `limit`-th of them can reach the page, so later providers read and build only items newer than it.
    floor: Cursor | None = None

    @property
    def newer(self):
        return self.newer_than is not None

    def stream(self, sub=""):
        return f"{self.provider}.{sub}" if sub else self.provider

    def key(self, pk, sub=""):
        return (self.stream(sub), pk)

    def for_provider(self, name):
        return replace(self, provider=name)

    # The SQL side.
    def _tie(self, stream, pk_field, cursor, older):
        """Rows at exactly the cursor's moment: ordered by stream, then pk."""
        if stream == cursor.stream:
            return Q(**{f"{pk_field}__{'lt' if older else 'gt'}": cursor.pk})
        return Q() if (stream < cursor.stream) == older else _nothing()

    def _beyond(self, when, stream, pk_field, is_date, cursor, older, loose, at):
        lt, lte = ("lt", "lte") if older else ("gt", "gte")
        if not is_date:
            return Q(**{f"{when}__{lt}": cursor.when}) | (
                Q(**{when: cursor.when}) & self._tie(stream, pk_field, cursor, older)
            )
        # A date is shown at as_datetime(date), so compare the cursor with that moment of its own day.
        day = timezone.localtime(cursor.when).date() if timezone.is_aware(cursor.when) else cursor.when.date()
        if loose:
            # Items of a day shown at their own times: the whole day stays in, the chronology checks the rest.
            return Q(**{f"{when}__{lte}": day})
        anchor = timezone.make_aware(datetime.combine(day, at or time(8, 0)))
        if anchor == cursor.when:
            return Q(**{f"{when}__{lt}": day}) | (Q(**{when: day}) & self._tie(stream, pk_field, cursor, older))
        ahead = anchor < cursor.when if older else anchor > cursor.when
        return Q(**{f"{when}__{lte if ahead else lt}": day})

    def filter(self, queryset, *, when, text=(), is_date=False, sub="", pk="pk", loose=False, label="", at=None):
        """`queryset` narrowed to the window: the date range on `when`, the text in any of `text`, the cursor.

        `loose`: the items of a date field are shown at another time of that day, so the cursor keeps the whole
        day (the chronology then keeps exactly the items beyond the cursor); `at`: the time of day a date field's
        items are shown at, when not as_datetime's. `label`: the words every item of
        this query shows in its title, so a text found there keeps them all."""
        if self.date_from:
            bound = self.date_from if is_date else as_datetime(self.date_from).replace(hour=0)
            queryset = queryset.filter(**{f"{when}__gte": bound})
        if self.date_to:
            if is_date:
                queryset = queryset.filter(**{f"{when}__lte": self.date_to})
            else:
                bound = as_datetime(self.date_to + dt.timedelta(days=1)).replace(hour=0)
                queryset = queryset.filter(**{f"{when}__lt": bound})
        if self.text and self.text.lower() not in label.lower():
            if not text:
                return queryset.none()
            match = Q()
            for name in text:
                match |= Q(**{f"{name}__icontains": self.text})
            queryset = queryset.filter(match)
        stream = self.stream(sub)
        if self.older_than:
            queryset = queryset.filter(self._beyond(when, stream, pk, is_date, self.older_than, True, loose, at))
        if self.newer_than:
            queryset = queryset.filter(self._beyond(when, stream, pk, is_date, self.newer_than, False, loose, at))
        if self.floor:
            queryset = queryset.filter(self._beyond(when, stream, pk, is_date, self.floor, False, loose, at))
        return queryset

    def cut(self, queryset, *, when, pk="pk"):
        """Ordered by the window's direction and cut to `limit` in SQL."""
        if self.newer:
            return queryset.order_by(when, pk)[: self.limit]
        return queryset.order_by(f"-{when}", f"-{pk}")[: self.limit]

    def rows(self, queryset, *, when, text=(), is_date=False, sub="", pk="pk", label="", at=None):
        narrowed = self.filter(queryset, when=when, text=text, is_date=is_date, sub=sub, pk=pk, label=label, at=at)
        return self.cut(narrowed, when=when, pk=pk)

    def keeps_pinned(self):
        """An undated marker belongs to the first page of the unfiltered chronology only."""
        return not (self.older_than or self.newer_than or self.date_from or self.date_to or self.text)

    # The Python side: an exact check on items built from several rows (a plan's agreement, a placement's end).
    def keeps(self, item):
        if item.pinned:
            return self.keeps_pinned()
        day = timezone.localtime(item.when).date()
        if (self.date_from and day < self.date_from) or (self.date_to and day > self.date_to):
            return False
        if self.older_than and not sort_key(item) < self.older_than.sort_key():
            return False
        if self.floor and not sort_key(item) > self.floor.sort_key():
            return False
        return not (self.newer_than and not sort_key(item) > self.newer_than.sort_key())


def as_window(limit):
    return limit if isinstance(limit, Window) else Window(limit=limit)


# --- reading the chronology ---------------------------------------------------------------------------------------


def sources_of(name):
    """[(table, column)] of the provider's declared sources."""
    return _SOURCES.get(name, ())


def _collect(user, pupil, window, areas, exclude, *, skip_empty=True):
    items = []
    names = [
        name
        for name in _PROVIDERS
        if not ((areas and name not in areas and area_of(name) not in areas) or name in exclude)
    ]
    present = presence.present(pupil, {name: _SOURCES.get(name, ()) for name in names}) if skip_empty else set(names)
    dated = []
    for name, provider in _PROVIDERS.items():
        if name not in present:
            continue
        # Each provider cuts its own newest `limit` in SQL, so the page costs the same for a pupil of any history.
        found = [item for item in provider(user, pupil, window.for_provider(name)) if window.keeps(item)]
        items.extend(found)
        if window.newer:
            continue
        # With `limit` dated items in hand, only items newer than the `limit`-th of them can still make the page:
        # the next providers read no further back than that (a long behaviour history no longer has every other
        # area build its own full page only to have it thrown away).
        dated.extend(item for item in found if not item.pinned)
        if len(dated) >= window.limit:
            dated = sorted(dated, key=sort_key, reverse=True)[: window.limit]
            window = replace(window, floor=Cursor.of(dated[-1]))
    return items


def chronology_for(user, pupil, areas=None, limit=LONGEST_PAGE, exclude=(), window=None):
    """The newest `limit` items (or the window's page), pinned ones first. `areas` holds provider names or areas."""
    window = window or Window(limit=limit)
    items = _collect(user, pupil, window, areas, exclude)
    pinned = [item for item in items if item.pinned]
    dated = sorted((item for item in items if not item.pinned), key=sort_key, reverse=True)
    return (pinned + dated)[: window.limit]


@dataclass
class ChronologyPage:
    items: list
    has_newer: bool
    has_older: bool
    newer_cursor: str = ""
    older_cursor: str = ""


def chronology_page(user, pupil, window, *, areas=None, exclude=()):
    """One page of `window.limit` items with cursors for the newer and older pages: one more row is read from each
    provider to know whether another page exists."""
    probe = replace(window, limit=window.limit + 1)
    items = _collect(user, pupil, probe, areas, exclude)
    pinned = [item for item in items if item.pinned]
    dated = sorted((item for item in items if not item.pinned), key=sort_key, reverse=not window.newer)
    more = len(dated) > window.limit
    dated = dated[: window.limit]
    if window.newer:
        dated.reverse()
        has_newer, has_older = more, True
    else:
        has_newer, has_older = window.older_than is not None, more
    shown = pinned + dated
    page = ChronologyPage(shown, has_newer=has_newer and bool(dated), has_older=has_older and bool(dated))
    if dated:
        page.newer_cursor = Cursor.of(dated[0]).token()
        page.older_cursor = Cursor.of(dated[-1]).token()
    return page


def visible_areas(user, pupil, perms_in_school):
    """[(area, label)] of the areas whose tab the viewer sees: `perms_in_school` is the viewer's permission set."""
    shown = []
    for name, permissions in _AREAS.items():
        area = area_of(name)
        if area in dict(shown):
            continue
        if permissions is None:
            visible = area == "pastoral" or any(perm.startswith(f"{area}.") for perm in perms_in_school)
        else:
            visible = bool(set(permissions) & set(perms_in_school))
        if visible:
            shown.append((area, AREA_LABELS.get(area, area.capitalize())))
    order = list(AREA_LABELS)
    return sorted(shown, key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))
