import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry
from safeguarding import services
from safeguarding.models import Amendment, CaseAction, Concern, DecisionRecord, Referral

from .conftest import ACCOUNT


def test_triage_needs_a_reason_and_every_decision_is_kept(client, as_user, concern, dsl):
    as_user(dsl)
    url = reverse("safeguarding:concern_triage", args=[concern.code])
    client.post(url, {"triage-decision": "monitor", "triage-reason": ""})
    assert not DecisionRecord.objects.exists()
    client.post(url, {"triage-decision": "monitor", "triage-reason": "First concern; tutor to check in daily"})
    client.post(url, {"triage-decision": "csc", "triage-reason": "Second disclosure; threshold met"})
    concern.refresh_from_db()
    assert concern.decision == "csc" and concern.status == "open" and concern.owner == dsl
    assert list(concern.decisions.values_list("decision", flat=True)) == ["monitor", "csc"]
    with pytest.raises(PastoralError):
        services.concern_triage(actor=dsl, concern=concern, decision="nfa", reason="   ")


def test_closing_needs_an_outcome_and_a_referral_rationale(concern, dsl):
    services.concern_triage(actor=dsl, concern=concern, decision="nfa", reason="Explained by a PE injury")
    with pytest.raises(PastoralError):
        services.concern_close(
            actor=dsl, concern=concern, outcome="Resolved", referral_made=False, referral_rationale=""
        )
    services.concern_close(
        actor=dsl, concern=concern, outcome="Resolved", referral_made=False, referral_rationale="Threshold not met"
    )
    concern.refresh_from_db()
    assert concern.status == "closed" and concern.closed_by == dsl
    with pytest.raises(PastoralError, match="closed"):
        services.concern_triage(actor=dsl, concern=concern, decision="nfa", reason="again")


def test_an_amendment_keeps_the_old_text(client, as_user, concern, dsl):
    as_user(dsl)
    client.post(
        reverse("safeguarding:concern_amend", args=[concern.code]),
        {"amend-field": "account", "amend-new_text": "Mark on the right thigh", "amend-reason": "Side was misheard"},
    )
    amendment = Amendment.objects.get()
    assert amendment.old_text == ACCOUNT and amendment.new_text == "Mark on the right thigh"
    assert amendment.amended_by == dsl and amendment.reason == "Side was misheard"
    body = client.get(reverse("safeguarding:concern_detail", args=[concern.code])).content.decode()
    assert ACCOUNT in body and "Mark on the right thigh" in body


def test_assign_actions_notes_links_and_a_teacher_cannot(
    client, as_user, concern, make_concern, dsl, deputy_dsl, teacher
):
    other = make_concern()
    as_user(dsl)
    client.post(reverse("safeguarding:concern_assign", args=[concern.code]), {"assign-owner": deputy_dsl.code})
    client.post(
        reverse("safeguarding:action_add", args=[concern.code]),
        {"action-description": "Call social worker", "action-owner": dsl.code, "action-due_on": "2026-12-01"},
    )
    client.post(reverse("safeguarding:note_add", args=[concern.code]), {"note-text": "Spoke to mum"})
    client.post(reverse("safeguarding:concern_link", args=[concern.code]), {"link-other": other.code})
    concern.refresh_from_db()
    assert concern.owner == deputy_dsl
    assert concern.actions.get().description == "Call social worker"
    assert concern.notes.get().text == "Spoke to mum"
    assert list(concern.linked.all()) == [other] and list(other.linked.all()) == [concern]
    action = concern.actions.get()
    client.post(reverse("safeguarding:action_complete", args=[concern.code, action.code]))
    action.refresh_from_db()
    assert action.done_by == dsl
    as_user(teacher)
    assert client.post(reverse("safeguarding:note_add", args=[concern.code]), {"note-text": "x"}).status_code == 403


def test_referral_follow_up_alert_when_it_passes(client, as_user, concern, dsl, pupil):
    as_user(dsl)
    past = timezone.localdate() - datetime.timedelta(days=10)
    client.post(
        reverse("safeguarding:referral_create", args=[concern.code]),
        {
            "referral-pupil": pupil.code,
            "referral-agency": "csc",
            "referral-referred_on": past.isoformat(),
            "referral-reference": "MASH-123",
            "referral-follow_up_due": (past + datetime.timedelta(days=3)).isoformat(),
        },
    )
    referral = Referral.objects.get()
    assert referral.overdue
    body = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert "Referrals waiting on a reply past their timescale" in body and "Children&#x27;s social care" in body
    client.post(reverse("safeguarding:referral_detail", args=[referral.code]), {"outcome": "Strategy meeting held"})
    referral.refresh_from_db()
    assert not referral.overdue and referral.outcome == "Strategy meeting held"
    assert AuditEntry.objects.filter(action="safeguarding.referral.updated").exists()


