"""Panels on the home dashboard, contributed by each duty area.

An app registers a provider in its AppConfig.ready():

    dashboard.register("behaviour_alerts", rising_behaviour_panel, order=20, probe=rising_probe)

A provider is called as provider(request, school) and returns a Panel, or None
when the viewer has nothing to see there. It must take its rows from the
area's `*_visible_to(user)` selectors and stay within a fixed number of
queries, however many rows it shows.

Most panels are empty for most viewers on most days, yet building a panel's
queries through its visible-to selectors costs several milliseconds of Python
each. A provider may therefore register a probe: probe(request, school)
returns None (nothing to show: the provider is not called), True (call it), or
a queryset or list of querysets that must hold at least one row before the
provider is called. Every probe's querysets are asked in one SELECT of
EXISTS. A probe may be looser than its panel, never stricter: it only saves
asking, and the provider still decides what the viewer sees.
"""

from dataclasses import dataclass, field

from . import counting

_PROVIDERS = {}


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def register(name, provider, order=100, probe=None):
    _PROVIDERS[name] = (order, provider, probe)


def probed(request, school):
    """{name: whether the provider is worth calling} for every registered provider, in at most one query."""
    answers, asked = {}, {}
    for name, (_order, _provider, probe) in _PROVIDERS.items():
        found = True if probe is None else probe(request, school)
        if found is None or found is False:
            answers[name] = False
        elif found is True:
            answers[name] = True
        else:
            querysets = found if isinstance(found, (list, tuple)) else [found]
            for index, queryset in enumerate(querysets):
                asked[f"{name}__{index}"] = (name, queryset)
            answers[name] = False
    found = {}
    if asked:
        rows = counting.exists(**{key: queryset for key, (_name, queryset) in asked.items()})
        for key, (name, _queryset) in asked.items():
            answers[name] = answers[name] or rows[key]
            found[key] = rows[key]
    # Kept for the providers: one whose probe asked several things can skip reading those that found nothing.
    request.dashboard_probes = found
    return answers


def probe_found(request, name, index):
    """Whether the `index`th queryset of the provider's probe had a row this request (True when not asked)."""
    return getattr(request, "dashboard_probes", {}).get(f"{name}__{index}", True)


def panels_for(request, school):
    worth = probed(request, school)
    panels = []
    for name, (order, provider, _probe) in sorted(_PROVIDERS.items(), key=lambda entry: entry[1][0]):
        if not worth[name]:
            continue
        panel = provider(request, school)
        if panel is not None:
            panel.order = order
            panels.append(panel)
    return panels
