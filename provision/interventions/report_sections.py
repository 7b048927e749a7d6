"""Keywork and interventions in the termly report: counts only (trust leaders read it too)."""

from django.db.models import Q

from pastoral.accounts import access
from pastoral.attendance.calculations import percent
from pastoral.files.reports import Section, Table
from provision import measures_registry

from ..keywork.models import KeyworkAssignment, KeyworkSession
from .models import GroupMember, GroupSession, InterventionGroup

COUNTS = "provision.view_keywork_counts"


def build_keywork_and_interventions(user, schools, start, end, previous_start, previous_end):
    allowed = set(access.schools_with_perm(user, COUNTS))
    school_ids = [school.pk for school in schools if school.pk in allowed]
    on_caseloads = (
        KeyworkAssignment.objects.filter(school_id__in=school_ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=start))
        .values("pupil_id")
        .distinct()
        .count()
    )
    keywork_sessions = KeyworkSession.objects.filter(
        school_id__in=school_ids, held_on__gte=start, held_on__lte=end
    ).count()
    group_sessions = GroupSession.objects.filter(
        group__school_id__in=school_ids, held_on__gte=start, held_on__lte=end
    ).count()
    running = list(
        InterventionGroup.objects.filter(school_id__in=school_ids, starts_on__lte=end)
        .filter(Q(finished_on__isnull=True) | Q(finished_on__gte=start))
        .select_related("programme")
    )
    # Share improving: pupils of groups that ended in the period, on their programme's measure.
    ended = [group for group in running if start <= group.end <= end and group.programme.measure_code]
    members = {}
    for group_id, pupil_id in GroupMember.objects.filter(group__in=ended).values_list("group_id", "pupil_id"):
        members.setdefault(group_id, []).append(pupil_id)
    measured = improved = 0
    for group in ended:
        scores = measures_registry.scores_between(
            group.programme.measure_code, members.get(group.pk, []), group.starts_on, group.end
        )
        for entry, exit in scores.values():
            result = measures_registry.improved(entry, exit)
            if result is not None:
                measured += 1
                improved += int(result)
    by_programme = {}
    for group in running:
        by_programme[group.programme.name] = by_programme.get(group.programme.name, 0) + 1
    share = percent(improved, measured)
    return Section(
        title="Keywork and interventions",
        headlines=[
            ("Pupils on keywork caseloads", on_caseloads),
            ("Keywork sessions and check-ins", keywork_sessions),
            ("Intervention sessions delivered", group_sessions),
            ("Intervention groups running", len(running)),
            (
                "Pupils improving on their measure",
                f"{improved} of {measured} ({share}%)" if measured else "None measured",
            ),
        ],
        tables=[Table("Groups running by programme", ["Programme", "Groups"], sorted(by_programme.items()))],
        notes=[
            "Improvement counts pupils of groups that ended in the period, on their programme's entry and exit measure."
        ],
    )