def test_dashboard_puts_urgent_first_and_shows_overdue_actions(client, as_user, make_concern, dsl):
    make_concern(account="routine")
    urgent = make_concern(urgent=True)
    late = make_concern()
    services.concern_triage(actor=dsl, concern=late, decision="monitor", reason="watch")
    CaseAction.objects.create(
        concern=late, description="Home visit write-up", owner=dsl, due_on=datetime.date(2020, 1, 1), created_by=dsl
    )
    as_user(dsl)
    body = client.get(reverse("safeguarding:dashboard")).content.decode()
    new_table = body.split('id="h-new"')[1].split("</table>")[0]
    first_row = new_table.split("<tbody>")[1].split("</tr>")[0]
    assert urgent.reference in first_row
    assert "Home visit write-up" in body


def test_dashboard_and_lists_have_a_fixed_query_count(
    client, as_user, make_concern, dsl, django_assert_max_num_queries
):
    for i in range(12):
        concern = make_concern(urgent=i % 3 == 0)
        services.concern_triage(actor=dsl, concern=concern, decision="monitor", reason="watch")
        CaseAction.objects.create(
            concern=concern, description="x", owner=dsl, due_on=datetime.date(2020, 1, 1), created_by=dsl
        )
    as_user(dsl)
    with django_assert_max_num_queries(23):
        assert client.get(reverse("safeguarding:dashboard")).status_code == 200
    # Each list also writes its audit entry (savepoint, insert, release): a fixed three queries.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("safeguarding:concern_list")).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get(reverse("safeguarding:referral_list")).status_code == 200
    concern = Concern.objects.first()
    with django_assert_max_num_queries(32):
        assert client.get(reverse("safeguarding:concern_detail", args=[concern.code])).status_code == 200
    with django_assert_max_num_queries(26):
        pupil = concern.pupils.first()
        assert client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code])).status_code == 200


def test_nothing_can_be_deleted(concern):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        concern.category.delete()
    with pytest.raises(ProtectedError):
        concern.reporter.delete()


def test_a_dsl_adds_and_retires_categories_and_retired_ones_cannot_be_chosen(client, as_user, dsl, teacher, categories):
    as_user(dsl)
    client.post(reverse("safeguarding:category_create"), {"name": "Honour-based abuse", "active": "on", "order": 20})
    assert categories["FGM"].school.concern_categories.filter(name="Honour-based abuse", active=True).exists()
    fgm = categories["FGM"]
    client.post(reverse("safeguarding:category_edit", args=[fgm.code]), {"name": "FGM", "order": 10})
    fgm.refresh_from_db()
    assert not fgm.active
    response = client.post(reverse("safeguarding:category_create"), {"name": "fgm", "active": "on", "order": 1})
    assert "already has a category" in response.content.decode()
    as_user(teacher)
    body = client.get(reverse("safeguarding:concern_create")).content.decode()
    assert "Honour-based abuse" in body and ">FGM<" not in body
    assert AuditEntry.objects.filter(action="safeguarding.category.changed", actor=dsl).exists()


def test_a_trust_dsl_dashboard_spans_the_trust(
    client, as_user, trust_dsl, make_concern, sister_school, other_school_pupil
):
    ours = make_concern(urgent=True)
    theirs = make_concern(
        school=sister_school,
        pupils=[other_school_pupil],
        category=services.categories_ensure(sister_school).first(),
    )
    as_user(trust_dsl)
    body = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert ours.reference in body and theirs.reference in body and sister_school.name in body


