"""Behaviour analytics: the figures behind the pastoral lead's analytics page and the rising-behaviour alert.

Every figure is aggregated in PostgreSQL, one query per picture, from `events_visible_to(user)` and the
sanction sources' own visibility selectors, so a school with a year of events (60,000 rows) costs the
same number of queries as a school with ten. Voided records never count.
"""

import datetime
import re
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, TruncWeek
from django.utils import timezone

from pastoral.accounts import access
from pastoral.models import EthnicityCategory, Pupil, School, YearGroup
from pastoral.selectors import pupils_visible_to

from ..events.models import BehaviourCategory, BehaviourEvent, PupilRole
from ..events.selectors import events_visible_to
from ..removals.selectors import removals_visible_to
from ..selectors import academic_year_start
from ..suspensions.models import Suspension
from ..suspensions.selectors import suspensions_visible_to
from .models import EventDayCount

# Events are counted on `occurred_at` (never null, and in the live-events covering index) rather than the id,
# which the index does not hold: counting ids sends PostgreSQL to the table's pages for every row.
EVENT_ROWS = "occurred_at"
POSITIVE = Q(category__kind=BehaviourCategory.Kind.POSITIVE)
NEGATIVE = Q(category__kind=BehaviourCategory.Kind.NEGATIVE)
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
TOP_PERIODS = 8
NOT_RECORDED = "Not recorded"


@dataclass
class Filters:
    """What the filter form chose; every figure and the CSV read the same rows through it."""

    school_ids: list
    start: datetime.date
    end: datetime.date
    year_group: int | None = None
    form: str = ""
    kind: str = ""
    category: str = ""
    location: str = ""
    staff: object = None
    sen: str = ""
    pupil_premium: bool | None = None
    looked_after: bool | None = None
    gender: str = ""
    role: str = ""

    @property
    def bounds(self):
        """[start 00:00, the day after end 00:00) in local time, so the occurred_at index can be used."""
        tz = timezone.get_current_timezone()
        low = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        high = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return low, high

    def pupil_q(self, prefix=""):
        """The pupil-level filters, for events (prefix "pupil__"), sanctions and the roll."""
        conditions = {}
        if self.year_group is not None:
            conditions["year_group"] = self.year_group
        if self.form:
            conditions["form"] = self.form
        if self.sen:
            conditions["sen_status"] = self.sen
        if self.pupil_premium is not None:
            conditions["pupil_premium"] = self.pupil_premium
        if self.looked_after is not None:
            conditions["looked_after"] = self.looked_after
        if self.gender:
            conditions["gender"] = self.gender
        return Q(**{prefix + name: value for name, value in conditions.items()})


def default_period(school, today=None):
    """This term so far; without a calendar, the academic year so far."""
    today = today or timezone.localdate()
    term = school.current_term(today) if school is not None else None
    if term is not None:
        return term.start, min(term.end, today)
    return academic_year_start(school, today), today


def events_for(user, filters):
    """The live events the filters choose, from the user's own visibility selector."""
    low, high = filters.bounds
    events = events_visible_to(user).filter(
        filters.pupil_q("pupil__"),
        school_id__in=filters.school_ids,
        voided_at__isnull=True,
        occurred_at__gte=low,
        occurred_at__lt=high,
    )
    if filters.kind:
        events = events.filter(category__kind=filters.kind)
    if filters.category:
        events = events.filter(category__name=filters.category)
    if filters.location:
        events = events.filter(location__name=filters.location)
    if filters.role:
        events = events.filter(role=filters.role)
    if filters.staff is not None:
        involved = BehaviourEvent.staff_involved.through.objects.filter(user=filters.staff)
        events = events.filter(Q(recorded_by=filters.staff) | Q(pk__in=involved.values("behaviourevent_id")))
    return events


