"""A school fits its roles' permissions: defaults ± approved changes, guard rails, a second person's approval,
the audit log, and the pastoral assistant (deputy DSL) role."""

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_staff, verified_client
from pastoral.accounts import access, role_catalogue
from pastoral.accounts.roles import APPROVAL_ROLES, PUPIL_READING_ROLES, ROLE_PERMISSIONS, Role, known_permissions
from pastoral.exceptions import PastoralError
from pastoral.models import AuditEntry, RolePermissionChange, School, User
from pastoral.roleperms import selectors, services
from pastoral.tests.factories import MembershipFactory

ANALYTICS = "behaviour.view_analytics"


def fresh(user):
    """The user as a new request sees them (roles and the school's changes read again)."""
    return User.objects.get(pk=user.pk)


def signed_in(user):
    return verified_client(Client(), user)


def ask(actor, school, *changes):
    return services.role_permissions_change(actor=actor, school=school, changes=list(changes))


def test_every_permission_has_a_label_in_an_area():
    labelled = set().union(*(area.labels for area in role_catalogue.AREAS.values()))
    assert known_permissions() - labelled == set()
    assert all(role_catalogue.label(perm) != perm for perm in known_permissions())


def test_with_no_changes_a_role_has_its_defaults():
    for role in Role:
        assert role_catalogue.effective_permissions(role, None) == ROLE_PERMISSIONS[role]


def test_effective_permissions_add_and_take_away_and_ignore_what_the_guard_rails_forbid():
    change = {
        "granted": [ANALYTICS, "pastoral.view_pupil", "safeguarding.view_concerns", "pastoral.approve_roles"],
        "removed": ["behaviour.record_event", "safeguarding.raise_concern"],
    }
    teacher = role_catalogue.effective_permissions(Role.TEACHER, change)
    assert ANALYTICS in teacher and "safeguarding.view_concerns" in teacher
    assert "behaviour.record_event" not in teacher
    assert "safeguarding.raise_concern" in teacher  # kept whatever a stored change says
    assert "pastoral.approve_roles" not in teacher  # fixed
    it_admin = role_catalogue.effective_permissions(Role.IT_ADMIN, change)
    assert it_admin == ROLE_PERMISSIONS[Role.IT_ADMIN]  # never reads pupils, never safeguarding


def test_the_pastoral_assistant_fits_the_job_description_and_waits_for_approval():
    perms = ROLE_PERMISSIONS[Role.PASTORAL_ASSISTANT]
    assert ROLE_PERMISSIONS[Role.PASTORAL_STAFF] <= perms
    for perm in (
        "safeguarding.view_concerns",
        "safeguarding.manage_concerns",
        ANALYTICS,
        "behaviour.view_alerts",
        "behaviour.view_bullying_patterns",
        "behaviour.view_intervention",
        "behaviour.review_intervention",
        "behaviour.record_suspension",
        "behaviour.manage_categories",
        "provision.manage_ap",
    ):
        assert perm in perms, perm
    assert "behaviour.decide_suspension" not in perms and "pastoral.view_audit" not in perms
    assert Role.PASTORAL_ASSISTANT in APPROVAL_ROLES and Role.PASTORAL_ASSISTANT in PUPIL_READING_ROLES


def test_a_teacher_gains_analytics_in_one_school_only_once_a_second_person_approves(
    school, sister_school, headteacher, dsl, teacher
):
    sister_teacher = make_staff(sister_school, Role.TEACHER, "sister.teacher")
    MembershipFactory(user=teacher, school=sister_school, trust=sister_school.trust, role=Role.TEACHER)
    assert access.schools_with_perm(fresh(teacher), ANALYTICS) == []

    [change] = ask(headteacher, school, (Role.TEACHER, ANALYTICS, True))
    assert change.pending
    assert access.schools_with_perm(fresh(teacher), ANALYTICS) == []  # nothing until approved
    with pytest.raises(PastoralError, match="someone else must approve"):
        services.role_permission_approve(actor=headteacher, change=change)

    services.role_permission_approve(actor=dsl, change=change)
    assert access.schools_with_perm(fresh(teacher), ANALYTICS) == [school.pk]
    assert not access.has_school_perm(fresh(teacher), sister_school, ANALYTICS)
    assert not access.has_any_school_perm(fresh(sister_teacher), ANALYTICS)
    assert signed_in(fresh(teacher)).get(reverse("behaviour:analytics")).status_code == 200
    assert School.objects.get(pk=school.pk).role_permissions == {"teacher": {"granted": [ANALYTICS], "removed": []}}


def test_only_a_headteacher_or_dsl_of_the_school_approves(school, headteacher, dsl, deputy_dsl, other_school_dsl):
    [change] = ask(headteacher, school, (Role.PASTORAL_STAFF, ANALYTICS, True))
    for outsider in (deputy_dsl, other_school_dsl):
        assert not selectors.can_approve_change(outsider, change)
        with pytest.raises(PastoralError):
            services.role_permission_approve(actor=outsider, change=change)
    assert list(selectors.change_approvals_for(dsl)) == [change]
    assert list(selectors.change_approvals_for(headteacher)) == []


