"""Figures in the pupil profile's summary header, from the duty areas, without importing them.

A duty app registers a provider in its AppConfig.ready():

    profile_summary.register("behaviour", behaviour_figures, order=10)

`provider(user, pupil, weeks)` reads through its own `*_visible_to(user)` selectors in a fixed number of queries
(one aggregate is usual) and returns a list of `Figure`s, or [] when the viewer may see none. `weeks` is the
summary's period: [(start, end)] datetimes, oldest first, four weeks of seven days ending now. A figure with
`weeks` values gets a small sparkline drawn on the server with a text alternative.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from . import presence

WEEKS = 4
_PROVIDERS = {}
_SOURCES = {}


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    # "behaviour" figures show with a sparkline; "actions" are open to-dos summed in one line.
    group: str = "behaviour"
    url: str = ""
    weeks: tuple = field(default_factory=tuple)

    @property
    def sparkline(self):
        return sparkline(self.weeks, self.label) if self.weeks else None


def register(name, provider, *, order=50, sources=()):
    """`sources`: see pastoral.presence; a figure whose sources hold no row about the pupil is not asked."""
    _PROVIDERS[name] = (order, provider)
    _SOURCES[name] = presence.declare(sources)


def sources_of(name):
    return _SOURCES.get(name, ())


def providers():
    return {name: provider for name, (_, provider) in _PROVIDERS.items()}


def last_weeks(now=None, count=WEEKS):
    """[(start, end)] of `count` seven-day spans ending at `now`, oldest first."""
    now = now or timezone.now()
    return [
        (now - datetime.timedelta(days=7 * n), now - datetime.timedelta(days=7 * (n - 1))) for n in range(count, 0, -1)
    ]


@dataclass(frozen=True)
class Summary:
    figures: tuple

    @property
    def behaviour(self):
        return [figure for figure in self.figures if figure.group == "behaviour"]

    @property
    def actions(self):
        return [figure for figure in self.figures if figure.group == "actions"]

    @property
    def open_actions(self):
        return sum(figure.value for figure in self.actions)


def figures_for(user, pupil, now=None):
    weeks = last_weeks(now)
    figures = []
    asked = presence.present(pupil, _SOURCES)
    for name, (_, provider) in sorted(_PROVIDERS.items(), key=lambda pair: pair[1][0]):
        if name in asked:
            figures.extend(provider(user, pupil, weeks))
    return Summary(tuple(figures))


@dataclass(frozen=True)
class Sparkline:
    points: str
    dots: tuple
    width: int
    height: int
    description: str


def sparkline(values, label, *, width=96, height=28, pad=3):
    """An SVG polyline's points for `values` (oldest first), scaled to the box; the text says every value."""
    values = list(values)
    top, bottom = min(min(values), 0), max(max(values), 1)
    span = (bottom - top) or 1
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    coords = [
        (round(pad + i * step, 1), round(height - pad - (value - top) / span * (height - 2 * pad), 1))
        for i, value in enumerate(values)
    ]
    weeks = ", ".join(str(value) for value in values)
    description = f"{label} by week, oldest first: {weeks}"
    return Sparkline(" ".join(f"{x},{y}" for x, y in coords), tuple(coords), width, height, description)
