"""The released text of a pack item: each redacted passage replaced by "[Redacted: reason]", a withheld item
by one line saying so. Only these functions turn a pack into what leaves the app."""

from dataclasses import dataclass

from .models import SarRedaction


def marker(label):
    return f"[Redacted: {label}]"


def apply(text, redactions):
    """`text` with the passages of `redactions` (objects with start, end, label) replaced; overlapping or
    touching passages become one marker (the first one's reason)."""
    spans = sorted((r for r in redactions if r.end > r.start), key=lambda r: (r.start, r.end))
    merged = []
    for r in spans:
        start, end = max(0, r.start), min(len(text), r.end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, r.label])
    out, at = [], 0
    for start, end, label in merged:
        out.append(text[at:start])
        out.append(marker(label))
        at = end
    out.append(text[at:])
    return "".join(out)


def find_all(text, passage):
    """[(start, end)] of every occurrence of `passage` in `text` (case as typed, then ignoring case)."""
    if not passage:
        return []
    found, at = [], 0
    haystack, needle = text, passage
    if passage not in text:
        haystack, needle = text.lower(), passage.lower()
    while True:
        index = haystack.find(needle, at)
        if index < 0:
            return found
        found.append((index, index + len(needle)))
        at = index + len(needle)


@dataclass(frozen=True)
class Released:
    """One item as the requester receives it."""

    position: int
    area: str
    kind: str
    occurred_at: object
    title: str
    text: str
    withheld: bool
    redacted: bool

    def as_dict(self):
        return {
            "position": self.position,
            "area": self.area,
            "kind": self.kind,
            "date": self.occurred_at.isoformat() if self.occurred_at else None,
            "title": self.title,
            "text": self.text,
            "withheld": self.withheld,
            "redacted": self.redacted,
        }


def released(item):
    """The item as released: needs `item.redactions` prefetched (no query per item)."""
    if item.withheld:
        line = f"[Withheld: {item.withheld_label}]"
        return Released(item.position, item.area, item.kind, item.occurred_at, line, line, True, True)
    by_part = {SarRedaction.Part.TITLE: [], SarRedaction.Part.TEXT: []}
    for redaction in item.redactions.all():
        by_part[redaction.part].append(redaction)
    title = apply(item.title, by_part[SarRedaction.Part.TITLE])
    text = apply(item.text, by_part[SarRedaction.Part.TEXT])
    redacted = bool(by_part[SarRedaction.Part.TITLE] or by_part[SarRedaction.Part.TEXT])
    return Released(item.position, item.area, item.kind, item.occurred_at, title, text, False, redacted)
