import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from pastoral import audit
from pastoral.exceptions import PastoralError
from pastoral.models import AttendanceMark, AuditEntry, PupilNote
from pastoral.retention import registry, services
from pastoral.retention.models import DisposalCandidate, DisposalLogEntry, LegalHold, RetentionRule
from pastoral.tests.factories import PupilFactory

D = datetime.date


def test_a_basis_date_is_due_on_its_anniversary_and_29_february_on_1_march():
    assert registry.add_years(D(2001, 6, 15), 25) == D(2026, 6, 15)
    assert registry.add_years(D(2008, 2, 29), 25) == D(2033, 3, 1)
    assert registry.add_years(D(2008, 2, 29), 28) == D(2036, 2, 29)
    # cutoff(today) is the latest basis date due today: the two agree on every boundary.
    for basis in (D(2008, 2, 28), D(2008, 2, 29), D(2008, 3, 1), D(2007, 12, 31)):
        for years in (6, 25, 28):
            due = registry.add_years(basis, years)
            for today, expected in (
                (due - datetime.timedelta(days=1), False),
                (due, True),
                (due + datetime.timedelta(days=1), True),
            ):
                assert (basis <= registry.cutoff(today, years)) is expected, (basis, years, today)


def test_default_rules_follow_the_reference_and_only_verified_periods_destroy(db):
    services.ensure_default_rules()
    rules = {r.record_type: r for r in RetentionRule.objects.filter(trust__isnull=True)}
    assert rules["pastoral.attendance_mark"].basis == "record_date" and rules["pastoral.attendance_mark"].years == 6
    assert rules["pastoral.attendance_mark"].action == "destroy"
    concern = rules["safeguarding.concern"]
    assert (concern.basis, concern.years, concern.action) == ("dob", 25, "review")
    assert rules["behaviour.restrictive_intervention"].action == "review"
    assert rules["medical.accident"].action == "review"
    assert {r.action for k, r in rules.items() if k != "pastoral.attendance_mark"} == {"review"}
    assert services.ensure_default_rules() == 0


def _mark(pupil, day):
    return AttendanceMark.objects.create(
        school=pupil.school,
        pupil=pupil,
        date=day,
        session="AM",
        code="/",
        counts="present",
        imported_at=timezone.now(),
    )


def _note(pupil, author, when, summary="Spoke to mum about the fight"):
    return PupilNote.objects.create(
        pupil=pupil, kind="phone_call", occurred_at=when, summary=summary, detail="Private detail", author=author
    )


def test_the_nightly_listing_takes_records_on_their_date_not_before_and_is_idempotent(school, pupil):
    today = D(2032, 3, 1)
    due = _mark(pupil, D(2026, 3, 1))
    not_yet = _mark(pupil, D(2026, 3, 2))
    assert services.list_due(today) == 1
    candidate = DisposalCandidate.objects.get()
    assert candidate.object_id == str(due.pk) and candidate.due_on == today and candidate.pupil == pupil
    assert candidate.record_date == D(2026, 3, 1) and candidate.basis_date == D(2026, 3, 1)
    assert services.list_due(today) == 0  # listed once
    assert services.list_due(today + datetime.timedelta(days=1)) == 1
    assert DisposalCandidate.objects.filter(object_id=str(not_yet.pk)).exists()


def test_a_leap_day_birthday_is_due_on_1_march(school, headteacher):
    child = PupilFactory(school=school, date_of_birth=D(2008, 2, 29))
    note = _note(child, headteacher, timezone.make_aware(datetime.datetime(2019, 5, 1, 10)))
    assert services.list_due(D(2033, 2, 28)) == 0
    assert services.list_due(D(2033, 3, 1)) == 1
    candidate = DisposalCandidate.objects.get(record_type="pastoral.pupil_note")
    assert candidate.object_id == str(note.pk) and candidate.due_on == D(2033, 3, 1)


def test_a_trust_rule_overrides_the_default(school, pupil):
    services.ensure_default_rules()
    _mark(pupil, D(2026, 3, 1))
    RetentionRule.objects.create(
        trust=school.trust, record_type="pastoral.attendance_mark", basis="record_date", years=10, action="review"
    )
    assert services.list_due(D(2032, 3, 1)) == 0
    assert services.list_due(D(2036, 3, 1)) == 1


