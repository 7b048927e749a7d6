"""Migration 0023 keeps every incident's pupils (now with the role "involved") and builds the role facet of the
daily counts from the category counts, without reading the events."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from behaviour.analytics import day_counts
from behaviour.incidents import services as incident_services
from behaviour.models import EventDayCount, IncidentPupil
from pastoral.tests.factories import PupilFactory

from .factories import BehaviourCategoryFactory, BehaviourEventFactory


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _counts():
    return sorted(
        EventDayCount.objects.filter(tally__gt=0).values_list(
            "school_id", "facet", "day", "category_id", "location_id", "period", "hour", "role", "tally"
        ),
        key=repr,
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_incident_pupils_and_adds_the_role_facet(school, teacher, pupil):
    fighting = BehaviourCategoryFactory(school=school, name="Fighting", kind="negative", points=5)
    praise = BehaviourCategoryFactory(school=school, name="Praise", kind="positive", points=1)
    first = BehaviourEventFactory(pupil=pupil, category=fighting, role="instigator")
    second = BehaviourEventFactory(
        pupil=PupilFactory(school=school), category=fighting, role="target", group=first.group
    )
    yesterday = timezone.now() - datetime.timedelta(days=1)
    BehaviourEventFactory(pupil=pupil, category=praise, occurred_at=yesterday, role="witness")
    bystander = PupilFactory(school=school)
    incident = incident_services.incident_record(
        actor=teacher,
        event=first,
        submission_key=uuid.uuid4(),
        other_pupils=[bystander],
        antecedent="a",
        behaviour="b",
        dysregulated="no",
    )
    pairs = {(incident.pk, p.pk) for p in (pupil, second.pupil, bystander)}

    call_command("migrate", "behaviour", "0022_detentions", verbosity=0)
    try:
        # Before roles: a plain many-to-many table, its rows kept, and the counts without the role facet.
        assert set(_rows("SELECT incident_id, pupil_id FROM behaviour_incident_pupils")) == pairs
        assert not _rows(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'behaviour_behaviourevent' "
            "AND column_name = 'role'"
        )
        assert _rows(f"SELECT DISTINCT facet FROM {day_counts.COUNTS} ORDER BY facet") == [
            ("category",),
            ("location",),
            ("slot",),
        ]
    finally:
        call_command("migrate", verbosity=0)

    involvements = IncidentPupil.objects.filter(incident=incident)
    assert {(item.incident_id, item.pupil_id) for item in involvements} == pairs
    assert {item.role for item in involvements} == {"involved"}
    # The events take the default role: a catalogue change, nothing written to each row.
    assert set(_rows("SELECT DISTINCT role FROM behaviour_behaviourevent")) == {("involved",)}
    role_rows = EventDayCount.objects.filter(facet="role").values_list("day", "category_id", "role", "tally")
    category_rows = EventDayCount.objects.filter(facet="category").values_list("day", "category_id", "tally")
    assert sorted(role_rows) == sorted((day, category, "involved", tally) for day, category, tally in category_rows)
    kept = _counts()
    call_command("rebuild_behaviour_counts")
    assert _counts() == kept
    # The triggers count roles from here on.
    BehaviourEventFactory(pupil=pupil, category=fighting, role="target")
    assert EventDayCount.objects.get(facet="role", role="target").tally == 1
