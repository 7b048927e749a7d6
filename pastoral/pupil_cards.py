"""Cards beside the pupil: short notes staff need while they are with a pupil (how to support them, medical
alerts), shown on the pupil profile and beside the pupil chosen in a form.

Each duty area registers a provider in its AppConfig.ready():

    pupil_cards.register("support_plans", how_to_support_me_card)

A provider is called as provider(user, pupil) and returns a PupilCard, or None when the viewer has nothing to
see for that pupil. It reads through its area's own `*_visible_to(user)` selectors and stays within a fixed
number of queries. Cards are shown in registration order.
"""

from dataclasses import dataclass, field

from . import presence

_PROVIDERS = {}
_SOURCES = {}


@dataclass
class PupilCard:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    # A bootstrap colour name for the card's border and heading: "warning", "danger", "info"...
    tone: str = ""
    # Short names for the profile's summary header, such as the plans in force ("IBP", "Pupil passport").
    headline: tuple = field(default_factory=tuple)


def register(name, provider, *, sources=()):
    """`sources`: see pastoral.presence; a card whose sources hold no row about the pupil is not asked."""
    _PROVIDERS[name] = provider
    _SOURCES[name] = presence.declare(sources)


def sources_of(name):
    return _SOURCES.get(name, ())


def providers():
    return dict(_PROVIDERS)


def cards_for(user, pupil):
    cards = []
    asked = presence.present(pupil, _SOURCES)
    for name, provider in _PROVIDERS.items():
        if name not in asked:
            continue
        card = provider(user, pupil)
        if card is not None:
            cards.append(card)
    return cards