def totals(events):
    figures = events.aggregate(
        events=Count(EVENT_ROWS),
        positive=Count(EVENT_ROWS, filter=POSITIVE),
        negative=Count(EVENT_ROWS, filter=NEGATIVE),
        positive_points=Sum("category__points", filter=POSITIVE, default=0),
        negative_points=Sum("category__points", filter=NEGATIVE, default=0),
    )
    figures["ratio"] = ratio_text(figures["positive"], figures["negative"])
    return figures


def ratio_text(positive, negative):
    """Positive events for each negative one, as "4.2 : 1"; "no negatives" when there are none."""
    if not negative:
        return "no negative events" if positive else "no events"
    return f"{positive / negative:.1f} : 1"


def weekly(events, filters):
    """[(Monday, positive, negative)] for every week in the range, weeks without events included."""
    counts = {
        row["week"].date(): (row["positive"], row["negative"])
        for row in events.annotate(week=TruncWeek("occurred_at"))
        .values("week")
        .annotate(positive=Count(EVENT_ROWS, filter=POSITIVE), negative=Count(EVENT_ROWS, filter=NEGATIVE))
        .order_by("week")
    }
    return _weeks(counts, filters)


def _weeks(counts, filters):
    """[(Monday, positive, negative)] over the range from {Monday: (positive, negative)}."""
    monday = filters.start - datetime.timedelta(days=filters.start.weekday())
    rows = []
    while monday <= filters.end:
        rows.append((monday, *counts.get(monday, (0, 0))))
        monday += datetime.timedelta(days=7)
    return rows


def _natural(text):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@dataclass
class HeatMap:
    mode: str  # "period" or "hour"
    rows: list
    columns: list
    values: list
    unrecorded: int


def heat_map(events):
    """Counts by day of week × period, or × hour of the day when most events have no period.

    Period is free text, so values are compared trimmed and case-blind. The eight commonest become columns,
    ordered by the average hour at which they happen (so "Registration, P1, Break, P2…" reads as the day
    runs); the rest are "Other" and blanks "Not recorded". One grouped query feeds both layouts.
    """
    # Grouped on the raw text (cheap for the database); trimming and case are folded here, over a few
    # hundred rows at most.
    raw = (
        events.annotate(weekday=ExtractIsoWeekDay("occurred_at"), hour=ExtractHour("occurred_at"))
        .values("weekday", "hour", "period")
        .annotate(events=Count(EVENT_ROWS))
        .order_by()
    )
    return _heat_map(raw)


def _heat_map(raw):
    """The heat map's layout from rows of (weekday, hour, period, events)."""
    cells = []
    for cell in raw:
        label = cell["period"].strip()
        cells.append({**cell, "key": label.upper(), "label": label})
    total = sum(cell["events"] for cell in cells)
    unrecorded = sum(cell["events"] for cell in cells if not cell["key"])
    if total and unrecorded * 2 > total:
        mode = "hour"
        columns = [f"{hour:02d}:00" for hour in sorted({cell["hour"] for cell in cells})]

        def column_of(cell):
            return f"{cell['hour']:02d}:00"

    else:
        mode = "period"
        per_key = {}
        for cell in cells:
            if cell["key"]:
                entry = per_key.setdefault(cell["key"], {"events": 0, "hours": 0, "label": cell["label"]})
                entry["events"] += cell["events"]
                entry["hours"] += cell["hour"] * cell["events"]
                entry["label"] = min(entry["label"], cell["label"])
        top = sorted(per_key, key=lambda key: (-per_key[key]["events"], _natural(key)))[:TOP_PERIODS]
        top.sort(key=lambda key: (per_key[key]["hours"] / per_key[key]["events"], _natural(key)))
        labels = {key: per_key[key]["label"] for key in top}
        columns = [labels[key] for key in top]
        if len(per_key) > len(top):
            columns.append("Other")
        if unrecorded:
            columns.append(NOT_RECORDED)

        def column_of(cell):
            if not cell["key"]:
                return NOT_RECORDED
            return labels.get(cell["key"], "Other")

    grid = {}
    for cell in cells:
        spot = (cell["weekday"], column_of(cell))
        grid[spot] = grid.get(spot, 0) + cell["events"]
    days = [1, 2, 3, 4, 5] + [day for day in (6, 7) if any(grid.get((day, column)) for column in columns)]
    values = [[grid.get((day, column), 0) for column in columns] for day in days]
    return HeatMap(mode, [WEEKDAYS[day - 1] for day in days], columns, values, unrecorded)