def test_a_held_record_is_never_listed_and_a_hold_blocks_a_listed_one(school, pupil, headteacher):
    other = PupilFactory(school=school)
    _mark(pupil, D(2026, 3, 1))
    other_mark = _mark(other, D(2026, 3, 1))
    hold = services.set_hold(actor=headteacher, school=school, pupil=pupil, reason="Police request")
    assert services.list_due(D(2032, 3, 1)) == 1
    assert DisposalCandidate.objects.get().object_id == str(other_mark.pk)
    # A school-wide hold set after listing blocks the candidate before anyone confirms it.
    services.set_hold(actor=headteacher, school=school, reason="Public inquiry", record_type="pastoral.attendance_mark")
    candidate = DisposalCandidate.objects.get()
    assert candidate.status == "blocked"
    with pytest.raises(PastoralError):
        services.dispose(actor=headteacher, school=school, record_type=candidate.record_type, codes=[candidate.code])
    assert AttendanceMark.objects.filter(pk=other_mark.pk).exists()
    services.release_hold(actor=headteacher, hold=hold, reason="Police finished")
    assert AuditEntry.objects.filter(action="pastoral.retention.hold_released").count() == 1
    assert AuditEntry.objects.filter(action="pastoral.retention.hold_set").count() == 2


def test_a_hold_set_after_listing_but_unseen_by_the_nightly_run_still_stops_disposal(school, pupil, headteacher):
    mark = _mark(pupil, D(2026, 3, 1))
    services.list_due(D(2032, 3, 1))
    candidate = DisposalCandidate.objects.get()
    LegalHold.objects.create(school=school, pupil=pupil, reason="Litigation", set_by=headteacher)
    result = services.dispose(
        actor=headteacher, school=school, record_type=candidate.record_type, codes=[candidate.code]
    )
    assert result["disposed"] == 0 and result["blocked"] == 1
    assert AttendanceMark.objects.filter(pk=mark.pk).exists()
    assert DisposalCandidate.objects.get().status == "blocked"


def test_disposal_removes_the_record_logs_it_without_content_and_strips_audit_text(school, headteacher):
    pupil = PupilFactory(school=school, date_of_birth=D(1995, 1, 1), legal_first_name="Zoë")
    note = _note(pupil, headteacher, timezone.make_aware(datetime.datetime(2001, 5, 1, 10)))
    audit.record(
        "pastoral.note.created",
        actor=headteacher,
        obj=note,
        pupil=pupil,
        data={"summary": note.summary, "kind": "phone_call"},
    )
    before = AuditEntry.objects.get(action="pastoral.note.created")
    assert "Spoke to mum" in before.object_repr
    services.list_due(timezone.localdate())
    candidate = DisposalCandidate.objects.get(object_id=str(note.pk))
    services.dispose(actor=headteacher, school=school, record_type="pastoral.pupil_note", codes=[candidate.code])
    assert not PupilNote.objects.filter(pk=note.pk).exists()
    assert not DisposalCandidate.objects.filter(pk=candidate.pk).exists()
    entry = DisposalLogEntry.objects.get()
    assert entry.pupil_reference == pupil.upn and entry.authorised_by == headteacher
    assert entry.record_date == D(2001, 5, 1) and entry.basis_date == pupil.date_of_birth
    flat = " ".join(str(v) for v in DisposalLogEntry.objects.values().get().values())
    assert pupil.legal_first_name not in flat and "Spoke" not in flat and "Private" not in flat
    after = AuditEntry.objects.get(pk=before.pk)
    assert (
        after.action == before.action and after.actor == headteacher and after.pupil == pupil and after.at == before.at
    )
    assert after.data == {"kind": "phone_call", "disposed": True} and "Spoke" not in after.object_repr
    disposed = AuditEntry.objects.get(action="pastoral.retention.disposed")
    assert disposed.data["count"] == 1 and pupil.legal_first_name not in str(disposed.data)


def test_the_audit_log_stays_append_only_outside_redaction(school, headteacher):
    from django.db import DatabaseError, transaction

    entry = audit.record("pastoral.note.created", actor=headteacher, school=school, data={"x": "y"})
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(data={"disposed": True})


