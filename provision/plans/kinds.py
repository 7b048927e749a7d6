"""The six kinds of support plan and the structured fields each one holds.

A plan's kind-specific content is a JSON object validated by the kind's own form (forms.py builds one form per
kind from these specs). The same specs lay the content out on the plan page, the PDF, the card and the
"what changed" view, so a field is described once.
"""

from dataclasses import dataclass, field

from django.db import models


class Kind(models.TextChoices):
    BSP = "bsp", "Behaviour support plan / positive handling plan"
    RISK = "risk", "Individual risk assessment"
    REGULATION = "regulation", "Regulation plan"
    PASSPORT = "passport", "Pupil passport / one-page profile"
    SOCIAL_STORY = "social_story", "Social story"
    REINTEGRATION = "reintegration", "Reintegration plan after a suspension"


SHORT_LABELS = {
    Kind.BSP: "Behaviour support plan",
    Kind.RISK: "Risk assessment",
    Kind.REGULATION: "Regulation plan",
    Kind.PASSPORT: "Pupil passport",
    Kind.SOCIAL_STORY: "Social story",
    Kind.REINTEGRATION: "Reintegration plan",
}

# Weeks from agreement (or review) to the next review, unless the school sets its own (PlanReviewInterval).
DEFAULT_REVIEW_WEEKS = {
    Kind.BSP: 12,
    Kind.RISK: 12,
    Kind.REGULATION: 12,
    Kind.PASSPORT: 26,
    Kind.SOCIAL_STORY: 12,
    Kind.REINTEGRATION: 6,
}

# Plans that hold risk information: their PDFs are marked OFFICIAL-SENSITIVE.
RISK_KINDS = {Kind.BSP, Kind.RISK}
# Plans whose key strategies go on the "How to support me" card.
CARD_KINDS = (Kind.BSP, Kind.REGULATION, Kind.PASSPORT)


@dataclass(frozen=True)
class Spec:
    key: str
    label: str
    widget: str = "text"  # text (several lines), line, bool, choice, techniques
    help: str = ""
    required: bool = False
    choices: tuple = ()
    # Passport sections can be in the pupil's own words; a tick beside the field marks them as pupil voice.
    voice: bool = False


RISK_VARIANTS = (("in_school", "In school"), ("off_site", "Off-site activity"), ("trip", "School trip or visit"))

SPECS = {
    Kind.BSP: (
        Spec(
            "behaviours",
            "Behaviours of concern and what they communicate",
            required=True,
            help="What the pupil does, and what we think it tells us (a need, a feeling, a wish to escape).",
        ),
        Spec("triggers", "Known triggers", required=True),
        Spec("early_signs", "Early warning signs"),
        Spec("proactive", "Proactive strategies", required=True, help="What staff do every day to prevent it."),
        Spec("deescalation", "De-escalation that works"),
        Spec("avoid", "What to avoid"),
        Spec("techniques", "Agreed physical interventions", widget="techniques"),
        Spec("post_incident", "Post-incident support"),
        Spec("with_parents", "Parents or carers took part in writing it", widget="bool"),
        Spec("with_pupil", "The pupil took part in writing it", widget="bool"),
        Spec("professionals", "Professionals involved", widget="line"),
    ),
    Kind.RISK: (
        Spec("variant", "Kind of assessment", widget="choice", choices=RISK_VARIANTS, required=True),
        Spec("activity", "Activity, place or trip", widget="line", help="For off-site and trip assessments."),
        Spec("context", "Background", help="Why an assessment is needed."),
    ),
    Kind.REGULATION: (
        Spec("green_looks", "Green (calm): what it looks like", required=True),
        Spec("green_pupil", "Green: what I can do"),
        Spec("green_staff", "Green: what staff should do"),
        Spec("amber_looks", "Amber (anxious): what it looks like", required=True),
        Spec("amber_pupil", "Amber: what I can do"),
        Spec("amber_staff", "Amber: what staff should do"),
        Spec("red_looks", "Red (crisis): what it looks like", required=True),
        Spec("red_pupil", "Red: what I can do"),
        Spec("red_staff", "Red: what staff should do"),
        Spec("calming", "Calming strategies"),
        Spec("safe_spaces", "Safe spaces"),
        Spec("sensory", "Sensory needs"),
    ),
    Kind.PASSPORT: (
        Spec("like_about_me", "What people like about me", required=True, voice=True),
        Spec("important_to_me", "What is important to me", required=True, voice=True),
        Spec("how_to_support", "How best to support me", required=True, voice=True),
    ),
    Kind.SOCIAL_STORY: (
        Spec("situation", "The situation it is for", required=True),
        Spec("who_reads", "Who reads it with the pupil", widget="line"),
        Spec("when_read", "When it is read", widget="line", help="e.g. every morning before registration"),
    ),
    Kind.REINTEGRATION: (
        Spec("goals", "Goals", required=True),
        Spec("support", "Support agreed", required=True),
        Spec("adjustments", "Adjustments"),
        Spec("checkins", "Check-in schedule", help="Who checks in with the pupil, when and how often."),
    ),
}

