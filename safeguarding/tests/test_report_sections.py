"""Safeguarding's section of the termly report: numbers only, from the requester's own selectors."""

from pastoral.files.pdf import OFFICIAL_SENSITIVE
from pastoral.files.reports import build_context
from pastoral.models import Pupil
from pastoral.tests.termly_helpers import SPRING, SUMMER, calendar, seed
from safeguarding import report_sections
from safeguarding.models import Concern


def _rows(table):
    return {row[0]: row[1:] for row in table.rows}


def test_it_counts_concerns_referrals_flags_and_transfers(
    headteacher, pastoral_lead, school, django_assert_max_num_queries
):
    calendar(school)
    pupils = seed(school, pastoral_lead, headteacher)
    with django_assert_max_num_queries(12):
        section = report_sections.build_safeguarding(headteacher, [school], *SUMMER, *SPRING)
    assert section.sensitivity == OFFICIAL_SENSITIVE
    concerns = Concern.objects.filter(school=school, reported_at__date__range=SUMMER)
    assert _rows(section.tables[0])["Concerns raised"] == (concerns.count(), 0, f"+{concerns.count()}")
    assert dict(section.charts[0].rows) == {"Physical abuse": 2, "Neglect": 1}
    flags = _rows(section.tables[1])
    assert flags["Child protection plan (CP)"] == (Pupil.objects.filter(child_protection_plan=True).count(),)
    assert flags["Looked after (CLA)"] == (1,)
    assert _rows(section.tables[2]) == {
        "Due in the period": (1,),
        "Sent on time": (1,),
        "Sent late": (0,),
        "Not yet sent": (0,),
    }
    # Numbers only: nothing in the section names a child.
    flat = repr(section)
    for pupil in pupils.values():
        assert pupil.legal_last_name not in flat and pupil.legal_first_name not in flat


def test_it_is_left_out_for_staff_who_do_not_read_concerns(pastoral_lead, headteacher, school):
    calendar(school)
    seed(school, pastoral_lead, headteacher)
    built, sensitivity = build_context(pastoral_lead, [school], *SUMMER, *SPRING)
    assert "Safeguarding in numbers" not in [section.title for section in built]
    assert sensitivity == "OFFICIAL"
    built, sensitivity = build_context(headteacher, [school], *SUMMER, *SPRING)
    assert built[-1].title == "Safeguarding in numbers" and sensitivity == OFFICIAL_SENSITIVE
