"""The Outcomes Stars a school may record, by star and edition: the outcome areas and the score range.

Only scores are stored and shown (the licensing gate, docs/outcome-measures.md): the area names are the published
outcome-area names, never the Star's ladders or item wording. A reading is compared only with readings of the same
star and edition.

`confirmed` is False where the statutory-rules reference does not confirm the range or the area list: the page
says so beside the reading, so the school checks it against its licensed Star.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edition:
    code: str
    label: str
    areas: tuple  # ((key, label), ...) in the Star's order
    low: int
    high: int
    # Stage names by score where the reference gives them (Teen Star's five-step Journey of Change).
    stages: dict = field(default_factory=dict)
    confirmed: bool = True
    caveat: str = ""

    def area_label(self, key):
        return dict(self.areas).get(key, key)


@dataclass(frozen=True)
class Star:
    code: str
    label: str
    editions: dict  # {edition code: Edition}

    def edition(self, code):
        return self.editions.get(code)


MY_STAR = Star(
    "my_star",
    "My Star",
    {
        "1": Edition(
            "1",
            "First edition",
            (
                ("physical_health", "Physical health"),
                ("where_you_live", "Where you live"),
                ("being_safe", "Being safe"),
                ("relationships", "Relationships"),
                ("feelings_behaviour", "Feelings and behaviour"),
                ("friends", "Friends"),
                ("confidence", "Confidence and self-esteem"),
                ("education", "Education and learning"),
            ),
            1,
            5,
        )
    },
)

YOUTH_STAR = Star(
    "youth_star",
    "Youth Star",
    {
        "2": Edition(
            "2",
            "Second edition",
            (
                ("interests", "Interests and activities"),
                ("hopes", "Hopes and dreams"),
                ("health", "Health and well-being"),
                ("education_work", "Education and work"),
                ("communicating", "Communicating"),
                ("choices", "Choices and behaviour"),
            ),
            1,
            10,
            confirmed=False,
            caveat=(
                "The 1 to 10 range is not confirmed by our reference for the Youth Star: it follows the 10-point "
                "Journey of Change used by several Stars. Check it against your licensed Star before relying on it."
            ),
        )
    },
)

TEEN_STAR = Star(
    "teen_star",
    "Teen Star",
    {
        "1": Edition(
            "1",
            "First edition",
            (
                ("drugs_alcohol", "Drugs and alcohol"),
                ("wellbeing", "Well-being"),
                ("safety", "Safety and security"),
                ("structure", "Structure and education"),
                ("behaviour", "Behaviour and citizenship"),
                ("family", "Family and other key adults"),
            ),
            1,
            5,
            stages={
                1: "Not safe",
                2: "Want change",
                3: "Making changes",
                4: "Mostly safe / Doing alright",
                5: "Safe and well",
            },
        )
    },
)

STARS = {star.code: star for star in (MY_STAR, YOUTH_STAR, TEEN_STAR)}


def get(code):
    return STARS.get(code)


def edition(star_code, edition_code):
    star = STARS.get(star_code)
    return star.edition(edition_code) if star else None


def choices():
    return [(star.code, star.label) for star in STARS.values()]


def edition_choices():
    return [
        (f"{star.code}:{edition.code}", f"{star.label}, {edition.label.lower()}")
        for star in STARS.values()
        for edition in star.editions.values()
    ]


def check_scores(spec, scores):
    """{area key: message} for every area missing or outside the edition's range; empty when all are good."""
    problems = {}
    for key, label in spec.areas:
        value = scores.get(key)
        if value is None or value == "":
            problems[key] = f"Enter a score for {label} from {spec.low} to {spec.high}."
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or str(number) != str(value).strip() or not spec.low <= number <= spec.high:
            problems[key] = f"{label}: the score must be a whole number from {spec.low} to {spec.high}."
    for key in scores:
        if key not in dict(spec.areas):
            problems[key] = "This is not an area of this Star."
    return problems