def test_extending_needs_a_reason_and_brings_the_records_back_on_the_new_date(school, pupil, headteacher):
    _mark(pupil, D(2019, 3, 1))
    services.list_due()
    candidate = DisposalCandidate.objects.get()
    with pytest.raises(PastoralError, match="reason"):
        services.extend(
            actor=headteacher,
            school=school,
            record_type=candidate.record_type,
            codes=[candidate.code],
            keep_until=D(2099, 1, 1),
            reason=" ",
        )
    later = timezone.localdate() + datetime.timedelta(days=30)
    services.extend(
        actor=headteacher,
        school=school,
        record_type=candidate.record_type,
        codes=[candidate.code],
        keep_until=later,
        reason="Complaint open",
    )
    candidate.refresh_from_db()
    assert candidate.status == "extended" and candidate.extension_reason == "Complaint open"
    services.list_due(later - datetime.timedelta(days=1))
    assert DisposalCandidate.objects.get().status == "extended"
    services.list_due(later)
    assert DisposalCandidate.objects.get().status == "awaiting"
    assert AuditEntry.objects.filter(action="pastoral.retention.extended").count() == 1


def test_only_the_lead_decides(school, pupil, teacher, headteacher):
    _mark(pupil, D(2019, 3, 1))
    services.list_due()
    candidate = DisposalCandidate.objects.get()
    with pytest.raises(PermissionDenied):
        services.dispose(actor=teacher, school=school, record_type=candidate.record_type, codes=[candidate.code])
    with pytest.raises(PermissionDenied):
        services.set_hold(actor=teacher, school=school, reason="x")


def test_pages_non_lead_403_other_school_404_and_batch_disposal(
    client, as_user, school, pupil, headteacher, teacher, other_school_dsl, django_assert_max_num_queries
):
    for day in range(1, 8):
        _mark(pupil, D(2019, 3, day))
    services.list_due()
    batch = reverse("pastoral:retention_batch", args=[school.code, "pastoral.attendance_mark"])
    as_user(teacher)
    assert client.get(reverse("pastoral:retention_home")).status_code == 403
    assert client.get(batch).status_code == 403
    as_user(other_school_dsl)
    assert client.get(batch).status_code == 404
    as_user(headteacher)
    home = client.get(reverse("pastoral:retention_home"))
    assert home.status_code == 200 and "Attendance marks" in home.content.decode()
    with django_assert_max_num_queries(25):
        page = client.get(batch)
    assert page.status_code == 200 and "AM mark on" in page.content.decode()
    codes = list(DisposalCandidate.objects.values_list("code", flat=True)[:3])
    response = client.post(
        reverse("pastoral:retention_dispose", args=[school.code, "pastoral.attendance_mark"]), {"chosen": codes}
    )
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 4 and DisposalLogEntry.objects.count() == 3
    bad = client.post(
        reverse("pastoral:retention_extend", args=[school.code, "pastoral.attendance_mark"]),
        {"chosen": [], "keep_until": "", "reason": "Keep"},
    )
    assert bad.status_code == 400 and "Keep" in bad.content.decode()
    two = list(DisposalCandidate.objects.values_list("code", flat=True)[:2])
    later = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    extend_url = reverse("pastoral:retention_extend", args=[school.code, "pastoral.attendance_mark"])
    assert client.post(extend_url, {"chosen": two, "keep_until": later, "reason": "Appeal pending"}).status_code == 302
    assert DisposalCandidate.objects.filter(status="extended").count() == 2
    assert DisposalCandidate.objects.filter(status="awaiting").count() == 2
    log = client.get(reverse("pastoral:retention_log"))
    assert (
        log.status_code == 200
        and pupil.upn in log.content.decode()
        and pupil.legal_last_name not in log.content.decode()
    )
    holds = client.post(reverse("pastoral:retention_holds"), {"record_type": "", "upn": pupil.upn, "reason": "Inquiry"})
    assert holds.status_code == 302
    assert DisposalCandidate.objects.filter(status="blocked").count() == 2  # the kept-longer ones wait for their date
    listing = client.get(reverse("pastoral:retention_holds")).content.decode()
    assert "Inquiry" in listing and pupil.upn in listing


