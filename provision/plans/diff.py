"""What changed between two versions of a plan: each labelled section, old beside new, with the words that
changed marked."""

import difflib
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from pastoral.dates import uk_date

from .kinds import sections


@dataclass
class Change:
    label: str
    old: str
    new: str

    @property
    def marked(self):
        """The new text with deletions struck through and insertions underlined (HTML, escaped)."""
        old_words, new_words = self.old.split(), self.new.split()
        parts = []
        matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op == "equal":
                parts.append(escape(" ".join(old_words[a1:a2])))
                continue
            if a2 > a1:
                parts.append(f"<del>{escape(' '.join(old_words[a1:a2]))}</del>")
            if b2 > b1:
                parts.append(f"<ins>{escape(' '.join(new_words[b1:b2]))}</ins>")
        return mark_safe(" ".join(parts))


def _flat(kind, version, technique_names):
    flat = {"Title": version.title, "Next review": uk_date(version.review_date)}
    for section in sections(kind, version.content, technique_names):
        voice = " (pupil voice)" if section.pupil_voice else ""
        flat[section.label] = f"{section.text}{voice}"
    return flat


def compare(kind, old, new, technique_names=None):
    """The sections whose text differs between two versions, in the new version's order."""
    before, after = _flat(kind, old, technique_names), _flat(kind, new, technique_names)
    labels = list(after) + [label for label in before if label not in after]
    return [
        Change(label, before.get(label, ""), after.get(label, ""))
        for label in labels
        if before.get(label, "") != after.get(label, "")
    ]
