"""Who may read a concern: every role, including those the shared matrix has no column for."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from conftest import make_staff, verified_client
from pastoral.accounts.roles import Role
from pastoral.chronology import chronology_for
from pastoral.models import AuditEntry
from safeguarding.models import Concern
from safeguarding.selectors import concerns_visible_to, notifications_for

from .conftest import ACCOUNT, DISCLOSURE

# persona -> (concern page, safeguarding chronology, sees it in concerns_visible_to)
MATRIX = {
    "reporter": (403, 403, False),
    "teacher": (403, 403, False),
    "pastoral_staff": (403, 403, False),
    "senco": (403, 403, False),
    "dsl": (200, 200, True),
    "deputy_dsl": (200, 200, True),
    "headteacher": (200, 200, True),
    "other_school_dsl": (404, 404, False),
    "trust_dsl": (200, 200, True),
    "trust_leader": (403, 403, False),
    "it_admin": (403, 403, False),
    "superuser": (404, 404, False),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_each_role_reads_exactly_what_it_should(request, client, concern, pupil, persona):
    user = request.getfixturevalue(persona)
    concern_status, chronology_status, visible = MATRIX[persona]
    verified_client(client, user)
    response = client.get(reverse("safeguarding:concern_detail", args=[concern.code]))
    assert response.status_code == concern_status
    if concern_status != 200:
        assert DISCLOSURE not in response.content.decode()
    assert client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code])).status_code == chronology_status
    assert concerns_visible_to(user).filter(pk=concern.pk).exists() is visible
    read = AuditEntry.objects.filter(action="safeguarding.concern.viewed", actor=user).exists()
    assert read is (concern_status == 200)


def test_a_trust_dsl_reads_concerns_across_the_trust_but_not_another_trust(
    trust_dsl, make_concern, other_school_pupil, sister_school, categories
):
    from safeguarding.services import categories_ensure

    elsewhere = make_concern(
        school=sister_school,
        pupils=[other_school_pupil],
        category=categories_ensure(sister_school).first(),
    )
    from pastoral.tests.factories import PupilFactory, SchoolFactory

    far = SchoolFactory()
    far_concern = make_concern(school=far, pupils=[PupilFactory(school=far)], category=categories_ensure(far).first())
    visible = set(concerns_visible_to(trust_dsl))
    assert elsewhere in visible and far_concern not in visible


def test_every_read_is_audited_and_the_dsl_sees_who_viewed(client, as_user, concern, dsl, headteacher):
    as_user(headteacher)
    client.get(reverse("safeguarding:concern_detail", args=[concern.code]))
    as_user(dsl)
    body = client.get(reverse("safeguarding:concern_detail", args=[concern.code])).content.decode()
    assert "Who has viewed this" in body and str(headteacher) in body
    entries = AuditEntry.objects.filter(
        action="safeguarding.concern.viewed",
        content_type=ContentType.objects.get_for_model(Concern),
        object_id=str(concern.pk),
    )
    assert set(entries.values_list("actor__username", flat=True)) == {"head", "dsl"}


def test_chronology_and_attachment_reads_are_audited(client, as_user, concern, dsl, pupil):
    as_user(dsl)
    client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code]))
    assert AuditEntry.objects.filter(action="safeguarding.chronology.viewed", pupil=pupil, actor=dsl).exists()


def test_sharing_grants_one_teacher_one_concern_and_revoking_takes_it_back(
    client, as_user, make_concern, concern, dsl, teacher
):
    other = make_concern()
    as_user(dsl)
    response = client.post(reverse("safeguarding:concern_share", args=[concern.code]), {"share-grantee": teacher.code})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="safeguarding.concern.shared", actor=dsl).exists()
    as_user(teacher)
    page = client.get(reverse("safeguarding:concern_detail", args=[concern.code]))
    assert page.status_code == 200 and ACCOUNT in page.content.decode()
    assert "Case notes" not in page.content.decode()
    assert client.get(reverse("safeguarding:concern_detail", args=[other.code])).status_code == 403
    assert list(concerns_visible_to(teacher)) == [concern]
    as_user(dsl)
    client.post(reverse("safeguarding:concern_unshare", args=[concern.code, teacher.code]))
    assert AuditEntry.objects.filter(action="safeguarding.concern.unshared", actor=dsl).exists()
    as_user(teacher)
    assert client.get(reverse("safeguarding:concern_detail", args=[concern.code])).status_code == 403


def test_a_headteacher_reads_but_cannot_do_the_case_work(client, as_user, concern, headteacher):
    as_user(headteacher)
    response = client.post(
        reverse("safeguarding:concern_triage", args=[concern.code]), {"triage-decision": "nfa", "triage-reason": "x"}
    )
    assert response.status_code == 403
    assert not concern.decisions.exists()


def test_the_general_chronology_shows_detail_marker_or_nothing(concern, pupil, dsl, senco, teacher, reporter):
    assert [item.title for item in chronology_for(dsl, pupil) if item.area == "safeguarding"] == [
        "Safeguarding concern: Physical abuse"
    ]
    marker = [item for item in chronology_for(senco, pupil) if item.area == "safeguarding"]
    assert [item.title for item in marker] == ["A safeguarding record exists"] and marker[0].url == ""
    assert not [item for item in chronology_for(teacher, pupil) if item.area == "safeguarding"]
    assert not [item for item in chronology_for(reporter, pupil) if item.area == "safeguarding"]


def test_the_pupil_profile_leaks_nothing_to_a_teacher(client, as_user, concern, pupil, teacher):
    as_user(teacher)
    body = client.get(reverse("pastoral:pupil_detail", args=[pupil.code])).content.decode()
    # The only mention is the button every member of staff has for raising a new concern.
    assert "Safeguarding concern:" not in body and "safeguarding record exists" not in body
    assert DISCLOSURE not in body


def test_notifications_follow_visibility(dsl, concern):
    from safeguarding.models import Notification

    Notification.objects.create(recipient=dsl, concern=concern)
    assert notifications_for(dsl).count() == 1
    from pastoral.models import Membership

    Membership.objects.filter(user=dsl).update(role=Role.TEACHER)
    dsl = type(dsl).objects.get(pk=dsl.pk)
    assert notifications_for(dsl).count() == 0


def test_a_superuser_without_a_role_sees_no_concern_anywhere(client, superuser, concern):
    verified_client(client, superuser)
    assert concerns_visible_to(superuser).count() == 0
    assert client.get(reverse("safeguarding:dashboard")).status_code == 403


def test_a_lapsed_share_is_ignored_once_the_grantee_leaves_the_school(client, concern, dsl, school):
    from safeguarding.services import concern_share

    leaver = make_staff(school, Role.TEACHER, "leaver")
    concern_share(actor=dsl, concern=concern, grantee=leaver)
    assert concerns_visible_to(leaver).count() == 1
    from pastoral.models import Membership

    Membership.objects.filter(user=leaver).update(ends_on="2020-01-01", starts_on="2019-01-01")
    leaver = type(leaver).objects.get(pk=leaver.pk)
    assert concerns_visible_to(leaver).count() == 0


def test_a_concern_cannot_be_shared_with_the_it_admin(concern, dsl, it_admin):
    from pastoral.exceptions import PastoralError
    from safeguarding.services import concern_share

    with pytest.raises(PastoralError):
        concern_share(actor=dsl, concern=concern, grantee=it_admin)
    assert concerns_visible_to(it_admin).count() == 0


def test_opening_the_safeguarding_lists_is_audited(client, as_user, dsl, school):
    from pastoral.models import AuditEntry

    as_user(dsl)
    for name in ("concern_list", "referral_list", "transfer_list"):
        assert client.get(reverse(f"safeguarding:{name}")).status_code == 200
    actions = set(AuditEntry.objects.filter(actor=dsl, school=school).values_list("action", flat=True))
    assert {"safeguarding.concerns.listed", "safeguarding.referrals.listed", "safeguarding.transfers.listed"} <= actions


@pytest.mark.parametrize("persona", MATRIX)
def test_each_refused_read_is_audited_in_the_records_school_only(request, client, concern, pupil, persona):
    user = request.getfixturevalue(persona)
    concern_status, chronology_status, _visible = MATRIX[persona]
    verified_client(client, user)
    client.get(reverse("safeguarding:concern_detail", args=[concern.code]))
    client.get(reverse("safeguarding:pupil_chronology", args=[pupil.code]))
    refused = AuditEntry.objects.filter(actor=user, action__endswith=".refused")
    expected = set()
    if concern_status != 200:
        expected.add(("safeguarding.concern.refused", str(concern.pk), concern_status))
    if chronology_status != 200:
        expected.add(("safeguarding.chronology.refused", str(pupil.pk), chronology_status))
    assert {(e.action, e.object_id, e.data["status"]) for e in refused} == expected
    # Kept in the log of the record's school, off the pupil's timeline, with ids but no names.
    assert all(e.school_id == concern.school_id and e.pupil_id is None and e.object_repr == "" for e in refused)


def test_a_code_that_matches_nothing_is_audited_too_and_still_404(client, as_user, other_school_dsl):
    import uuid

    as_user(other_school_dsl)
    code = uuid.uuid4()
    assert client.get(reverse("safeguarding:referral_detail", args=[code])).status_code == 404
    entry = AuditEntry.objects.get(action="safeguarding.referral.refused", actor=other_school_dsl)
    assert (entry.school_id, entry.object_id, entry.data) == (None, "", {"status": 404, "code": str(code)})
