"""Star readings and SDQs on a pupil's chronology, for those who may read them (readings_visible_to,
sdq_visible_to): two queries, each cut in SQL. Scores only: a Star's average, an SDQ's total and band."""

from django.urls import reverse

from pastoral.chronology import ChronologyItem, as_datetime, as_window

from . import sdq
from .selectors import readings_visible_to, sdq_visible_to


def measures_for_chronology(user, pupil, limit):
    window = as_window(limit)
    items = []
    readings = readings_visible_to(user).filter(pupil=pupil)
    readings = window.rows(readings, when="taken_on", is_date=True, sub="star", label="Star reading")
    for reading in readings:
        items.append(
            ChronologyItem(
                as_datetime(reading.taken_on),
                "outcomes",
                f"{reading.star_label} reading",
                f"Average {reading.average} across {len(reading.scores)} areas; "
                f"{reading.get_completed_with_display().lower()}",
                reverse("provision:star_detail", args=[reading.code]),
                "info",
                key=window.key(reading.pk, "star"),
            )
        )
    responses = sdq_visible_to(user).filter(pupil=pupil)
    for response in window.rows(responses, when="completed_on", is_date=True, sub="sdq", label="SDQ"):
        total = response.result[sdq.TOTAL]
        summary = (
            f"Total difficulties {total.value} ({total.band.lower()})"
            if total.value is not None
            else "Total difficulties withheld (too few items answered)"
        )
        items.append(
            ChronologyItem(
                as_datetime(response.completed_on),
                "outcomes",
                f"SDQ ({response.get_informant_display().lower()})",
                summary,
                reverse("provision:sdq_detail", args=[response.code]),
                "info",
                key=window.key(response.pk, "sdq"),
            )
        )
    return items
