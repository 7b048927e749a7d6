"""The measure charts (server-drawn SVG with a table alternative), shared by the pupil page and the review pack."""

from pastoral.dates import uk_date
from pastoral.files import charts

from . import sdq


def _day(value):
    return f"{uk_date(value)}"


def star_chart(series):
    """Each area's score at the baseline and every later reading of one star and edition, side by side."""
    # Short series names: the legend gives each about 18 characters.
    names = [
        f"Baseline {reading.taken_on:%-d %b %y}" if index == 0 else _day(reading.taken_on)
        for index, reading in enumerate(series.readings)
    ]
    rows = [
        (label, *[int(reading.scores.get(key, 0)) for reading in series.readings]) for key, label in series.spec.areas
    ]
    chart = charts.column_chart(
        f"{series.label}: baseline and later readings",
        rows,
        series=names,
        label_header="Outcome area",
        description=f"Scores from {series.spec.low} to {series.spec.high} in each area; higher is further along.",
    )
    return chart


def change_rows(series):
    """(area, baseline, previous, latest, change since baseline, change since previous) for the change table."""
    return [
        (
            change.label,
            change.baseline,
            change.previous,
            change.latest,
            change.since_baseline,
            change.since_previous,
        )
        for change in series.changes()
    ]


def sdq_chart(informant, responses):
    """Total difficulties at each questionnaire of one informant, with its band (lower is better)."""
    rows = []
    for response in responses:
        total = response.result[sdq.TOTAL]
        if total.value is not None:
            rows.append((f"{response.completed_on:%-d %b %y}", total.value, total.band))
    chart = charts.column_chart(
        f"SDQ total difficulties over time ({sdq.INFORMANTS[informant].lower()})",
        [(label, value) for label, value, _band in rows],
        label_header="Completed on",
        value_header="Total difficulties",
        description="From 0 to 40; lower is better. Questionnaires whose total was withheld are left out.",
    )
    # The table alternative also gives each total's band.
    chart.headers = [*chart.headers, "Band"]
    chart.rows = [(label, value, band) for label, value, band in rows]
    return chart


def sdq_band_rows(responses):
    """For the bands-over-time table: one row per questionnaire, each score with its band."""
    rows = []
    for response in responses:
        result = response.result
        cells = []
        for key in sdq.ORDER:
            score = result[key]
            if score.value is None:
                cells.append("withheld")
            else:
                cells.append(f"{score.value}{' (' + score.band.lower() + ')' if score.band else ''}")
        rows.append((response, cells))
    return rows