def test_the_nightly_task_lists_and_is_in_the_beat_schedule(school, pupil):
    from pastoral.celery import app
    from pastoral.tasks import list_due_for_disposal_task

    _mark(pupil, D(2019, 3, 1))
    assert list_due_for_disposal_task() == 1
    assert list_due_for_disposal_task() == 0
    entry = app.conf.beat_schedule["retention-list-due"]
    assert entry["task"] == "pastoral.tasks.list_due_for_disposal_task"


def test_another_schools_hold_is_not_found_and_a_release_needs_a_reason(
    client, as_user, school, sister_school, headteacher
):
    from conftest import make_staff
    from pastoral.accounts.roles import Role

    other_head = make_staff(sister_school, Role.HEADTEACHER, "otherhead")
    hold = services.set_hold(actor=headteacher, school=school, reason="Litigation")
    url = reverse("pastoral:retention_hold_release", args=[hold.code])
    as_user(other_head)
    assert client.post(url, {"reason": "Done"}).status_code == 404
    as_user(headteacher)
    client.post(url, {"reason": ""})
    hold.refresh_from_db()
    assert hold.released_at is None
    client.post(url, {"reason": "Claim settled"})
    hold.refresh_from_db()
    assert hold.released_by == headteacher and hold.release_reason == "Claim settled"
    assert "Claim settled" in client.get(reverse("pastoral:retention_holds")).content.decode()


def test_the_review_page_keeps_its_queries_flat(client, as_user, school, headteacher, django_assert_max_num_queries):
    pupils = [PupilFactory(school=school) for _n in range(12)]
    for pupil in pupils:
        _mark(pupil, D(2019, 3, 1))
        _mark(pupil, D(2019, 3, 4))
    services.list_due()
    as_user(headteacher)
    url = reverse("pastoral:retention_batch", args=[school.code, "pastoral.attendance_mark"])
    client.get(url)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('name="chosen"') >= 24


def test_the_demo_seeds_records_awaiting_review_a_hold_and_a_log_entry_without_audit(school, headteacher):
    import random

    from pastoral.accounts.roles import Role
    from pastoral.demo.retention import seed_retention

    pupils = [PupilFactory(school=school) for _n in range(5)]
    seed_retention(school, {Role.HEADTEACHER: [headteacher]}, pupils, random.Random(1), None)
    assert DisposalCandidate.objects.filter(school=school, status="awaiting").count() == 5
    assert LegalHold.objects.filter(school=school, released_at__isnull=True).count() == 1
    entry = DisposalLogEntry.objects.get(school=school)
    assert not AttendanceMark.objects.filter(pk=int(entry.object_id)).exists()
    assert not AuditEntry.objects.exists()  # the demo can still be reset


def test_the_operator_sets_a_trust_rule_in_the_admin_and_it_is_audited(client, school, pupil):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from conftest import verified_client
    from pastoral.models import User

    operator = User.objects.create_superuser("root", "root@example.test", "a-long-password-1")
    TOTPDevice.objects.create(user=operator, name="Authenticator app", confirmed=True)
    verified_client(client, operator)
    services.ensure_default_rules()
    data = {
        "trust": school.trust.pk,
        "record_type": "pastoral.attendance_mark",
        "basis": "record_date",
        "years": 8,
        "action": "review",
        "source": "Trust policy 2026",
    }
    response = client.post(reverse("admin:pastoral_retentionrule_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RetentionRule.objects.get(trust=school.trust)
    assert rule.years == 8
    assert AuditEntry.objects.get(action="pastoral.retention.rule_changed").data["years"] == 8
    _mark(pupil, D(2019, 3, 1))
    services.list_due(D(2026, 3, 1))
    assert not DisposalCandidate.objects.exists()
    services.list_due(D(2027, 3, 1))
    assert DisposalCandidate.objects.get().rule == rule


def test_a_hold_for_an_unknown_upn_is_refused_beside_the_field_keeping_what_was_typed(client, as_user, headteacher):
    as_user(headteacher)
    response = client.post(
        reverse("pastoral:retention_holds"), {"record_type": "", "upn": "Z999", "reason": "Coroner's inquest"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "No pupil of this school has this UPN." in page
    assert "Coroner&#x27;s inquest" in page and 'value="Z999"' in page
    assert not LegalHold.objects.exists()