def by_location(events):
    rows = events.values("location__name").annotate(events=Count(EVENT_ROWS)).order_by("-events", "location__name")
    return [(row["location__name"] or NOT_RECORDED, row["events"]) for row in rows]


def by_category(events):
    rows = (
        events.values("category__name", "category__kind")
        .annotate(events=Count(EVENT_ROWS), points=Sum("category__points"))
        .order_by("-events", "category__name")
    )
    return _categories(rows)


def by_role(events):
    return _roles(
        events.values("role").annotate(
            events=Count(EVENT_ROWS),
            positive=Count(EVENT_ROWS, filter=POSITIVE),
            negative=Count(EVENT_ROWS, filter=NEGATIVE),
        )
    )


def _roles(rows):
    """[{role, events, positive, negative}] for every role in the order of the choices, none left out."""
    found = {row["role"]: row for row in rows.order_by()}
    return [
        {
            "role": label,
            "value": value,
            "events": found.get(value, {}).get("events") or 0,
            "positive": found.get(value, {}).get("positive") or 0,
            "negative": found.get(value, {}).get("negative") or 0,
        }
        for value, label in PupilRole.choices
    ]


def _categories(rows):
    return [
        {
            "name": row["category__name"],
            "kind": BehaviourCategory.Kind(row["category__kind"]).label,
            "events": row["events"],
            "points": row["points"],
        }
        for row in rows
    ]


# --- daily counts ------------------------------------------------------------------------------------


def day_counts_visible_to(user):
    """The daily counts of the schools whose events the user may see (the same rule as `events_visible_to`)."""
    return EventDayCount.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def counts_answer(filters):
    """True when the daily counts hold every figure the filters ask for: only schools and days are chosen."""
    return not (
        filters.pupil_q().children
        or filters.kind
        or filters.category
        or filters.location
        or filters.staff
        or filters.role
    )