def test_a_refused_form_comes_back_with_the_typed_text_and_the_reason_beside_it(client, as_user, concern, dsl):
    as_user(dsl)
    response = client.post(
        reverse("safeguarding:concern_close", args=[concern.code]),
        {
            "close-outcome": "Family supported by Early Help",
            "close-referral_made": "no",
            "close-referral_rationale": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Family supported by Early Help" in body and "This field is required" in body
    response = client.post(
        reverse("safeguarding:concern_close", args=[concern.code]),
        {"close-outcome": "Done", "close-referral_made": "no", "close-referral_rationale": "Not met"},
    )
    assert response.status_code == 400 and "Record a triage decision before closing" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == "new"


def test_a_dsl_of_two_schools_sees_one_school_at_a_time(
    client, as_user, dsl, make_concern, sister_school, other_school_pupil
):
    from pastoral.tests.factories import MembershipFactory

    MembershipFactory(user=dsl, school=sister_school, role="deputy_dsl")
    theirs = make_concern(
        school=sister_school, pupils=[other_school_pupil], category=services.categories_ensure(sister_school).first()
    )
    ours = make_concern()
    as_user(dsl)
    body = client.get(reverse("safeguarding:dashboard")).content.decode()
    assert (ours.reference in body) != (theirs.reference in body)


def test_the_reporter_list_and_transfer_list_have_a_fixed_query_count(
    client, as_user, make_concern, reporter, dsl, school, pupil, django_assert_max_num_queries
):
    for _ in range(8):
        concern = make_concern()
        services.transfer_create(
            actor=dsl, school=school, pupil=pupil, kind="in_year", leave_date=datetime.date(2026, 1, 5), destination="X"
        )
        from safeguarding.models import Notification

        Notification.objects.create(recipient=dsl, concern=concern)
    as_user(reporter)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("safeguarding:my_concerns")).status_code == 200
    as_user(dsl)
    with django_assert_max_num_queries(15):  # with the files expected from previous schools
        assert client.get(reverse("safeguarding:transfer_list")).status_code == 200
    # A fixed cost per panel: the school calendar for debrief deadlines, role approvals, two-factor resets and
    # changes to roles, three for support plans (overdue reviews, reintegration plans due, plans to read), and
    # three for concerns unassigned over a school day (the school calendar and the count), one for the keywork
    # caseload panel, one for CP files expected from previous schools, one for today's removals with parents not
    # told, one for whether the school shares case management of concerns about adults with its DSL, and one for
    # unread notices of emergency (break-glass) openings, one for subject access packs awaiting the DSL's review,
    # and three for behaviour rules (the school's rising rule, rule alerts told to the DSL, the DSL's tasks from
    # rules).
    with django_assert_max_num_queries(42):
        assert client.get(reverse("pastoral:home")).status_code == 200


def test_a_referral_outcome_changed_later_keeps_the_earlier_wording(concern, dsl, pupil):
    referral = services.referral_create(
        actor=dsl, concern=concern, pupil=pupil, agency="csc", referred_on=timezone.localdate(), reference="MASH-1"
    )
    services.referral_record_outcome(actor=dsl, referral=referral, outcome="No further action")
    services.referral_record_outcome(
        actor=dsl, referral=referral, outcome="Section 47 enquiry opened", reference="MASH-2"
    )
    referral.refresh_from_db()
    assert referral.outcome == "Section 47 enquiry opened" and referral.reference == "MASH-2"
    entries = AuditEntry.objects.filter(action="safeguarding.referral.updated").order_by("at", "pk")
    assert [entry.data for entry in entries] == [
        {"outcome": {"from": "", "to": "No further action"}},
        {
            "outcome": {"from": "No further action", "to": "Section 47 enquiry opened"},
            "reference": {"from": "MASH-1", "to": "MASH-2"},
        },
    ]
    with pytest.raises(PastoralError):
        services.referral_record_outcome(actor=dsl, referral=referral, outcome="Section 47 enquiry opened")


def test_reassigning_a_concern_keeps_who_owned_it_before(concern, dsl, deputy_dsl):
    services.concern_assign(actor=dsl, concern=concern, owner=dsl)
    services.concern_assign(actor=dsl, concern=concern, owner=deputy_dsl)
    entries = AuditEntry.objects.filter(action="safeguarding.concern.assigned").order_by("at", "pk")
    assert [(e.data["previous_owner"], e.data["owner"]) for e in entries] == [
        ("", str(dsl)),
        (str(dsl), str(deputy_dsl)),
    ]


@pytest.mark.django_db
def test_concerns_are_named_by_child_and_date_not_by_code(client, as_user, make_concern, dsl, pupil):
    concern = make_concern()
    as_user(dsl)
    when = timezone.localtime(concern.reported_at)
    title = f"{pupil.display_name}, {when.day} {when:%b %Y}"
    assert concern.title == title
    for name in ("safeguarding:dashboard", "safeguarding:concern_list"):
        page = client.get(reverse(name)).content.decode()
        assert f">{title}</a>" in page
    detail = client.get(reverse("safeguarding:concern_detail", args=[concern.code])).content.decode()
    assert f"Safeguarding concern: {title}" in detail
    assert concern.reference in detail


def test_the_case_owner_is_typed_or_chosen_from_the_dsl_team_only(client, as_user, concern, dsl, deputy_dsl, teacher):
    as_user(dsl)
    page = client.get(reverse("safeguarding:concern_detail", args=[concern.code])).content.decode()
    assert '<select name="assign-owner"' not in page and 'name="assign-owner_text"' in page
    # The search behind the case owner box offers the DSL team only.
    assert "/staff/picker/?role=dsl&amp;role=deputy_dsl&amp;role=pastoral_assistant" in page
    assert '<select name="action-owner"' not in page and 'name="share-grantee_text"' in page
    url = reverse("safeguarding:concern_assign", args=[concern.code])
    refused = client.post(url, {"assign-owner": teacher.code})
    assert refused.status_code == 400 and "Choose a member of staff from this school" in refused.content.decode()
    assert client.post(url, {"assign-owner_text": "Teacher Tester"}).status_code == 400
    concern.refresh_from_db()
    assert concern.owner != teacher
    assert client.post(url, {"assign-owner_text": "ddsl tester"}).status_code == 302
    action = {"action-description": "Call social worker", "action-owner_text": "teacher tester"}
    client.post(reverse("safeguarding:action_add", args=[concern.code]), {**action, "action-due_on": "2026-12-01"})
    concern.refresh_from_db()
    assert concern.owner == deputy_dsl and concern.actions.get().owner == teacher