def test_a_removal_applies_at_once_and_re_adding_waits(school, headteacher, dsl, pastoral_staff):
    [removal] = ask(headteacher, school, (Role.PASTORAL_STAFF, "behaviour.view_suspension", False))
    assert removal.approved_at is not None and removal.approved_by is None
    assert not access.has_school_perm(fresh(pastoral_staff), school, "behaviour.view_suspension")
    [again] = ask(headteacher, school, (Role.PASTORAL_STAFF, "behaviour.view_suspension", True))
    assert again.pending
    services.role_permission_approve(actor=dsl, change=again)
    assert access.has_school_perm(fresh(pastoral_staff), school, "behaviour.view_suspension")
    assert School.objects.get(pk=school.pk).role_permissions == {}  # back to the default


def test_a_declined_change_gives_nothing_and_keeps_the_reason(school, headteacher, dsl, pastoral_staff):
    [change] = ask(headteacher, school, (Role.PASTORAL_STAFF, ANALYTICS, True))
    with pytest.raises(PastoralError, match="reason"):
        services.role_permission_decline(actor=dsl, change=change, reason=" ")
    services.role_permission_decline(actor=dsl, change=change, reason="Analytics stay with the leads")
    change.refresh_from_db()
    assert change.declined_by == dsl and change.decline_reason == "Analytics stay with the leads"
    assert not access.has_school_perm(fresh(pastoral_staff), school, ANALYTICS)
    with pytest.raises(PastoralError, match="already been declined"):
        services.role_permission_approve(actor=dsl, change=change)


@pytest.mark.parametrize(
    "role,perm,granted,message",
    [
        (Role.IT_ADMIN, "pastoral.view_pupil", True, "never reads pupil records"),
        (Role.IT_ADMIN, "behaviour.view_event", True, "never reads pupil records"),
        (Role.IT_ADMIN, "pastoral.view_audit", True, "never reads pupil records"),
        (Role.TEACHER, "pastoral.approve_roles", True, "cannot be changed by a school"),
        (Role.TEACHER, "behaviour.decide_suspension", True, "cannot be changed by a school"),
        (Role.HEADTEACHER, "pastoral.manage_roles", False, "cannot be changed by a school"),
        (Role.TEACHER, "safeguarding.raise_concern", False, "cannot be taken away"),
        (Role.DSL, "safeguarding.manage_concerns", False, "cannot be taken away"),
        (Role.TEACHER, "pastoral.view_pupil", False, "keeps"),
        (Role.TEACHER, "behaviour.view_event", True, "already has"),
        (Role.TEACHER, ANALYTICS, False, "does not have"),
        (Role.TRUST_LEADER, ANALYTICS, True, "trust-wide role"),
        (Role.TEACHER, "provision.view_ap_trust", True, "cannot be changed by a school"),
    ],
)
def test_the_guard_rails_refuse(school, headteacher, role, perm, granted, message):
    with pytest.raises(PastoralError, match=message):
        ask(headteacher, school, (role, perm, granted))
    assert not RolePermissionChange.objects.exists()


def test_safeguarding_permissions_go_only_to_roles_approved_by_a_second_person():
    assert "safeguarding.view_concerns" in role_catalogue.SENSITIVE
    assert "pastoral.view_safeguarding_flags" in role_catalogue.SENSITIVE
    for role in set(Role) - APPROVAL_ROLES:
        current = ROLE_PERMISSIONS[role]
        for perm in role_catalogue.SENSITIVE:
            if perm not in current:
                assert role_catalogue.change_refusal(role, perm, True, current) is not None
                assert not role_catalogue.may_hold(role, perm)


def test_all_changes_of_one_request_are_checked_together(school, headteacher):
    # Nothing in a refused request is saved, not even its acceptable changes.
    with pytest.raises(PastoralError, match="never reads pupil records"):
        ask(headteacher, school, (Role.TEACHER, ANALYTICS, True), (Role.IT_ADMIN, "pastoral.view_pupil", True))
    assert not RolePermissionChange.objects.exists()


def test_a_second_request_for_the_same_addition_is_refused(school, headteacher):
    ask(headteacher, school, (Role.TEACHER, ANALYTICS, True))
    with pytest.raises(PastoralError, match="already awaiting approval"):
        ask(headteacher, school, (Role.TEACHER, ANALYTICS, True))


def test_only_a_headteacher_fits_roles(school, dsl, it_admin):
    for actor in (dsl, it_admin):
        with pytest.raises(PastoralError, match="do not fit the roles"):
            ask(actor, school, (Role.TEACHER, ANALYTICS, True))


