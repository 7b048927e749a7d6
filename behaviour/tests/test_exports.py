"""Behaviour's export kinds: the event list as CSV, built off the request from the viewer's own selector."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.files import exports
from pastoral.models import AuditEntry, GeneratedFile
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory


@pytest.fixture(autouse=True)
def generated_root(settings, tmp_path):
    """Each test's files in its own directory, removed with it."""
    settings.GENERATED_FILES_ROOT = tmp_path / "generated"


def export_events(user, school, **parameters):
    generated_file = exports.request_export(
        actor=user, kind_name="behaviour.events_csv", school=school, parameters=parameters
    )
    assert exports.generate(generated_file.pk) == "done"
    generated_file.refresh_from_db()
    return list(csv.reader(io.StringIO(exports.read_stored(generated_file).decode())))


@pytest.fixture
def events(school, pupil, teacher):
    praise = BehaviourCategoryFactory(school=school, name="Excellent work", kind="positive", points=3)
    disruption = BehaviourCategoryFactory(school=school, name="Disruption", kind="negative", points=2)
    return [
        BehaviourEventFactory(pupil=pupil, category=praise, recorded_by=teacher, description="=HYPERLINK(x)"),
        BehaviourEventFactory(pupil=pupil, category=disruption, recorded_by=teacher),
        BehaviourEventFactory(
            pupil=pupil,
            category=disruption,
            recorded_by=teacher,
            voided_at=timezone.now(),
            void_reason="Wrong pupil",
        ),
    ]


def test_it_exports_the_filtered_event_list_safely(teacher, school, events):
    rows = export_events(teacher, school, kind="positive")
    assert rows[0][:6] == ["When", "Pupil", "Year", "Form", "Type", "Category"]
    assert len(rows) == 2
    assert rows[1][1] == "Zoë Ainsworth" and rows[1][5:7] == ["Excellent work", "3"]
    assert rows[1][9] == "'=HYPERLINK(x)"
    entry = AuditEntry.objects.get(action="behaviour.events.exported", actor=teacher)
    assert entry.data == {"filters": {"kind": "positive"}, "rows": 1}


def test_voided_events_are_exported_only_to_those_who_may_void(teacher, dsl, school, events):
    assert len(export_events(teacher, school)) == 3
    rows = export_events(dsl, school)
    assert len(rows) == 4 and [row[-1] for row in rows[1:]].count("Voided: Wrong pupil") == 1


def test_the_event_list_offers_the_export(client, teacher, events, as_user):
    as_user(teacher)
    page = client.get(reverse("behaviour:event_list"), {"kind": "negative"}).content.decode()
    assert 'value="behaviour.events_csv"' in page and 'name="query" value="kind=negative"' in page


@pytest.mark.parametrize("count", [3, 30])
def test_it_keeps_the_export_queries_flat(teacher, school, count, django_assert_max_num_queries):
    category = BehaviourCategoryFactory(school=school, kind="negative")
    for _n in range(count):
        BehaviourEventFactory(pupil=PupilFactory(school=school), category=category, recorded_by=teacher)
    generated_file = GeneratedFile.objects.create(
        owner=teacher,
        school=school,
        kind="behaviour.events_csv",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    with django_assert_max_num_queries(16):
        assert exports.generate(generated_file.pk) == "done"


def test_it_matches_the_page_when_a_filter_value_is_bad(client, as_user, teacher, school, events):
    # The page and the export share one FilterSet: a bad value filters nothing and is explained beside its field.
    as_user(teacher)
    response = client.get(reverse("behaviour:event_list"), {"kind": "positive", "start": "2026-02-31"})
    assert "Enter a valid date." in response.content.decode()
    assert len(response.context["page"].object_list) == 2
    assert len(export_events(teacher, school, kind="positive", start="2026-02-31")) == 3