@dataclass
class Figures:
    """The school-level figures of a filtered range: from the daily counts when they can answer (a year of a
    trust is a few thousand rows instead of 700,000 events), else from the events; the same numbers either way."""

    events: object
    filters: Filters
    counts: object = None

    def totals(self):
        if self.counts is None:
            return totals(self.events)
        rows = self.counts.filter(facet=EventDayCount.Facet.CATEGORY)
        figures = rows.aggregate(
            events=Sum("tally", default=0),
            positive=Sum("tally", filter=POSITIVE, default=0),
            negative=Sum("tally", filter=NEGATIVE, default=0),
            positive_points=Sum(F("tally") * F("category__points"), filter=POSITIVE, default=0),
            negative_points=Sum(F("tally") * F("category__points"), filter=NEGATIVE, default=0),
        )
        figures["ratio"] = ratio_text(figures["positive"], figures["negative"])
        return figures

    def weekly(self):
        if self.counts is None:
            return weekly(self.events, self.filters)
        rows = (
            self.counts.filter(facet=EventDayCount.Facet.CATEGORY)
            .annotate(week=TruncWeek("day"))
            .values("week")
            .annotate(
                positive=Sum("tally", filter=POSITIVE, default=0), negative=Sum("tally", filter=NEGATIVE, default=0)
            )
            .order_by("week")
        )
        return _weeks({row["week"]: (row["positive"], row["negative"]) for row in rows}, self.filters)

    def heat_map(self):
        if self.counts is None:
            return heat_map(self.events)
        return _heat_map(
            self.counts.filter(facet=EventDayCount.Facet.SLOT)
            .annotate(weekday=ExtractIsoWeekDay("day"))
            .values("weekday", "hour", "period")
            .annotate(events=Sum("tally"))
            .order_by()
        )

    def by_location(self):
        if self.counts is None:
            return by_location(self.events)
        rows = (
            self.counts.filter(facet=EventDayCount.Facet.LOCATION)
            .values("location__name")
            .annotate(events=Sum("tally"))
            .order_by("-events", "location__name")
        )
        return [(row["location__name"] or NOT_RECORDED, row["events"]) for row in rows]

    def by_category(self):
        if self.counts is None:
            return by_category(self.events)
        return _categories(
            self.counts.filter(facet=EventDayCount.Facet.CATEGORY)
            .values("category__name", "category__kind")
            .annotate(events=Sum("tally"), points=Sum(F("tally") * F("category__points")))
            .order_by("-events", "category__name")
        )

    def by_role(self):
        """Events by the pupil's role (instigator, target, …), with the positive and negative among them."""
        if self.counts is None:
            return by_role(self.events)
        return _roles(
            self.counts.filter(facet=EventDayCount.Facet.ROLE)
            .values("role")
            .annotate(
                events=Sum("tally"),
                positive=Sum("tally", filter=POSITIVE, default=0),
                negative=Sum("tally", filter=NEGATIVE, default=0),
            )
        )

    def per_school(self):
        """{school_id: {"events", "positive", "negative"}} in one grouped query."""
        if self.counts is None:
            grouped = self.events.values("school_id").annotate(
                events=Count(EVENT_ROWS),
                positive=Count(EVENT_ROWS, filter=POSITIVE),
                negative=Count(EVENT_ROWS, filter=NEGATIVE),
            )
        else:
            grouped = (
                self.counts.filter(facet=EventDayCount.Facet.CATEGORY)
                .values("school_id")
                .annotate(
                    events=Sum("tally"),
                    positive=Sum("tally", filter=POSITIVE, default=0),
                    negative=Sum("tally", filter=NEGATIVE, default=0),
                )
            )
        return {row["school_id"]: row for row in grouped.order_by()}


def figures_for(user, filters):
    events = events_for(user, filters)
    if not counts_answer(filters):
        return Figures(events, filters)
    counts = day_counts_visible_to(user).filter(
        school_id__in=filters.school_ids, day__gte=filters.start, day__lte=filters.end, tally__gt=0
    )
    return Figures(events, filters, counts)


def per_pupil(events):
    """Each pupil's positive and negative counts and points: one grouped query that feeds the year-group
    ratio, the top pupils and the count of pupils involved."""
    return list(
        events.values("pupil_id", "pupil__year_group")
        .annotate(
            positive=Count(EVENT_ROWS, filter=POSITIVE),
            negative=Count(EVENT_ROWS, filter=NEGATIVE),
            positive_points=Sum("category__points", filter=POSITIVE, default=0),
            negative_points=Sum("category__points", filter=NEGATIVE, default=0),
        )
        .order_by()
    )


def ratio_by_year(pupil_rows):
    """[(year label, positive, negative)] per year group, youngest first."""
    years = {}
    for row in pupil_rows:
        positive, negative = years.get(row["pupil__year_group"], (0, 0))
        years[row["pupil__year_group"]] = (positive + row["positive"], negative + row["negative"])
    return [(YearGroup(year).label, *years[year]) for year in sorted(years)]


def top_pupils(pupil_rows, limit=10):
    """The pupils with the most negative points, with their positive points beside them (one more query)."""
    ranked = sorted(
        (row for row in pupil_rows if row["negative_points"] > 0),
        key=lambda row: (-row["negative_points"], -row["negative"], row["pupil_id"]),
    )[:limit]
    pupils = Pupil.objects.select_related("school").in_bulk([row["pupil_id"] for row in ranked])
    return [
        {
            "code": pupils[row["pupil_id"]].code,
            "name": pupils[row["pupil_id"]].display_name,
            "year_group": YearGroup(row["pupil__year_group"]).label,
            "form": pupils[row["pupil_id"]].form,
            "school": pupils[row["pupil_id"]].school.name,
            "negative_points": row["negative_points"],
            "negative_events": row["negative"],
            "positive_points": row["positive_points"],
        }
        for row in ranked
    ]