def test_every_request_approval_decline_and_removal_is_audited_in_sentences(
    school, headteacher, dsl, django_capture_on_commit_callbacks
):
    [first] = ask(headteacher, school, (Role.PASTORAL_STAFF, ANALYTICS, True))
    services.role_permission_approve(actor=dsl, change=first)
    [second] = ask(headteacher, school, (Role.TEACHER, "behaviour.view_bullying", True))
    services.role_permission_decline(actor=dsl, change=second, reason="Not for every teacher")
    ask(headteacher, school, (Role.PASTORAL_STAFF, "behaviour.view_suspension", False))
    entries = AuditEntry.objects.filter(action__startswith="pastoral.role_permission.").order_by("pk")
    assert [(e.action, e.actor, e.school_id) for e in entries] == [
        ("pastoral.role_permission.requested", headteacher, school.pk),
        ("pastoral.role_permission.approved", dsl, school.pk),
        ("pastoral.role_permission.requested", headteacher, school.pk),
        ("pastoral.role_permission.declined", dsl, school.pk),
        ("pastoral.role_permission.removed", headteacher, school.pk),
    ]
    assert entries[0].object_repr == "Pastoral staff gains “See behaviour analytics (trends, heat maps)”"
    assert entries[3].data["reason"] == "Not for every teacher"
    page = signed_in(dsl).get(reverse("pastoral:audit_log")).content.decode()
    assert "approved a change to what a role may do" in page
    assert "Pastoral staff gains “See behaviour analytics (trends, heat maps)”" in page
    assert "took a permission away from a role" in page


def test_the_page_shows_defaults_and_state_and_a_submission_asks_for_changes(school, headteacher, dsl, pastoral_staff):
    head = signed_in(headteacher)
    page = head.get(reverse("pastoral:role_permissions")).content.decode()
    assert "Pastoral assistant (deputy DSL)" in page
    assert 'aria-label="Pastoral staff: See behaviour analytics (trends, heat maps)"' in page
    rows, effective = selectors.role_matrix(school)
    ticked = [cell["name"] for _area, lines in rows for _perm, _label, cells in lines for cell in cells if cell["on"]]
    ticked.append(f"pastoral_staff:{ANALYTICS}")
    ticked.remove("pastoral_staff:behaviour.view_suspension")
    response = head.post(reverse("pastoral:role_permissions"), {"perm": ticked})
    assert response.status_code == 302
    changes = {(c.role, c.permission, c.granted, c.pending) for c in RolePermissionChange.objects.all()}
    assert changes == {
        ("pastoral_staff", ANALYTICS, True, True),
        ("pastoral_staff", "behaviour.view_suspension", False, False),
    }
    page = head.get(reverse("pastoral:role_permissions")).content.decode()
    assert "awaiting approval" in page and "removed" in page
    approvals = signed_in(dsl).get(reverse("pastoral:role_approvals")).content.decode()
    assert "Pastoral staff gains “See behaviour analytics (trends, heat maps)”" in approvals


def test_an_approver_approves_and_declines_from_the_approvals_page(school, headteacher, dsl, pastoral_staff):
    [change] = ask(headteacher, school, (Role.PASTORAL_STAFF, ANALYTICS, True))
    head = signed_in(headteacher)
    assert head.post(reverse("pastoral:role_permission_approve", args=[change.code])).status_code == 403
    approver = signed_in(dsl)
    missing = approver.post(reverse("pastoral:role_permission_decline", args=[change.code]), {})
    assert "Give a reason for declining." in missing.content.decode()
    assert approver.post(reverse("pastoral:role_permission_approve", args=[change.code])).status_code == 302
    assert access.has_school_perm(fresh(pastoral_staff), school, ANALYTICS)


def test_permission_checks_cost_no_extra_query_with_changes(
    school, headteacher, dsl, pastoral_staff, django_assert_num_queries
):
    ask(headteacher, school, (Role.PASTORAL_STAFF, "behaviour.view_suspension", False))
    user = fresh(pastoral_staff)
    with django_assert_num_queries(1):  # the memberships with their schools, as before
        for _ in range(3):
            access.schools_with_perm(user, "pastoral.view_pupil")
            access.has_school_perm(user, school, "behaviour.view_suspension")


def test_the_demo_seeder_leaves_one_pending_change(school, headteacher, dsl):
    import random

    from pastoral.demo.roles import seed_role_permission_request

    staff = {Role.HEADTEACHER: [headteacher]}
    for _ in range(2):
        seed_role_permission_request(school, staff, [], random.Random(1), None)
    assert [(c.role, c.permission) for c in selectors.change_approvals_for(dsl)] == [
        ("pastoral_staff", "behaviour.view_bullying_patterns")
    ]


def test_the_other_approvers_are_emailed_about_an_addition_but_not_whoever_asked(
    school, headteacher, dsl, deputy_dsl, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(headteacher, school, (Role.PASTORAL_STAFF, ANALYTICS, True))
    assert [message.to for message in mailoutbox] == [[dsl.email]]
    assert "Pastoral staff gains “See behaviour analytics (trends, heat maps)”" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ask(headteacher, school, (Role.PASTORAL_STAFF, "behaviour.view_suspension", False))
    assert mailoutbox == []  # a removal applies at once: nobody to ask
