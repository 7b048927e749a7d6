"""Scoring the Strengths and Difficulties Questionnaire (4-17 versions), as statutory-rules.md §9.2 sets out.

Only the responses are stored (0, 1 or 2 for each of the 25 items, in the printed form's order: 0 for the first
column, "not true"; 2 for the last, "certainly true"). No item wording is stored or shown: the SDQ is copyright
and its content may not be reproduced (the licensing gate, docs/outcome-measures.md).

- Five items reverse-scored (7, 11, 14, 21, 25): a tick in the first column scores 2, in the last 0.
- A scale is pro-rated when 3 or 4 of its 5 items are answered: round(raw × 5 / answered), halves rounded up; with
  fewer than 3 answered it is missing.
- Total difficulties = emotional + conduct + hyperactivity + peer (never prosocial); missing if any of them is.
  Externalising = conduct + hyperactivity; internalising = emotional + peer.
- Impact: each answer "not at all" or "only a little" 0, "quite a lot" 1, "a great deal" 2; 0 when the respondent
  says there are no difficulties. No pro-rating rule is given for the impact items, so a missing one withholds it.
- Four bands per informant. Where the reference marks a band's cut-offs as not yet confirmed against sdqinfo,
  `band_confirmed` is False and the pages say so.
"""

from dataclasses import dataclass, field
from fractions import Fraction

EMOTIONAL, CONDUCT, HYPERACTIVITY, PEER, PROSOCIAL = "emotional", "conduct", "hyperactivity", "peer", "prosocial"
SCALES = (EMOTIONAL, CONDUCT, HYPERACTIVITY, PEER, PROSOCIAL)
DIFFICULTY_SCALES = (EMOTIONAL, CONDUCT, HYPERACTIVITY, PEER)
SCALE_LABELS = {
    EMOTIONAL: "Emotional symptoms",
    CONDUCT: "Conduct problems",
    HYPERACTIVITY: "Hyperactivity / inattention",
    PEER: "Peer relationship problems",
    PROSOCIAL: "Prosocial behaviour",
}
TOTAL, EXTERNALISING, INTERNALISING, IMPACT = "total", "externalising", "internalising", "impact"
LABELS = {
    **SCALE_LABELS,
    TOTAL: "Total difficulties",
    EXTERNALISING: "Externalising",
    INTERNALISING: "Internalising",
    IMPACT: "Impact",
}

# Item number → scale, in the standard 4-17 order.
ITEM_SCALE = {
    1: PROSOCIAL,
    2: HYPERACTIVITY,
    3: EMOTIONAL,
    4: PROSOCIAL,
    5: CONDUCT,
    6: PEER,
    7: CONDUCT,
    8: EMOTIONAL,
    9: PROSOCIAL,
    10: HYPERACTIVITY,
    11: PEER,
    12: CONDUCT,
    13: EMOTIONAL,
    14: PEER,
    15: HYPERACTIVITY,
    16: EMOTIONAL,
    17: PROSOCIAL,
    18: CONDUCT,
    19: PEER,
    20: PROSOCIAL,
    21: HYPERACTIVITY,
    22: CONDUCT,
    23: PEER,
    24: EMOTIONAL,
    25: HYPERACTIVITY,
}
REVERSED = frozenset({7, 11, 14, 21, 25})
ITEM_COUNT = 25

TEACHER, PARENT, SELF = "teacher", "parent", "self"
INFORMANTS = {TEACHER: "Teacher", PARENT: "Parent or carer", SELF: "Self-report"}
# The form each informant completes (the reference gives the item key for the 4-17 layout only).
FORM_VERSION = {TEACHER: "4-17", PARENT: "4-17", SELF: "11-17"}