PUPIL_FIELDS = [
    "pupil__code",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__year_group",
    "pupil__form",
    "school__name",
]


def _pupil(values):
    first = values["pupil__preferred_first_name"] or values["pupil__legal_first_name"]
    last = values["pupil__preferred_last_name"] or values["pupil__legal_last_name"]
    return {
        "code": values["pupil__code"],
        "name": f"{first} {last}",
        "year_group": YearGroup(values["pupil__year_group"]).label,
        "form": values["pupil__form"],
        "school": values["school__name"],
    }


# --- disproportionality -------------------------------------------------------------------------------

# The groups compared with the rest of the roll. Each is (key, label, condition on Pupil).
GROUPS = [
    ("sen_support", "SEN support", Q(sen_status=Pupil.SEN.SUPPORT)),
    ("ehcp", "EHCP", Q(sen_status=Pupil.SEN.EHCP)),
    ("pupil_premium", "Pupil premium", Q(pupil_premium=True)),
    ("cla", "Looked after (CLA)", Q(looked_after=True)),
    *[(f"gender_{value}", label, Q(gender=value)) for value, label in Pupil.Gender.choices],
    # The census's main ethnic groups (the behaviour advice asks schools to look for over-representation by
    # ethnicity too); pupils whose ethnicity is not recorded belong to none of them.
    *[
        (f"ethnicity_{value}", f"Ethnicity: {label}", Q(ethnicity__group=value))
        for value, label in EthnicityCategory.Group.choices
    ],
]


@dataclass
class GroupFigures:
    label: str
    roll: int
    roll_share: float  # % of the roll in the group
    affected: int
    affected_share: float  # % of the affected pupils in the group
    rate: float  # % of the group affected
    risk_ratio: float | None  # the group's rate ÷ the rate of pupils outside it

    @property
    def over(self):
        """Marked when the group is affected at least half as often again as everyone else, and at least
        three of its pupils were (one or two pupils in a tiny group would swing the ratio by chance)."""
        return self.risk_ratio is not None and self.risk_ratio >= 1.5 and self.affected >= 3


def _percent(part, whole):
    return round(100 * part / whole, 1) if whole else 0.0


def _group_counts():
    aggregates = {"total": Count("pk")}
    for key, _label, condition in GROUPS:
        aggregates[key] = Count("pk", filter=condition)
    return aggregates


def disproportionality(roll, affected_pupil_ids, in_roll_of=None):
    """For each group, its share of the roll against its share of the affected pupils, and a risk ratio.

    `roll` is a Pupil queryset (the pupils who could have been affected); `affected_pupil_ids` is any
    queryset of pupil ids (removals', suspensions', …). The risk ratio is the group's rate divided by the
    rate among pupils outside the group: 2.0 means a pupil in the group is twice as likely to be affected.
    It is None when nobody outside the group was affected, where no ratio can be given.

    Two queries, the roll's groups and the affected pupils' groups, so the affected ids are read once (as one
    aggregate with a filter per group, PostgreSQL would run the ids' subquery once for each of them). A caller
    comparing several kinds of record with the same roll passes its groups (`in_roll_of`) and saves the first.
    """
    aggregates = _group_counts()
    if in_roll_of is None:
        in_roll_of = roll.aggregate(**aggregates)
    in_affected_of = roll.filter(pk__in=affected_pupil_ids).aggregate(**aggregates)
    figures = {"roll": in_roll_of["total"], "affected": in_affected_of["total"]}
    for key, _label, _condition in GROUPS:
        figures[f"{key}__roll"], figures[f"{key}__affected"] = in_roll_of[key], in_affected_of[key]
    total, affected = figures["roll"], figures["affected"]
    rows = []
    for key, label, _condition in GROUPS:
        in_roll, in_affected = figures[f"{key}__roll"], figures[f"{key}__affected"]
        out_roll, out_affected = total - in_roll, affected - in_affected
        rate = in_affected / in_roll if in_roll else 0.0
        out_rate = out_affected / out_roll if out_roll else 0.0
        rows.append(
            GroupFigures(
                label=label,
                roll=in_roll,
                roll_share=_percent(in_roll, total),
                affected=in_affected,
                affected_share=_percent(in_affected, affected),
                rate=round(100 * rate, 1),
                risk_ratio=round(rate / out_rate, 2) if out_rate and in_roll else None,
            )
        )
    return {"roll": total, "affected": affected, "groups": rows}


