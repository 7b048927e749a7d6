"""The termly report section (counts only, including the share improving on the measure), the demo seeders and
the sessions CSV export."""

import datetime
import random

import pytest
from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.files import exports
from pastoral.models import GeneratedFile
from pastoral.tests.factories import PupilFactory
from provision import measures_registry
from provision.interventions import services as intervention_services
from provision.interventions.demo import seed_interventions
from provision.interventions.models import InterventionGroup, Programme
from provision.interventions.report_sections import build_keywork_and_interventions
from provision.keywork import selectors
from provision.keywork import services as keywork_services
from provision.keywork.demo import seed_keywork
from provision.keywork.exports import build_sessions_csv
from provision.keywork.models import KeyworkAssignment, KeyworkSession
from provision.measures_registry import MeasureScore

TODAY = timezone.localdate()


@pytest.fixture
def improving_measure():
    def scores(pupil_ids, start, end):
        ordered = sorted(pupil_ids)
        return {
            ordered[0]: (MeasureScore(2, "avg"), MeasureScore(3, "avg")),
            ordered[1]: (MeasureScore(3, "avg"), MeasureScore(2, "avg")),
        }

    measures_registry.register("report_measure", "Report measure", scores)
    yield
    measures_registry._MEASURES.pop("report_measure")


def test_the_report_section_counts_caseloads_sessions_groups_and_improvement(
    headteacher, pastoral_lead, pastoral_staff, school, trust_leader, improving_measure
):
    start, end = TODAY - datetime.timedelta(days=60), TODAY
    first, second, third = (PupilFactory(school=school) for _ in range(3))
    for p in (first, second):
        keywork_services.assignment_create(
            actor=pastoral_lead, pupil=p, keyworker=pastoral_staff, starts_on=start + datetime.timedelta(days=1)
        )
    keywork_services.session_log(actor=pastoral_staff, pupil=first, held_on=TODAY, minutes=10, kind="check_in")
    Programme.objects.filter(school=school, name="ELSA").update(measure_code="report_measure")
    group = intervention_services.group_start(
        actor=pastoral_staff,
        programme=Programme.objects.get(school=school, name="ELSA"),
        name="ELSA",
        facilitators=[pastoral_staff],
        schedule="Mondays",
        starts_on=start + datetime.timedelta(days=2),
        ends_on=start + datetime.timedelta(days=30),
        pupils=[first, second, third],
    )
    intervention_services.session_record(
        actor=pastoral_staff, group=group, held_on=start + datetime.timedelta(days=3), note="", statuses={}
    )

    for reader in (headteacher, trust_leader):
        section = build_keywork_and_interventions(reader, [school], start, end, start, end)
        headlines = dict(section.headlines)
        assert headlines["Pupils on keywork caseloads"] == 2
        assert headlines["Keywork sessions and check-ins"] == 1
        assert headlines["Intervention sessions delivered"] == 1
        assert headlines["Intervention groups running"] == 1
        assert headlines["Pupils improving on their measure"] == "1 of 2 (50.0%)"


def test_the_demo_seeds_caseloads_with_overdue_contacts_and_groups_mid_programme(school, pastoral_lead, pastoral_staff):
    pupils = [PupilFactory(school=school, keyworker=pastoral_staff) for _ in range(16)]
    staff = {Role.PASTORAL_STAFF: [pastoral_staff], Role.PASTORAL_LEAD: [pastoral_lead]}

    seed_keywork(school, staff, pupils, random.Random(3), None)
    seed_interventions(school, staff, pupils, random.Random(3), None)

    rows = selectors.caseload(pastoral_staff, pastoral_staff, school)
    assert len(rows) == 16
    assert 0 < sum(row.overdue for row in rows) < 16
    assert KeyworkAssignment.objects.filter(pupil=pupils[0]).count() == 2
    groups = InterventionGroup.objects.filter(school=school)
    assert groups.filter(status="running", ends_on__gt=TODAY, sessions__isnull=False).distinct().count() == 2
    assert groups.filter(status="finished", members__rating__isnull=False).exists()


def test_the_sessions_csv_holds_only_what_the_user_may_read(pastoral_lead, pastoral_staff, school):
    mine, other = PupilFactory(school=school), PupilFactory(school=school)
    keywork_services.assignment_create(actor=pastoral_lead, pupil=mine, keyworker=pastoral_staff)
    keywork_services.session_log(actor=pastoral_staff, pupil=mine, held_on=TODAY, minutes=10, kind="planned")
    keywork_services.session_log(actor=pastoral_lead, pupil=other, held_on=TODAY, minutes=10, kind="crisis")
    generated = GeneratedFile(school=school, parameters={}, kind="provision.keywork_sessions_csv")
    built = build_sessions_csv(generated, pastoral_staff)
    text = built.content.decode("utf-8-sig")
    assert mine.display_name in text and other.display_name not in text
    assert KeyworkSession.objects.count() == 2
    assert "provision.keywork_sessions_csv" in exports.kinds()