# Impact supplement items by informant: the distress question and the areas of life asked about.
IMPACT_ITEMS = {
    PARENT: (
        ("distress", "Distress"),
        ("home", "Home life"),
        ("friendships", "Friendships"),
        ("classroom", "Classroom learning"),
        ("leisure", "Leisure activities"),
    ),
    SELF: (
        ("distress", "Distress"),
        ("home", "Home life"),
        ("friendships", "Friendships"),
        ("classroom", "Classroom learning"),
        ("leisure", "Leisure activities"),
    ),
    TEACHER: (("distress", "Distress"), ("peers", "Peer relationships"), ("classroom", "Classroom learning")),
}
# The four answers to an impact item, as entered (0..3), and what each scores.
IMPACT_ANSWERS = ((0, "Not at all"), (1, "Only a little"), (2, "Quite a lot"), (3, "A great deal"))
IMPACT_SCORE = {0: 0, 1: 0, 2: 1, 3: 2}

BANDS = ("Close to average", "Slightly raised", "High", "Very high")
PROSOCIAL_BANDS = ("Close to average", "Slightly lowered", "Low", "Very low")

# Upper bounds (inclusive) of the first three bands; the fourth runs to the scale's maximum. For prosocial, lower
# bounds of the first three bands (higher is better). statutory-rules.md §9.2.
CUTS = {
    TEACHER: {
        TOTAL: (11, 15, 18),
        EMOTIONAL: (3, 4, 5),
        CONDUCT: (2, 3, 4),
        HYPERACTIVITY: (5, 7, 8),
        PEER: (2, 4, 5),
        PROSOCIAL: (6, 5, 4),
        IMPACT: (0, 1, 2),
    },
    PARENT: {
        TOTAL: (13, 16, 19),
        EMOTIONAL: (3, 4, 6),
        CONDUCT: (2, 3, 5),
        HYPERACTIVITY: (5, 7, 8),
        PEER: (2, 3, 4),
        PROSOCIAL: (8, 7, 6),
        IMPACT: (0, 1, 2),
    },
    SELF: {
        TOTAL: (14, 17, 19),
        EMOTIONAL: (4, 5, 6),
        CONDUCT: (2, 3, 4),
        HYPERACTIVITY: (5, 6, 7),
        PEER: (2, 3, 4),
        PROSOCIAL: (7, 6, 5),
        IMPACT: (0, 1, 2),
    },
}


def band_confirmed(informant, measure):
    """Whether the reference confirms these cut-offs (teacher scales: yes; teacher impact, parent, self: not yet)."""
    return informant == TEACHER and measure != IMPACT


def band(informant, measure, value):
    """The four-band label for a score, or "" where there is no band (externalising, internalising) or no score."""
    cuts = CUTS.get(informant, {}).get(measure)
    if cuts is None or value is None:
        return ""
    if measure == PROSOCIAL:
        for index, lowest in enumerate(cuts):
            if value >= lowest:
                return PROSOCIAL_BANDS[index]
        return PROSOCIAL_BANDS[3]
    for index, highest in enumerate(cuts):
        if value <= highest:
            return BANDS[index]
    return BANDS[3]


def band_index(informant, measure, value):
    label = band(informant, measure, value)
    labels = PROSOCIAL_BANDS if measure == PROSOCIAL else BANDS
    return labels.index(label) if label else None


def item_score(number, response):
    return 2 - response if number in REVERSED else response


def _round_half_up(value):
    return int(Fraction(value) + Fraction(1, 2)) if value >= 0 else -int(-Fraction(value) + Fraction(1, 2))


@dataclass(frozen=True)
class Score:
    key: str
    value: int | None
    band: str = ""
    answered: int = 0
    prorated: bool = False
    message: str = ""
    confirmed: bool = True

    @property
    def label(self):
        return LABELS[self.key]


@dataclass
class Result:
    informant: str
    scores: dict = field(default_factory=dict)  # {key: Score}

    def __getitem__(self, key):
        return self.scores[key]

    def value(self, key):
        return self.scores[key].value

    @property
    def messages(self):
        return [score.message for score in self.scores.values() if score.message]