# What the "How to support me" card takes from each plan kind.
CARD_FIELDS = {
    Kind.BSP: ("proactive", "triggers", "avoid", "deescalation"),
    Kind.REGULATION: ("amber_staff", "red_staff", "calming", "safe_spaces"),
    Kind.PASSPORT: ("how_to_support",),
}

HAZARD_FIELDS = (
    ("hazard", "Hazard"),
    ("who", "Who is at risk"),
    ("likelihood_before", "Likelihood before (1–5)"),
    ("severity_before", "Severity before (1–5)"),
    ("controls", "Control measures"),
    ("likelihood_after", "Likelihood after (1–5)"),
    ("severity_after", "Severity after (1–5)"),
    ("owner", "Owner"),
)


def risk_level(score):
    """A 1–25 likelihood × severity score in words (the common 5 × 5 matrix bands)."""
    if score is None:
        return ""
    if score >= 15:
        return "High"
    if score >= 8:
        return "Medium"
    return "Low"


def residual_risk(hazards):
    """The overall residual risk: the highest likelihood × severity after control measures, or None."""
    scores = [h["likelihood_after"] * h["severity_after"] for h in hazards or () if h.get("likelihood_after")]
    return max(scores) if scores else None


def spec_for(kind, key):
    for spec in SPECS[Kind(kind)]:
        if spec.key == key:
            return spec
    return None


@dataclass
class Section:
    label: str
    text: str
    pupil_voice: bool = False
    rows: list = field(default_factory=list)


def _text(spec, value, technique_names):
    if spec.widget == "bool":
        return "Yes" if value else "No"
    if spec.widget == "choice":
        return dict(spec.choices).get(value, value or "")
    if spec.widget == "techniques":
        if value == "none" or not value:
            return "None agreed"
        return ", ".join(technique_names.get(code, "A technique no longer listed") for code in value)
    return value or ""


def sections(kind, content, technique_names=None):
    """The plan's content as labelled sections, in the order of the kind's form."""
    content = content or {}
    technique_names = technique_names or {}
    result = []
    for spec in SPECS[Kind(kind)]:
        value = content.get(spec.key)
        result.append(Section(spec.label, _text(spec, value, technique_names), bool(content.get(f"{spec.key}_voice"))))
    if kind == Kind.RISK:
        hazards = content.get("hazards") or []
        for number, hazard in enumerate(hazards, start=1):
            before = hazard.get("likelihood_before", 0) * hazard.get("severity_before", 0)
            after = hazard.get("likelihood_after", 0) * hazard.get("severity_after", 0)
            text = (
                f"{hazard.get('hazard', '')}. At risk: {hazard.get('who', '')}. "
                f"Before: {hazard.get('likelihood_before')} × {hazard.get('severity_before')} = {before} "
                f"({risk_level(before)}). Controls: {hazard.get('controls', '')}. "
                f"After: {hazard.get('likelihood_after')} × {hazard.get('severity_after')} = {after} "
                f"({risk_level(after)}). Owner: {hazard.get('owner', '')}."
            )
            result.append(Section(f"Hazard {number}", text))
        residual = residual_risk(hazards)
        result.append(
            Section("Overall residual risk", f"{residual} ({risk_level(residual)})" if residual else "No hazards yet")
        )
    if kind == Kind.SOCIAL_STORY:
        for number, page in enumerate(content.get("pages") or [], start=1):
            image = " (with a picture)" if page.get("image") else ""
            result.append(Section(f"Page {number}{image}", page.get("text", "")))
    return result
