"""Reads for outcome measures. Every list, chart, export, report line, pack section and registry call reads
through `readings_visible_to(user)` (Star readings) or `sdq_visible_to(user)` (SDQ questionnaires); see access.py
for who sees what. Withdrawn (voided) entries are left out everywhere but their own page."""

from dataclasses import dataclass

from provision.measures_registry import MeasureScore

from . import sdq, stars
from .access import pupil_condition
from .models import SdqResponse, StarReading


def readings_visible_to(user, *, with_voided=False):
    rows = StarReading.objects.filter(pupil_condition(user))
    return rows if with_voided else rows.filter(voided_at__isnull=True)


def sdq_visible_to(user, *, with_voided=False):
    rows = SdqResponse.objects.filter(pupil_condition(user))
    return rows if with_voided else rows.filter(voided_at__isnull=True)


@dataclass
class AreaChange:
    key: str
    label: str
    baseline: int
    previous: int | None
    latest: int

    @property
    def since_baseline(self):
        return self.latest - self.baseline

    @property
    def since_previous(self):
        return None if self.previous is None else self.latest - self.previous


@dataclass
class StarSeries:
    """The readings of one star and edition for one pupil, oldest first: the first is the baseline."""

    star: str
    edition: str
    readings: list

    @property
    def spec(self):
        return stars.edition(self.star, self.edition)

    @property
    def label(self):
        return self.readings[0].star_label

    @property
    def baseline(self):
        return self.readings[0]

    @property
    def latest(self):
        return self.readings[-1]

    def changes(self):
        """Area by area: latest minus baseline, and latest minus the previous reading."""
        if len(self.readings) < 2:
            return []
        previous = self.readings[-2]
        return [
            AreaChange(
                key,
                label,
                int(self.baseline.scores[key]),
                int(previous.scores[key]),
                int(self.latest.scores[key]),
            )
            for key, label in self.spec.areas
            if key in self.baseline.scores and key in self.latest.scores
        ]

    @property
    def areas_forward(self):
        return sum(1 for change in self.changes() if change.since_baseline > 0)

    @property
    def moved_forward(self):
        """At least one area higher than at the baseline (None with a single reading)."""
        return None if len(self.readings) < 2 else self.areas_forward > 0


def star_series(readings):
    """Group readings (ordered by date) into one series per star and edition: never compared across them."""
    series = {}
    for reading in sorted(readings, key=lambda r: (r.taken_on, r.pk)):
        if reading.spec is None:
            continue
        key = (reading.star, reading.edition)
        series.setdefault(key, StarSeries(reading.star, reading.edition, [])).readings.append(reading)
    return list(series.values())


def pupil_star_series(user, pupil):
    rows = readings_visible_to(user).filter(pupil=pupil).select_related("worker").order_by("taken_on", "pk")
    return star_series(rows)


def pupil_sdq_by_informant(user, pupil):
    """{informant: [responses oldest first]} for the pupil's questionnaires."""
    by_informant = {}
    for response in sdq_visible_to(user).filter(pupil=pupil).order_by("completed_on", "pk"):
        by_informant.setdefault(response.informant, []).append(response)
    return {key: by_informant[key] for key in sdq.INFORMANTS if key in by_informant}


# Measures for measures_registry: entry is the reading nearest before or on `start` (or the first in the period),
# exit the last on or before `end`. Two queries each, however many pupils.


def _entry_exit(rows, start, end, key):
    """{pupil id: (entry row, exit row)} from rows ordered by pupil then date; `key` groups comparable rows."""
    by_pupil = {}
    for row in rows:
        by_pupil.setdefault(row.pupil_id, []).append(row)
    pairs = {}
    for pupil_id, pupil_rows in by_pupil.items():
        exit_row = pupil_rows[-1]
        comparable = [row for row in pupil_rows if key(row) == key(exit_row)]
        before = [row for row in comparable if _day(row) <= start]
        entry = before[-1] if before else comparable[0]
        pairs[pupil_id] = (entry, exit_row)
    return pairs


def _day(row):
    return row.taken_on if isinstance(row, StarReading) else row.completed_on


def star_pairs(pupil_ids, star_code, start, end):
    """{pupil id: (entry reading, exit reading)} of one star, the entry of the exit's edition."""
    rows = (
        StarReading.objects.filter(pupil_id__in=pupil_ids, star=star_code, taken_on__lte=end, voided_at__isnull=True)
        .only("pk", "pupil_id", "star", "edition", "taken_on", "scores")
        .order_by("pupil_id", "taken_on", "pk")
    )
    return _entry_exit(rows, start, end, lambda r: r.edition)


def star_scores_between(star_code):
    def scores_between(pupil_ids, start, end):
        result = {}
        for pupil_id, (entry, exit_row) in star_pairs(pupil_ids, star_code, start, end).items():
            spec = exit_row.spec
            if spec is None:
                continue
            label = f"Average across {len(spec.areas)} areas ({spec.label.lower()})"
            result[pupil_id] = (MeasureScore(entry.average, label), MeasureScore(exit_row.average, label))
        return result

    return scores_between


def sdq_pairs(pupil_ids, informant, start, end):
    """{pupil id: (entry, exit)} of one informant's SDQs with a total difficulties score, same form version."""
    rows = (
        SdqResponse.objects.filter(
            pupil_id__in=pupil_ids, informant=informant, completed_on__lte=end, voided_at__isnull=True
        )
        .only("pk", "pupil_id", "informant", "form_version", "completed_on", "items", "difficulties", "impact")
        .order_by("pupil_id", "completed_on", "pk")
    )
    # Only questionnaires with a total difficulties score count: a withheld total is not a reading.
    rows = [row for row in rows if row.result.value(sdq.TOTAL) is not None]
    return _entry_exit(rows, start, end, lambda r: r.form_version)


def sdq_measure(row):
    total = row.result[sdq.TOTAL]
    return MeasureScore(total.value, "Total difficulties (0 to 40)", higher_is_better=False, band=total.band)


def sdq_scores_between(informant):
    def scores_between(pupil_ids, start, end):
        return {
            pupil_id: (sdq_measure(entry), sdq_measure(exit_row))
            for pupil_id, (entry, exit_row) in sdq_pairs(pupil_ids, informant, start, end).items()
        }

    return scores_between