@dataclass(frozen=True)
class SanctionSource:
    """A kind of sanction compared with the roll: its visibility selector and the field dating it.

    The model must have `school`, `pupil` and the date field; `voided_at`, if it has one, is respected.
    """

    key: str
    label: str  # a heading, e.g. "Removals from class"
    verb: str  # what happened to the pupil, e.g. "removed"
    visible_to: object  # user -> queryset
    date_field: str


def decided_suspensions_visible_to(user):
    # A draft is not a sanction yet; only the headteacher's decisions count.
    return suspensions_visible_to(user).filter(status=Suspension.Status.FINALISED)


# Every sanction the analytics page compares with the roll, in the order shown.
SANCTION_SOURCES = [
    SanctionSource("removals", "Removals from class", "removed", removals_visible_to, "removed_at"),
    SanctionSource(
        "suspensions", "Suspensions and exclusions", "suspended", decided_suspensions_visible_to, "start_date"
    ),
]


def roll_for(user, filters):
    """Pupils of the chosen schools who were on roll at some point in the range, with the pupil filters."""
    return pupils_visible_to(user).filter(
        filters.pupil_q(),
        Q(leaving_date__isnull=True) | Q(leaving_date__gte=filters.start),
        Q(admission_date__isnull=True) | Q(admission_date__lte=filters.end),
        school_id__in=filters.school_ids,
    )


def sanctions_for(source, user, filters):
    """The source's live records in the range for pupils matching the pupil filters."""
    records = source.visible_to(user).filter(filters.pupil_q("pupil__"), school_id__in=filters.school_ids)
    model = records.model
    if any(field.name == "voided_at" for field in model._meta.get_fields()):
        records = records.filter(voided_at__isnull=True)
    if model._meta.get_field(source.date_field).get_internal_type() == "DateTimeField":
        low, high = filters.bounds
        return records.filter(**{f"{source.date_field}__gte": low, f"{source.date_field}__lt": high})
    return records.filter(**{f"{source.date_field}__gte": filters.start, f"{source.date_field}__lte": filters.end})


def sanction_disproportionality(user, filters):
    """[(source, figures)] for every sanction source: the roll's groups once (a trust's whole roll is the costliest
    read here), then one query each."""
    roll = roll_for(user, filters)
    in_roll_of = roll.aggregate(**_group_counts())
    return [
        (source, disproportionality(roll, sanctions_for(source, user, filters).values("pupil_id"), in_roll_of))
        for source in SANCTION_SOURCES
    ]


