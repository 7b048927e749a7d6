"""The demo seeder (readings that improve for some pupils and not others) and the termly report section."""

import datetime
import random

from django.utils import timezone

from pastoral.accounts.roles import Role
from pastoral.files.reports import sections
from pastoral.tests.factories import PupilFactory
from provision import measures_registry
from provision.outcomes.demo import seed_outcomes
from provision.outcomes.models import SdqResponse, StarReading
from provision.outcomes.report_sections import build_outcomes
from provision.voice.models import PupilVoice

from .outcome_factories import all_items, my_star, teacher_sdq


def test_the_demo_seeds_readings_that_improve_for_some_pupils_only(school, pastoral_staff, senco):
    pupils = [PupilFactory(school=school) for _ in range(6)]
    seed_outcomes(school, {Role.PASTORAL_STAFF: [pastoral_staff], Role.SENCO: [senco]}, pupils, random.Random(1), None)

    assert StarReading.objects.filter(school=school).count() == 12
    assert SdqResponse.objects.filter(school=school).count() == 12
    assert PupilVoice.objects.filter(school=school, for_ehcp_review=True).exists()
    today = timezone.localdate()
    ids = [pupil.pk for pupil in pupils]
    start = today - datetime.timedelta(weeks=11)
    for code in ("my_star", "sdq_teacher"):
        pairs = measures_registry.scores_between(code, ids, start, today)
        outcomes = [measures_registry.improved(entry, exit_) for entry, exit_ in pairs.values()]
        assert True in outcomes and False in outcomes, code


def test_the_termly_section_counts_pupils_improving_on_each_measure(school, pastoral_staff, headteacher):
    improving, steady = PupilFactory(school=school), PupilFactory(school=school)
    for pupil, later in ((improving, 3), (steady, 2)):
        my_star(pastoral_staff, pupil, 2, days_ago=120)
        my_star(pastoral_staff, pupil, later, days_ago=10)
    teacher_sdq(pastoral_staff, improving, all_items(2), days_ago=120)
    teacher_sdq(pastoral_staff, improving, all_items(1), days_ago=10)
    today = timezone.localdate()

    section = build_outcomes(headteacher, [school], today - datetime.timedelta(days=60), today, None, None)

    rows = {row[0]: row for row in section.tables[0].rows}
    assert rows["My Star"][1:] == [2, 1, "50%", "50%"]
    assert rows["SDQ (teacher)"][1:] == [1, 1, "100%", "—"]
    assert rows["Teen Star"][1:] == [0, 0, "—", "—"]
    assert "outcome_measures" in {spec.name for spec in sections()}


def test_the_termly_section_counts_nothing_for_a_teacher(school, pastoral_staff, teacher):
    pupil = PupilFactory(school=school)
    my_star(pastoral_staff, pupil, 2, days_ago=120)
    my_star(pastoral_staff, pupil, 3, days_ago=10)
    today = timezone.localdate()
    section = build_outcomes(teacher, [school], today - datetime.timedelta(days=60), today, None, None)
    assert all(row[1] == 0 for row in section.tables[0].rows)
