"""The concerns CSV writes dates and times in ISO 8601, in UK local time with its offset."""

import datetime

import pytest

from pastoral.tests.export_helpers import export_csv
from safeguarding.exports import CONCERN_COLUMNS
from safeguarding.models import Concern


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_the_concerns_csv_has_iso_dates_and_times(client, as_user, dsl, make_concern, capture):
    concern = make_concern(
        occurred_at=datetime.datetime(2026, 7, 1, 23, 30, tzinfo=datetime.UTC),
        status=Concern.Status.CLOSED,
        closed_at=datetime.datetime(2026, 12, 3, 0, 0, tzinfo=datetime.UTC),
    )
    Concern.objects.filter(pk=concern.pk).update(reported_at=datetime.datetime(2026, 12, 2, 9, 0, tzinfo=datetime.UTC))
    as_user(dsl)
    rows = export_csv(client, capture, dsl, "safeguarding.concerns_csv", "status=closed")
    header, row = rows
    assert header == CONCERN_COLUMNS
    assert row[header.index("Raised")] == "2026-12-02T09:00:00+00:00"
    assert row[header.index("Occurred")] == "2026-07-02T00:30:00+01:00"
    assert row[header.index("Closed")] == "2026-12-03"