def school_comparison(user, filters):
    """One row per chosen school: roll, events per 100 pupils, positive:negative ratio and each sanction."""
    schools = list(School.objects.filter(id__in=filters.school_ids).order_by("name"))
    events = figures_for(user, filters).per_school()
    pupils_per_school = roll_for(user, filters).values("school_id").annotate(pupils=Count("pk")).order_by()
    roll = dict(pupils_per_school.values_list("school_id", "pupils"))
    sanctions = {
        source.key: dict(
            sanctions_for(source, user, filters)
            .values("school_id")
            # COUNT(*), not of the id: the school's removals index holds what the count reads, but not the id.
            .annotate(records=Count("*"))
            .order_by()
            .values_list("school_id", "records")
        )
        for source in SANCTION_SOURCES
    }
    rows = []
    for school in schools:
        counts = events.get(school.pk, {"events": 0, "positive": 0, "negative": 0})
        pupils = roll.get(school.pk, 0)
        rows.append(
            {
                "school": school,
                "pupils": pupils,
                "events": counts["events"],
                "per_100": round(100 * counts["events"] / pupils, 1) if pupils else None,
                "ratio": ratio_text(counts["positive"], counts["negative"]),
                "sanctions": [sanctions[source.key].get(school.pk, 0) for source in SANCTION_SOURCES],
            }
        )
    return rows


# --- CSV ----------------------------------------------------------------------------------------------

CSV_HEADER = [
    "Date",
    "School",
    "Pupil first name",
    "Pupil last name",
    "Year",
    "Form",
    "Type",
    "Category",
    "Points",
    "Location",
    "Period",
    "Recorded by",
    "SEN",
    "Pupil premium",
    "Looked after",
    "Gender",
    "Role",
]
_CSV_FIELDS = [
    "occurred_at",
    "school__name",
    "pupil__legal_first_name",
    "pupil__legal_last_name",
    "pupil__preferred_first_name",
    "pupil__preferred_last_name",
    "pupil__year_group",
    "pupil__form",
    "category__kind",
    "category__name",
    "category__points",
    "location__name",
    "period",
    "recorded_by__first_name",
    "recorded_by__last_name",
    "pupil__sen_status",
    "pupil__pupil_premium",
    "pupil__looked_after",
    "pupil__gender",
    "role",
]


def csv_rows(events):
    """The filtered events as CSV rows, read from the database in chunks.

    Cells are made formula-safe where they are written, by `pastoral.files.exports.csv_bytes`.
    """
    sen = dict(Pupil.SEN.choices)
    gender = dict(Pupil.Gender.choices)
    years = dict(YearGroup.choices)
    kinds = dict(BehaviourCategory.Kind.choices)
    roles = dict(PupilRole.choices)
    negative = BehaviourCategory.Kind.NEGATIVE.value
    tz = timezone.get_current_timezone()
    rows = events.order_by("occurred_at", "pk").values_list(*_CSV_FIELDS).iterator(chunk_size=2000)
    for (
        occurred_at,
        school,
        legal_first,
        legal_last,
        preferred_first,
        preferred_last,
        year_group,
        form,
        kind,
        category,
        points,
        location,
        period,
        recorder_first,
        recorder_last,
        sen_status,
        pupil_premium,
        looked_after,
        pupil_gender,
        role,
    ) in rows:
        yield [
            occurred_at.astimezone(tz).isoformat(timespec="seconds"),
            school,
            preferred_first or legal_first,
            preferred_last or legal_last,
            years.get(year_group, ""),
            form,
            kinds.get(kind, kind),
            category,
            -points if kind == negative else points,
            location or "",
            period,
            f"{recorder_first} {recorder_last}".strip(),
            sen.get(sen_status, ""),
            "Yes" if pupil_premium else "No",
            "Yes" if looked_after else "No",
            gender.get(pupil_gender, ""),
            roles.get(role, role),
        ]


# --- rising behaviour alert ---------------------------------------------------------------------------

# The definition each school's "Negative behaviour rising" rule starts with (see rules.models); the panel and the
# weekly email read the school's rule, so a school that changes it changes what they show.
RECENT_DAYS = 14
BASELINE_WEEKS = 12
MIN_RECENT = 3
FACTOR = 2
RULE = (
    f"At least {MIN_RECENT} negative events in the last {RECENT_DAYS} days, and at least {FACTOR} times the "
    f"pupil's own average per fortnight over the {BASELINE_WEEKS} weeks before."
)


