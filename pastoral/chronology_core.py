from django.urls import reverse

from .chronology import ChronologyItem, as_datetime


def pupil_milestones(user, pupil, limit):
    """Admission, leaving and the contact log, read through the viewer's selectors (voided entries only for
    those who may void them)."""
    from .selectors import notes_visible_to

    items = []
    if pupil.admission_date:
        when = as_datetime(pupil.admission_date)
        items.append(ChronologyItem(when, "pastoral", "Admitted", pupil.school.name, "", "success"))
    if pupil.leaving_date:
        items.append(ChronologyItem(as_datetime(pupil.leaving_date), "pastoral", "Left the school", "", "", "dark"))
    notes = notes_visible_to(user).filter(pupil=pupil).select_related("author").order_by("-occurred_at", "-id")
    for note in notes[:limit]:
        title = f"{note.get_kind_display()}: {note.summary}"
        summary = f"Logged by {note.author}"
        if note.voided_at:
            title = f"Voided – {title}"
            summary = f"{summary}; voided: {note.void_reason}"
        url = reverse("pastoral:note_detail", args=[pupil.code, note.code])
        tone = "dark" if note.voided_at else "primary"
        items.append(ChronologyItem(note.occurred_at, "contact log", title, summary, url, tone))
    return items
