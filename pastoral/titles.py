"""How records are named on pages: by child, kind and date ("Jay Smith — Incident — 3 Dec 2026").

The short reference (the first eight characters of the record's code) stays as secondary text, and is all that
emails and other places where a child must not be named ever show.
"""

from pastoral.dates import uk_date


def pupil_names(names):
    """'Jay Smith', 'Jay Smith and Ann Lee', or 'Jay Smith and 2 others'."""
    names = list(names)
    if not names:
        return "No pupil named"
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} and {len(names) - 1} others"


def record_title(names, kind, when):
    """'<pupil name(s)> — <kind> — <date>'; `names` are display names, `when` a date or date-time."""
    parts = [pupil_names(names), kind]
    if when:
        parts.append(uk_date(when))
    return " — ".join(parts)


def reference(code):
    """The short reference of a record's code: '69EB0EDD'."""
    return str(code)[:8].upper()
