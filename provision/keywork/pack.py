"""The annual-review pack's keywork and intervention sections (registered in provision/keywork/apps.py).

Summaries only: who keyworks the pupil, how often they met and how the pupil rated their mood, and each
intervention with its attendance, target rating and entry/exit measure. Session notes stay in the app.
"""

from django.db.models import Avg, Count, Q

from pastoral.dates import uk_date

from .. import measures_registry
from ..interventions import impact
from ..interventions.selectors import members_visible_to
from ..review_pack import PackSection, PackTable
from . import selectors
from .models import KeyworkSession


def keywork_section(user, pupil, start, end):
    keyworkers = list(
        selectors.assignments_visible_to(user)
        .filter(pupil=pupil, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .select_related("keyworker")
        .order_by("starts_on")
    )
    if not keyworkers and not selectors.may_read_notes(user, pupil):
        return None
    section = PackSection("Keywork")
    for assignment in keyworkers:
        until = f" to {uk_date(assignment.ends_on)}" if assignment.ends_on else ""
        section.paragraphs.append(
            f"Keyworker: {assignment.keyworker.get_full_name() or assignment.keyworker.username}, "
            f"from {uk_date(assignment.starts_on)}{until}."
        )
    if not selectors.may_read_notes(user, pupil):
        section.empty = "Keywork sessions are read only by the keyworkers, the pastoral lead, SENCo and DSL team."
        return section
    by_kind = list(
        selectors.sessions_visible_to(user)
        .filter(pupil=pupil, held_on__gte=start, held_on__lte=end)
        .values("kind")
        .annotate(sessions=Count("pk"), mood=Avg("mood"))
        .order_by("kind")
    )
    labels = dict(KeyworkSession.Kind.choices)
    if by_kind:
        section.tables.append(
            PackTable(
                "Keywork sessions in the period",
                ["Type", "Sessions", "Average mood (1–5)"],
                [
                    [
                        labels.get(row["kind"], row["kind"]),
                        row["sessions"],
                        f"{row['mood']:.1f}" if row["mood"] else "–",
                    ]
                    for row in by_kind
                ],
            )
        )
    else:
        section.empty = "No keywork sessions in the period."
    return section


def interventions_section(user, pupil, start, end):
    members = list(
        members_visible_to(user)
        .filter(pupil=pupil, group__starts_on__lte=end, group__ends_on__gte=start)
        .select_related("group__programme", "pupil")
        .order_by("group__starts_on")
    )
    if not members:
        return None
    rows = impact.impact_for(user, members)
    section = PackSection("Interventions")
    table = []
    for row in rows:
        group = row.member.group
        measure = ""
        if row.entry is not None and row.exit is not None:
            measure = f"{measures_registry.label(group.programme.measure_code)}: {row.entry.value} → {row.exit.value}"
        table.append(
            [
                group.programme.name,
                f"{uk_date(group.starts_on)} to {uk_date(group.ends_on)}",
                f"{row.sessions_attended} of {row.sessions_recorded}",
                row.member.target or "–",
                "–" if row.member.rating is None else f"{row.member.rating:+d}",
                measure or "Not measured",
            ]
        )
    section.tables.append(
        PackTable(
            "Interventions in the period",
            ["Programme", "Dates", "Sessions attended", "Target", "Rating (−2..+2)", "Entry → exit"],
            table,
        )
    )
    return section
