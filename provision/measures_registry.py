"""Outcome measures that other provision sub-areas can name: an intervention programme's entry and exit
measure, a keywork or support-plan review measure.

The area that owns a measure (Outcomes Star, SDQ...) registers it in its AppConfig.ready():

    measures_registry.register("my_star", "My Star (Outcomes Star)", scores_between)

`scores_between(pupil_ids, start, end)` returns {pupil_id: (entry, exit)} for the pupils with readings: entry is
the reading nearest before or on `start` (or the first inside the period), exit the last reading on or before
`end`. Each value is a MeasureScore. It must run a fixed number of queries whatever the number of pupils, and
the caller has already limited `pupil_ids` to pupils the viewer may see.

Stored choices are plain codes (no database choices), so adding a measure needs no migration in the areas that
name it; a code no longer registered reads as "not measured".
"""

from dataclasses import dataclass

NONE = ""


@dataclass(frozen=True)
class MeasureScore:
    value: float
    # What the figure is ("Average across 8 areas", "Total difficulties") and how to read it.
    label: str
    # True when a higher value is better (Star readings), False when lower is better (SDQ difficulties).
    higher_is_better: bool = True
    band: str = ""


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    scores_between: object


_MEASURES = {}


def register(code, label, scores_between):
    _MEASURES[code] = Measure(code, label, scores_between)


def get(code):
    return _MEASURES.get(code)


def choices():
    return [(NONE, "No measure")] + [(m.code, m.label) for m in _MEASURES.values()]


def label(code):
    measure = _MEASURES.get(code)
    return measure.label if measure else "Not measured"


def scores_between(code, pupil_ids, start, end):
    measure = _MEASURES.get(code)
    if measure is None or not pupil_ids:
        return {}
    return measure.scores_between(list(pupil_ids), start, end)


def improved(entry, exit):
    """Whether a pupil moved the right way between two readings of one measure."""
    if entry is None or exit is None:
        return None
    if entry.higher_is_better:
        return exit.value > entry.value
    return exit.value < entry.value