@dataclass(frozen=True)
class RisingDefinition:
    recent_days: int = RECENT_DAYS
    baseline_weeks: int = BASELINE_WEEKS
    min_recent: int = MIN_RECENT
    factor: int = FACTOR
    text: str = RULE


def rising_definition(school):
    """The school's rising rule's figures (one query), or the original definition for a school without one."""
    from ..rules.selectors import rising_rule

    rule = rising_rule(school)
    if rule is None:
        return RisingDefinition()
    return RisingDefinition(rule.period_days, rule.baseline_weeks, rule.threshold, rule.factor, rule.describe())


def rising_pupils(user, school, today=None, definition=None):
    """Pupils whose negative events in the last fortnight are well above their own baseline.

    With r events in the last 14 days and e in the 12 weeks before, the baseline is e / 6 per fortnight and
    the pupil is flagged when r >= 3 and r >= 2 × e / 6, i.e. 6r >= 2e. A pupil with no earlier events is
    flagged at 3. Pupils who have left are not shown. The figures are the school's rising rule's
    (`rising_definition`; three queries then, unless the caller passes the definition).
    """
    definition = definition or rising_definition(school)
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    recent_from = tomorrow - datetime.timedelta(days=definition.recent_days)
    baseline_from = recent_from - datetime.timedelta(weeks=definition.baseline_weeks)
    fortnights = definition.baseline_weeks * 7 / definition.recent_days
    # Only a pupil with at least `min_recent` events in the recent days can be flagged: those are found by a
    # subquery over the recent days alone (grouped on the pupil id, an index-only scan of a fortnight), and only
    # their weeks are counted, recent and earlier apart, in the same query. Counting every pupil's three months
    # costs several times more; the flagged pupils are read by id after.
    live = events_visible_to(user).filter(NEGATIVE, school=school, voided_at__isnull=True)
    candidates = (
        live.filter(occurred_at__gte=recent_from, occurred_at__lt=tomorrow)
        .values("pupil_id")
        .annotate(n=Count(EVENT_ROWS))
        .filter(n__gte=definition.min_recent)
        .order_by()
        .values("pupil_id")
    )
    recent, earlier = {}, {}
    for pupil_id, n_recent, n_earlier in (
        live.filter(pupil_id__in=candidates, occurred_at__gte=baseline_from, occurred_at__lt=tomorrow)
        .values("pupil_id")
        .annotate(
            recent=Count(EVENT_ROWS, filter=Q(occurred_at__gte=recent_from)),
            earlier=Count(EVENT_ROWS, filter=Q(occurred_at__lt=recent_from)),
        )
        .order_by()
        .values_list("pupil_id", "recent", "earlier")
    ):
        recent[pupil_id], earlier[pupil_id] = n_recent, n_earlier
    # Flagged at r >= factor × e / fortnights, i.e. r × baseline days >= e × factor × recent days (whole numbers).
    counts = {
        pupil_id: {"pupil_id": pupil_id, "recent": n, "earlier": earlier.get(pupil_id, 0)}
        for pupil_id, n in recent.items()
        if n * definition.baseline_weeks * 7 >= earlier.get(pupil_id, 0) * definition.factor * definition.recent_days
    }
    names = {field.removeprefix("pupil__"): field for field in PUPIL_FIELDS}  # Pupil's field: the event's name
    pupils = (
        pupils_visible_to(user)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today), pk__in=list(counts))
        .values("pk", *names)
    )
    rows = [{**{names[name]: pupil[name] for name in names}, **counts[pupil["pk"]]} for pupil in pupils]
    rows.sort(key=lambda row: (-row["recent"], row["earlier"], row["pupil__legal_last_name"], str(row["pupil__code"])))
    return [
        {
            **_pupil(row),
            "recent": row["recent"],
            "earlier": row["earlier"],
            "baseline": round(row["earlier"] / fortnights, 1),
        }
        for row in rows
    ]
