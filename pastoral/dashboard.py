"""Panels on the home dashboard, contributed by each duty area.

An app registers a provider in its AppConfig.ready():

    dashboard.register("behaviour_alerts", rising_behaviour_panel, order=20)

A provider is called as provider(request, school) and returns a Panel, or None
when the viewer has nothing to see there. It must take its rows from the
area's `*_visible_to(user)` selectors and stay within a fixed number of
queries, however many rows it shows.
"""

from dataclasses import dataclass, field

_PROVIDERS = {}


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def register(name, provider, order=100):
    _PROVIDERS[name] = (order, provider)


def panels_for(request, school):
    panels = []
    for order, provider in sorted(_PROVIDERS.values(), key=lambda entry: entry[0]):
        panel = provider(request, school)
        if panel is not None:
            panel.order = order
            panels.append(panel)
    return panels