def check_responses(items):
    """{item number: message} for responses that are not 0, 1, 2 or blank; a list of 25 is expected."""
    problems = {}
    if len(items) != ITEM_COUNT:
        problems[0] = f"Enter the {ITEM_COUNT} item responses in the form's order."
        return problems
    for number, response in enumerate(items, start=1):
        if response is None:
            continue
        if isinstance(response, bool) or not isinstance(response, int) or response not in (0, 1, 2):
            problems[number] = f"Item {number}: enter 0, 1 or 2, or leave it blank if it was not answered."
    return problems


def check_impact(informant, difficulties, impact):
    problems = {}
    for key, label in IMPACT_ITEMS[informant]:
        value = impact.get(key)
        if value is not None and value not in IMPACT_SCORE:
            problems[key] = f"{label}: choose one of the four answers."
    if difficulties not in ("", "no", "yes"):
        problems["difficulties"] = "Choose whether the respondent said there are difficulties."
    return problems


def _scale(informant, key, items):
    numbers = [n for n, scale in ITEM_SCALE.items() if scale == key]
    answered = [(n, items[n - 1]) for n in numbers if items[n - 1] is not None]
    if len(answered) < 3:
        return Score(
            key,
            None,
            answered=len(answered),
            message=f"{LABELS[key]}: only {len(answered)} of 5 items answered, so the score is withheld "
            "(a scale is pro-rated only when at least 3 are answered).",
        )
    raw = sum(item_score(n, response) for n, response in answered)
    value = raw if len(answered) == 5 else _round_half_up(Fraction(raw * 5, len(answered)))
    return Score(
        key,
        value,
        band=band(informant, key, value),
        answered=len(answered),
        prorated=len(answered) < 5,
        confirmed=band_confirmed(informant, key),
    )


def _sum(informant, key, parts, scales, with_band):
    missing = [LABELS[part] for part in parts if scales[part].value is None]
    if missing:
        return Score(key, None, message=f"{LABELS[key]}: withheld because {', '.join(missing).lower()} is missing.")
    value = sum(scales[part].value for part in parts)
    return Score(
        key,
        value,
        band=band(informant, key, value) if with_band else "",
        prorated=any(scales[part].prorated for part in parts),
        confirmed=band_confirmed(informant, key) if with_band else False,
    )


def _impact(informant, difficulties, impact):
    if difficulties == "no":
        return Score(IMPACT, 0, band=band(informant, IMPACT, 0), confirmed=False)
    if difficulties != "yes":
        return Score(IMPACT, None, message="Impact: withheld because the question about difficulties is unanswered.")
    missing = [label for key, label in IMPACT_ITEMS[informant] if impact.get(key) is None]
    if missing:
        return Score(
            IMPACT,
            None,
            message=f"Impact: withheld because {', '.join(missing).lower()} is unanswered "
            "(the reference gives no pro-rating rule for the impact items).",
        )
    value = sum(IMPACT_SCORE[impact[key]] for key, _label in IMPACT_ITEMS[informant])
    return Score(IMPACT, value, band=band(informant, IMPACT, value), confirmed=False)


def score(informant, items, difficulties="", impact=None):
    """Every score for one completed questionnaire. `items` is the 25 responses (0, 1, 2 or None)."""
    items = list(items)
    if check_responses(items):
        raise ValueError("Responses must be 25 values of 0, 1, 2 or None.")
    result = Result(informant)
    for key in SCALES:
        result.scores[key] = _scale(informant, key, items)
    scales = result.scores
    result.scores[TOTAL] = _sum(informant, TOTAL, DIFFICULTY_SCALES, scales, True)
    result.scores[EXTERNALISING] = _sum(informant, EXTERNALISING, (CONDUCT, HYPERACTIVITY), scales, False)
    result.scores[INTERNALISING] = _sum(informant, INTERNALISING, (EMOTIONAL, PEER), scales, False)
    result.scores[IMPACT] = _impact(informant, difficulties or "", impact or {})
    return result


ORDER = (TOTAL, EMOTIONAL, CONDUCT, HYPERACTIVITY, PEER, PROSOCIAL, EXTERNALISING, INTERNALISING, IMPACT)
