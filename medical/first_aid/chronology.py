"""Accidents and first aid on a pupil's chronology, for those who read medical records."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_window

from .selectors import accidents_visible_to, current


def accidents_for_chronology(user, pupil, limit):
    window = as_window(limit)
    rows = current(accidents_visible_to(user).filter(pupil=pupil)).select_related("treated_by")
    return [
        ChronologyItem(
            a.occurred_at,
            "medical",
            f"{'Head injury' if a.head_injury else 'Accident'}: {a.get_injury_display().lower()} "
            f"({a.get_body_part_display().lower()}), {a.location}",
            f"{a.get_outcome_display()}; treated by {a.treated_by_id and a.treated_by}",
            reverse("medical:accident_detail", args=[a.code]),
            "danger" if a.head_injury or a.possibly_non_accidental else "warning",
            key=window.key(a.pk),
        )
        for a in window.rows(rows, when="occurred_at", text=("location",), label="Accident")
    ]
