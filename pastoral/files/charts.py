"""Charts drawn on the server as inline SVG.

The same Chart goes into a web page (with its table alternative, through
templates/charts/_chart.html) and into a WeasyPrint PDF, which renders inline
SVG without JavaScript. Every chart keeps its numbers as rows so the table
alternative and the CSV say exactly what the picture shows.

    chart = charts.bar_chart("Events by location", [("Corridor", 40), ("Canteen", 12)])
    {% include "charts/_chart.html" with chart=chart %}
"""

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import mark_safe

# Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics).
PRIMARY = "#0b5ed7"
SECONDARY = "#b02a37"
PALETTE = [PRIMARY, SECONDARY, "#146c43", "#6f42c1", "#995c00", "#0a5a6b", "#5c636a"]
TEXT = "#212529"
GRID = "#ced4da"
# Presentation attributes, not a style="" attribute: our Content-Security-Policy refuses inline styles.
FONT = 'font-family="system-ui,-apple-system,\'Segoe UI\',Roboto,sans-serif" font-size="12"'


@dataclass
class Chart:
    title: str
    headers: list
    rows: list
    svg: str = ""
    description: str = ""
    series: list = field(default_factory=list)

    @property
    def empty(self):
        return not self.rows

    def __html__(self):
        return self.svg


def _number(value):
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def _svg(width, height, title, body):
    return mark_safe(
        # The natural size goes in width/height; the page's CSS (and the PDF's) shrinks it to fit.
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" {FONT}>'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _truncate(text, length=22):
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def bar_chart(title, rows, *, label_header="", value_header="Count", colour=PRIMARY, description=""):
    """Horizontal bars, one per (label, value); good for categories, locations, pupils."""
    rows = [(label, value or 0) for label, value in rows]
    chart = Chart(title, [label_header or "Item", value_header], rows, description=description)
    if not rows:
        return chart
    bar, gap, left, right, top = 18, 6, 160, 60, 8
    width = 640
    height = top + len(rows) * (bar + gap) + 4
    largest = max(value for _label, value in rows) or 1
    scale = (width - left - right) / largest
    parts = []
    for index, (label, value) in enumerate(rows):
        y = top + index * (bar + gap)
        length = max(value * scale, 0)
        parts.append(
            f'<text x="{left - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_truncate(label))}</text>"
            f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar}" fill="{colour}"/>'
            f'<text x="{left + length + 4:.1f}" y="{y + bar * 0.7:.1f}" fill="{TEXT}">{_number(value)}</text>'
        )
    chart.svg = _svg(width, height, title, "".join(parts))
    return chart


def column_chart(title, rows, *, series=None, label_header="", value_header="Count", description=""):
    """Vertical columns over time, e.g. weekly counts.

    rows are (label, value) for one series, or (label, value1, value2, …) with
    `series` naming each value for grouped columns (e.g. positive and negative).
    """
    series = list(series or [value_header])
    rows = [(row[0], *[value or 0 for value in row[1:]]) for row in rows]
    chart = Chart(title, [label_header or "Period", *series], rows, description=description, series=series)
    if not rows:
        return chart
    width, height, left, bottom, top = 640, 220, 40, 40, 24 if len(series) > 1 else 10
    plot_height = height - bottom - top
    largest = max(max(row[1:]) for row in rows) or 1
    slot = (width - left - 10) / len(rows)
    column = max(min(slot * 0.8 / len(series), 40), 1)
    parts = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 10}" y2="{top + plot_height}" stroke="{GRID}"/>',
        f'<text x="{left - 4}" y="{top + 10}" text-anchor="end" fill="{TEXT}">{_number(largest)}</text>',
        f'<text x="{left - 4}" y="{top + plot_height}" text-anchor="end" fill="{TEXT}">0</text>',
    ]
    label_every = max(1, round(len(rows) / 12))
    for index, row in enumerate(rows):
        x0 = left + index * slot + (slot - column * len(series)) / 2
        for offset, value in enumerate(row[1:]):
            bar_height = value / largest * plot_height
            parts.append(
                f'<rect x="{x0 + offset * column:.1f}" y="{top + plot_height - bar_height:.1f}" '
                f'width="{column:.1f}" height="{bar_height:.1f}" fill="{PALETTE[offset % len(PALETTE)]}">'
                f"<title>{escape(str(row[0]))}: {escape(series[offset])} {_number(value)}</title></rect>"
            )
        if index % label_every == 0:
            parts.append(
                f'<text x="{left + index * slot + slot / 2:.1f}" y="{height - bottom + 14}" text-anchor="middle" '
                f'fill="{TEXT}">{escape(_truncate(row[0], 10))}</text>'
            )
    if len(series) > 1:
        for offset, name in enumerate(series):
            x = left + offset * 130
            parts.append(
                f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[offset % len(PALETTE)]}"/>'
                f'<text x="{x + 16}" y="14" fill="{TEXT}">{escape(name)}</text>'
            )
    chart.svg = _svg(width, height, title, "".join(parts))
    return chart


