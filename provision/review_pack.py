"""The annual-review pack's sections: a small registry so each provision sub-area adds its own.

A sub-area registers in its registration function (called from ProvisionConfig.ready()):

    review_pack.register("keywork", "Keywork", 40, build_keywork)

`builder(user, pupil, start, end)` runs in the Celery worker with the pack's owner as `user`, reads only through
the area's own `*_visible_to(user)` selectors, and returns a PackSection (or None to leave the section out, when
the owner may see nothing of that kind). It stays within a fixed number of queries. Sections print in `order`.
"""

from dataclasses import dataclass, field


@dataclass
class PackTable:
    caption: str
    headers: list
    rows: list


@dataclass
class PackSection:
    title: str
    paragraphs: list = field(default_factory=list)
    # Quotations printed as the pupil's own words: (text, attribution).
    quotes: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # pastoral.files.charts.Chart
    empty: str = ""  # printed when the section has nothing else


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    order: int
    builder: object


_SECTIONS = {}


def register(key, title, order, builder):
    _SECTIONS[key] = SectionSpec(key, title, order, builder)


def sections():
    return sorted(_SECTIONS.values(), key=lambda spec: (spec.order, spec.key))


def build(user, pupil, start, end):
    built = []
    for spec in sections():
        section = spec.builder(user, pupil, start, end)
        if section is not None:
            built.append(section)
    return built
