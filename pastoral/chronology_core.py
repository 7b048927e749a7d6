from django.urls import reverse

from .chronology import ChronologyItem, as_datetime, as_window


def pupil_milestones(user, pupil, limit):
    """Admission, leaving and the contact log, read through the viewer's selectors (voided entries only for
    those who may void them)."""
    from .selectors import notes_visible_to

    window = as_window(limit)
    items = []
    # Two dates of the pupil's own row: checked against the window in Python by the chronology (no query).
    if pupil.admission_date and _matches(window, "Admitted", pupil.school.name):
        when = as_datetime(pupil.admission_date)
        items.append(
            ChronologyItem(
                when, "pastoral", "Admitted", pupil.school.name, "", "success", key=window.key(pupil.pk, "admitted")
            )
        )
    if pupil.leaving_date and _matches(window, "Left the school"):
        items.append(
            ChronologyItem(
                as_datetime(pupil.leaving_date),
                "pastoral",
                "Left the school",
                "",
                "",
                "dark",
                key=window.key(pupil.pk, "left"),
            )
        )
    notes = notes_visible_to(user).filter(pupil=pupil).select_related("author")
    notes = window.rows(notes, when="occurred_at", text=("summary", "detail"), sub="notes")
    for note in notes:
        title = f"{note.get_kind_display()}: {note.summary}"
        summary = f"Logged by {note.author}"
        if note.voided_at:
            title = f"Voided – {title}"
            summary = f"{summary}; voided: {note.void_reason}"
        url = reverse("pastoral:note_detail", args=[pupil.code, note.code])
        tone = "dark" if note.voided_at else "primary"
        items.append(
            ChronologyItem(
                note.occurred_at,
                "contact log",
                title,
                summary,
                url,
                tone,
                key=window.key(note.pk, "notes"),
                detail=note.detail,
            )
        )
    return items


def _matches(window, *texts):
    return not window.text or any(window.text.lower() in text.lower() for text in texts)
