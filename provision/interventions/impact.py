"""Impact of interventions: for each pupil in a group, the entry and exit measure, attendance at the group's
sessions, and their negative behaviour events and school attendance over the same number of weeks before the
group started and from its start (to today at most).

Everything reads through the viewer's own selectors (behaviour events, attendance, the measure's own
scores_between), and the figures for any number of pupils and groups come from a fixed number of queries: the
members, the session attendance, one grouped count of events, one grouped count of attendance marks, and one
scores_between call per group with a measure.
"""

import datetime
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from behaviour.events.models import BehaviourCategory
from behaviour.events.selectors import events_visible_to
from pastoral.accounts import access
from pastoral.attendance import calculations
from pastoral.attendance import selectors as attendance_selectors
from pastoral.files import charts
from provision import measures_registry

from .models import SessionAttendance


@dataclass(frozen=True)
class Window:
    weeks: int
    before_start: datetime.date
    start: datetime.date
    # The last day counted after the start (the start plus the same number of weeks, or today if sooner).
    after_end: datetime.date


def window(group, today=None):
    today = today or timezone.localdate()
    end = group.finished_on or group.ends_on
    weeks = max(1, math.ceil(((end - group.starts_on).days + 1) / 7))
    after_end = min(group.starts_on + datetime.timedelta(weeks=weeks) - datetime.timedelta(days=1), today)
    return Window(weeks, group.starts_on - datetime.timedelta(weeks=weeks), group.starts_on, after_end)


@dataclass
class PupilImpact:
    member: object
    window: Window
    entry: object = None
    exit: object = None
    sessions_attended: int = 0
    sessions_recorded: int = 0
    events_before: int | None = None
    events_after: int | None = None
    attendance_before: Decimal | None = None
    attendance_after: Decimal | None = None

    @property
    def pupil(self):
        return self.member.pupil

    @property
    def improved(self):
        return measures_registry.improved(self.entry, self.exit)

    @property
    def change(self):
        if self.entry is None or self.exit is None:
            return None
        return round(self.exit.value - self.entry.value, 2)

    @property
    def session_rate(self):
        return calculations.percent(self.sessions_attended, self.sessions_recorded)

    @property
    def events_change(self):
        if self.events_before is None or self.events_after is None:
            return None
        return self.events_after - self.events_before


