"""Census reason lists by version: the longer list is loaded unconfirmed and offered only once confirmed, from a
date; the old list ends the day before, and recorded suspensions keep the reasons (and version) they were given."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from behaviour.models import ExclusionReasonCode
from pastoral.models import AuditEntry

D = datetime.date
EXTENDED = "DfE CBDS May 2026 (unconfirmed)"
CORE = "DfE census 2020/21"


def run(*args):
    out = io.StringIO()
    call_command("confirm_reason_list", *args, stdout=out)
    return out.getvalue()


def test_the_longer_list_is_loaded_but_offered_to_nobody_until_confirmed(db):
    assert ExclusionReasonCode.objects.filter(list_version=EXTENDED, confirmed=False).count() == 29
    offered = ExclusionReasonCode.active_on(D(2026, 12, 1))
    assert set(offered.values_list("list_version", flat=True)) == {CORE}
    listing = run("--list")
    assert f"{EXTENDED}: 29 codes, unconfirmed" in listing and f"{CORE}: 16 codes, confirmed" in listing


def test_confirming_it_from_a_date_ends_the_old_list_the_day_before_and_keeps_past_reasons(db):
    kept = ExclusionReasonCode.objects.get(list_version=CORE, census_code="DB")
    out = run(EXTENDED, "--from", "2027-01-04", "--operator", "A. Operator")
    assert "ended DfE census 2020/21 on 2027-01-03" in out
    assert set(ExclusionReasonCode.active_on(D(2027, 1, 3)).values_list("list_version", flat=True)) == {CORE}
    after = ExclusionReasonCode.active_on(D(2027, 1, 4))
    assert set(after.values_list("list_version", flat=True)) == {EXTENDED} and after.count() == 29
    assert after.filter(census_code="VR").exists()
    kept.refresh_from_db()
    assert (kept.label, kept.valid_to) == ("Persistent or general disruptive behaviour", D(2027, 1, 3))
    entry = AuditEntry.objects.get(action="behaviour.reason_list.confirmed")
    assert entry.actor_label == "A. Operator" and entry.data["ended"] == [CORE]


def test_confirming_refuses_a_bad_date_an_unknown_list_and_a_second_confirmation(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(EXTENDED, "--from", "4/1/2027")
    with pytest.raises(CommandError, match="no reason list"):
        run("Made up", "--from", "2027-01-04")
    with pytest.raises(CommandError, match="starts after"):
        run(EXTENDED, "--from", "2019-01-01")
    run(EXTENDED, "--from", "2027-01-04")
    with pytest.raises(CommandError, match="already confirmed"):
        run(EXTENDED, "--from", "2027-02-01")
