"""CSV exports write dates and times in ISO 8601, in UK local time with its offset."""

import datetime

import pytest

from behaviour.removals.exports import REMOVAL_COLUMNS
from pastoral.tests.export_helpers import export_csv

from .factories import RemovalFactory


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_removals_csv_has_iso_date_times_with_the_offset(client, as_user, pastoral_lead, teacher, pupil, capture):
    summer = datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.UTC)
    winter = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=summer)
    RemovalFactory(pupil=pupil, recorded_by=teacher, removed_at=winter)
    as_user(pastoral_lead)
    rows = export_csv(client, capture, pastoral_lead, "behaviour.removals_csv")
    assert rows[0] == REMOVAL_COLUMNS
    assert [row[0] for row in rows[1:]] == ["2026-12-03T14:05:00+00:00", "2026-07-01T14:05:00+01:00"]