def _bounds(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def impact_for(user, members, today=None):
    """PupilImpact for each member (each with `group` and `pupil` loaded), in a fixed number of queries."""
    members = list(members)
    if not members:
        return []
    today = today or timezone.localdate()
    groups = {member.group_id: member.group for member in members}
    windows = {group_id: window(group, today) for group_id, group in groups.items()}
    rows = [PupilImpact(member, windows[member.group_id]) for member in members]
    pupil_ids = {member.pupil_id for member in members}

    # Attendance at the groups' sessions.
    attended = (
        SessionAttendance.objects.filter(session__group_id__in=groups, pupil_id__in=pupil_ids)
        .values("session__group_id", "pupil_id")
        .annotate(recorded=Count("pk"), attended=Count("pk", filter=Q(status=SessionAttendance.Status.ATTENDED)))
    )
    sessions = {(row["session__group_id"], row["pupil_id"]): row for row in attended}

    # Negative behaviour events before and after, per group window, in one grouped query.
    counts = {}
    for group_id, w in windows.items():
        counts[f"b{group_id}"] = Count(
            "pk", filter=Q(occurred_at__gte=_bounds(w.before_start), occurred_at__lt=_bounds(w.start))
        )
        counts[f"a{group_id}"] = Count(
            "pk",
            filter=Q(
                occurred_at__gte=_bounds(w.start), occurred_at__lt=_bounds(w.after_end + datetime.timedelta(days=1))
            ),
        )
    events = (
        events_visible_to(user)
        .filter(pupil_id__in=pupil_ids, voided_at__isnull=True, category__kind=BehaviourCategory.Kind.NEGATIVE)
        .filter(occurred_at__gte=_bounds(min(w.before_start for w in windows.values())))
        .values("pupil_id")
        .annotate(**counts)
    )
    events = {row["pupil_id"]: row for row in events}
    reads_events = set(access.schools_with_perm(user, "behaviour.view_event")) & {g.school_id for g in groups.values()}

    # School attendance before and after, per group window, in one grouped query.
    periods = {}
    for group_id, w in windows.items():
        periods[f"b{group_id}_"] = (w.before_start, w.start - datetime.timedelta(days=1))
        periods[f"a{group_id}_"] = (w.start, w.after_end)
    earliest = min(w.before_start for w in windows.values())
    latest = max(w.after_end for w in windows.values())
    marks = {}
    visible = attendance_selectors.pupils_visible_to(user).filter(pk__in=pupil_ids)
    fields = [f"{prefix}{name}" for prefix in periods for name in ("possible", "attended")]
    for row in calculations.with_totals(visible, earliest, latest, prefix="all_", also=periods).values("pk", *fields):
        marks[row["pk"]] = row

    # Entry and exit measure, one call per group with a measure.
    scores = {}
    for group_id, group in groups.items():
        code = group.programme.measure_code
        if code:
            ids = [m.pupil_id for m in members if m.group_id == group_id]
            scores[group_id] = measures_registry.scores_between(
                code, ids, group.starts_on, window(group, today).after_end
            )

    for row in rows:
        member = row.member
        key = (member.group_id, member.pupil_id)
        if key in sessions:
            row.sessions_recorded = sessions[key]["recorded"]
            row.sessions_attended = sessions[key]["attended"]
        if reads_events:
            found = events.get(member.pupil_id, {})
            row.events_before = found.get(f"b{member.group_id}", 0)
            row.events_after = found.get(f"a{member.group_id}", 0)
        found = marks.get(member.pupil_id)
        if found is not None:
            row.attendance_before = calculations.percent(
                found[f"b{member.group_id}_attended"], found[f"b{member.group_id}_possible"]
            )
            row.attendance_after = calculations.percent(
                found[f"a{member.group_id}_attended"], found[f"a{member.group_id}_possible"]
            )
        entry_exit = scores.get(member.group_id, {}).get(member.pupil_id)
        if entry_exit:
            row.entry, row.exit = entry_exit
    return rows


@dataclass
class Summary:
    pupils: int = 0
    measured: int = 0
    improved: int = 0
    average_change: float | None = None
    targets_rated: int = 0
    targets_met: int = 0
    cost: Decimal | None = None
    cost_per_pupil: Decimal | None = None
    notes: list = field(default_factory=list)

    @property
    def improved_share(self):
        return calculations.percent(self.improved, self.measured)


def summarise(rows, groups=()):
    summary = Summary(pupils=len(rows))
    changes = []
    for row in rows:
        if row.improved is not None:
            summary.measured += 1
            summary.improved += int(row.improved)
            # The change in the measure's good direction, so a fall in SDQ difficulties counts as a gain.
            changes.append(row.change if row.entry.higher_is_better else -row.change)
        if row.member.rating is not None:
            summary.targets_rated += 1
            summary.targets_met += int(row.member.rating > 0)
    if changes:
        summary.average_change = round(sum(changes) / len(changes), 2)
    costs = [group.programme.cost for group in groups if group.programme.cost is not None]
    if costs and summary.pupils:
        summary.cost = sum(costs, Decimal(0))
        summary.cost_per_pupil = (summary.cost / summary.pupils).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return summary


def chart(rows):
    """Negative events before and after for each pupil, as grouped columns with a table alternative."""
    data = [
        (row.pupil.display_name, row.events_before or 0, row.events_after or 0)
        for row in rows
        if row.events_before is not None
    ]
    return charts.column_chart(
        "Negative behaviour events before and after the start",
        data,
        series=["Before", "After"],
        label_header="Pupil",
        description="For each pupil, the same number of weeks before the group started and from its start.",
    )


def measure_chart(rows):
    data = [(row.pupil.display_name, row.entry.value, row.exit.value) for row in rows if row.entry and row.exit]
    return charts.column_chart(
        "Entry and exit measure",
        data,
        series=["Entry", "Exit"],
        label_header="Pupil",
        description="The measure's first and last readings in the group's period.",
    )