def heatmap(title, row_labels, column_labels, values, *, description=""):
    """A grid shaded by value, e.g. day of week × period. values[row][column]."""
    rows = [(label, *values[index]) for index, label in enumerate(row_labels)]
    chart = Chart(title, ["", *column_labels], rows, description=description)
    if not rows or not column_labels:
        return chart
    cell_width, cell_height, left, top = 56, 28, 90, 22
    width = left + cell_width * len(column_labels) + 4
    height = top + cell_height * len(row_labels) + 4
    largest = max((max(row) for row in values if row), default=0) or 1
    parts = []
    for column, label in enumerate(column_labels):
        parts.append(
            f'<text x="{left + column * cell_width + cell_width / 2}" y="{top - 8}" text-anchor="middle" '
            f'fill="{TEXT}">{escape(_truncate(label, 8))}</text>'
        )
    for row_index, label in enumerate(row_labels):
        y = top + row_index * cell_height
        parts.append(f'<text x="{left - 6}" y="{y + 18}" text-anchor="end" fill="{TEXT}">{escape(str(label))}</text>')
        for column, value in enumerate(values[row_index]):
            share = value / largest
            # Light to dark blue; dark cells switch to white text to keep 4.5:1.
            lightness = 96 - share * 62
            ink = "#ffffff" if lightness < 55 else TEXT
            parts.append(
                f'<rect x="{left + column * cell_width}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" '
                f'fill="hsl(214,80%,{lightness:.0f}%)"/>'
                f'<text x="{left + column * cell_width + cell_width / 2 - 1}" y="{y + 18}" text-anchor="middle" '
                f'fill="{ink}">{_number(value)}</text>'
            )
    chart.svg = _svg(width, height, title, "".join(parts))
    return chart


def stacked_bar_chart(title, rows, *, series, label_header="", description=""):
    """Horizontal bars split into shares that add up to 100%, e.g. positive vs negative per year group.

    rows are (label, value1, value2, …) with `series` naming each value. Each bar shows the split of its own
    total, and the total is written at the end, so groups of different sizes compare fairly.
    """
    series = list(series)
    rows = [(row[0], *[value or 0 for value in row[1:]]) for row in rows]
    chart = Chart(title, [label_header or "Item", *series], rows, description=description, series=series)
    if not rows:
        return chart
    bar, gap, left, right, top = 18, 6, 160, 60, 24
    width = 640
    height = top + len(rows) * (bar + gap) + 4
    span = width - left - right
    parts = []
    for offset, name in enumerate(series):
        x = left + offset * 130
        parts.append(
            f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[offset % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="14" fill="{TEXT}">{escape(name)}</text>'
        )
    for index, row in enumerate(rows):
        y = top + index * (bar + gap)
        total = sum(row[1:])
        parts.append(
            f'<text x="{left - 6}" y="{y + bar * 0.7:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_truncate(row[0]))}</text>"
        )
        x = left
        for offset, value in enumerate(row[1:]):
            length = span * value / total if total else 0
            share = 100 * value / total if total else 0
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{bar}" '
                f'fill="{PALETTE[offset % len(PALETTE)]}"><title>{escape(str(row[0]))}: {escape(series[offset])} '
                f"{_number(value)} ({share:.0f}%)</title></rect>"
            )
            x += length
        parts.append(f'<text x="{left + span + 4}" y="{y + bar * 0.7:.1f}" fill="{TEXT}">{_number(total)}</text>')
    chart.svg = _svg(width, height, title, "".join(parts))
    return chart
