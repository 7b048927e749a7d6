"""manage.py setup_trust: a new trust, its schools and their first head, who then runs the school in the browser."""

import builtins
import io
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from behaviour.models import BehaviourCategory, Location
from conftest import verified_client
from pastoral.accounts import access
from pastoral.accounts.roles import Role
from pastoral.models import AcademicYear, AuditEntry, Membership, OutboxMessage, Pupil, School, Term, Trust, User
from pastoral.tests.factories import SchoolFactory, UserFactory
from pastoral.tests.test_auth import current_code
from pastoral.tests.test_import import AMELIA, JOSEF, csv_bytes, post_file
from safeguarding.models import ConcernCategory

HEAD = [
    "--head-username",
    "j.khan",
    "--head-email",
    "j.khan@oakwood.sch.uk",
    "--head-first-name",
    "Jamila",
    "--head-last-name",
    "Khan",
]
FLAGS = [
    "--trust-name",
    "Oakwood Learning Trust",
    "--school",
    "Oakwood Academy:137456:secondary",
    "--school",
    "Elm Primary:137457:primary",
    *HEAD,
    "--operator",
    "Sam Ops",
    "--no-input",
]
LINK = re.compile(r"http://localhost:8000(/accounts/reset/\S+/)")
PASSWORD = "quiet-harbour-lantern-2026"
MODELS = (Trust, School, User, Membership, AuditEntry, OutboxMessage, BehaviourCategory, ConcernCategory)


def run(*args):
    out = io.StringIO()
    call_command("setup_trust", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def with_flag(flag, value, flags=FLAGS):
    args = list(flags)
    args[args.index(flag) + 1] = value
    return args


def enrol(client, path, username, password=PASSWORD):
    """Follow a one-time link: choose a password, sign in, and arrive at two-factor enrolment."""
    response = client.get(path)
    assert response.status_code == 302  # Django swaps the token for a session before showing the form
    form_url = response.url
    assert 'name="new_password1"' in client.get(form_url).content.decode()
    done = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    signed_in = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert signed_in.status_code == 302
    home = client.get(reverse("pastoral:home"))
    assert home.url.startswith(reverse("accounts:mfa_verify"))
    setup = client.get(home.url, follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("accounts:mfa_setup"))
    assert "<svg" in setup.content.decode()
    return client


def test_the_command_creates_exactly_the_trust_its_schools_and_the_head(db):
    before = counts()
    output = run(*FLAGS)

    trust = Trust.objects.get()
    assert trust.name == "Oakwood Learning Trust"
    schools = {s.name: s for s in School.objects.all()}
    assert {(s.name, s.urn, s.phase, s.trust_id) for s in schools.values()} == {
        ("Oakwood Academy", "137456", "secondary", trust.pk),
        ("Elm Primary", "137457", "primary", trust.pk),
    }
    head = User.objects.get()
    assert (head.username, head.email, head.first_name, head.last_name) == (
        "j.khan",
        "j.khan@oakwood.sch.uk",
        "Jamila",
        "Khan",
    )
    assert not head.has_usable_password() and not head.is_superuser and not head.is_staff
    memberships = Membership.objects.filter(user=head)
    assert {(m.school.name, m.role, m.trust_id) for m in memberships} == {
        ("Oakwood Academy", Role.HEADTEACHER, trust.pk),
        ("Elm Primary", Role.HEADTEACHER, trust.pk),
    }
    assert all(m.approved_at and m.approved_by is None and m.granted_by is None for m in memberships)
    assert set(access.school_roles(head)) == {s.pk for s in schools.values()}

    entries = AuditEntry.objects.all()
    assert all(e.actor is None and e.actor_label == "Sam Ops" for e in entries)
    assert sorted(e.action for e in entries) == sorted(
        ["pastoral.trust.created", "pastoral.staff.created"]
        + ["pastoral.school.added"] * 2
        + ["pastoral.membership.granted"] * 2
        + ["pastoral.membership.approved"] * 2
    )
    created = entries.get(action="pastoral.trust.created")
    assert created.data == {"name": trust.name, "by_operator": True, "operator": "Sam Ops"}
    assert {e.school_id for e in entries.filter(action="pastoral.school.added")} == {s.pk for s in schools.values()}

    after = counts()
    added = {name: after[name] - before[name] for name in ("Trust", "School", "User", "Membership", "AuditEntry")}
    assert added == {"Trust": 1, "School": 2, "User": 1, "Membership": 2, "AuditEntry": 8}
    assert after["OutboxMessage"] == before["OutboxMessage"]  # no email unless asked
    # Each school starts with the usual behaviour categories and locations and the KCSIE concern categories.
    for school in schools.values():
        assert BehaviourCategory.objects.filter(school=school).exists() and Location.objects.filter(school=school)
        assert ConcernCategory.objects.filter(school=school).count() >= 14

    assert "Created Oakwood Learning Trust with Oakwood Academy (URN 137456), Elm Primary (URN 137457)." in output
    assert len(LINK.findall(output)) == 1


def test_the_printed_link_sets_a_password_once_and_leads_to_two_factor_enrolment(db):
    path = LINK.search(run(*FLAGS)).group(1)
    client = enrol(Client(), path, "j.khan")
    head = User.objects.get(username="j.khan")
    assert head.has_usable_password()
    assert AuditEntry.objects.filter(action="auth.password.changed", actor=head).count() == 1

    device = TOTPDevice.objects.get(user=head, confirmed=False)
    done = client.post(reverse("accounts:mfa_setup"), {"token": current_code(device)})
    assert "Your backup codes" in done.content.decode()
    home = client.get(reverse("pastoral:home"))
    assert home.status_code == 200 and "Hello Jamila" in home.content.decode()

    # The link works once.
    again = Client().get(path, follow=True)
    assert "new_password1" not in again.content.decode()


def test_an_existing_trust_name_is_refused_and_nothing_is_duplicated(db):
    run(*FLAGS)
    before = counts()
    other_head = ["--head-username", "b.ross", "--head-email", "b.ross@x.test", "--head-first-name", "Bo"]
    args = [
        "--trust-name",
        "  oakwood learning TRUST ",
        "--school",
        "New School:140001",
        *other_head,
        "--head-last-name",
        "Ross",
        "--no-input",
    ]
    with pytest.raises(CommandError, match="A trust called “oakwood learning TRUST” already exists"):
        run(*args)
    assert counts() == before


@pytest.mark.parametrize(
    "args,flag,message",
    [
        (with_flag("--school", "Oakwood Academy:13745"), "--school", "six-digit DfE unique reference number"),
        (with_flag("--school", "Oakwood Academy:137456:college"), "--school", "The phase must be one of"),
        (with_flag("--school", "Elm Primary:137457"), "--school", "URN 137457 is given twice"),
        (with_flag("--head-email", "not-an-address"), "--head-email", "not a valid email address"),
        (with_flag("--head-username", "J.KHAN"), "--head-username", "The username “J.KHAN” is taken"),
        (with_flag("--head-email", "TAKEN@school.test"), "--head-email", "already exists"),
        (with_flag("--head-username", "has space"), "--head-username", "Use letters, digits"),
        (with_flag("--head-last-name", ""), "--head-last-name", "Give the last name"),
        (with_flag("--trust-name", ""), "--trust-name", "Give the trust's name"),
        (
            [
                a
                for a in FLAGS
                if a not in ("--school", "Oakwood Academy:137456:secondary", "Elm Primary:137457:primary")
            ],
            "--school",
            "Give at least one school",
        ),
    ],
)
def test_bad_input_is_explained_beside_the_flag_and_leaves_nothing_behind(db, args, flag, message):
    UserFactory(username="j.khan", email="taken@school.test")
    before = counts()
    with pytest.raises(CommandError) as raised:
        run(*args)
    assert str(raised.value).startswith("Nothing was created.")
    assert f"{flag}: " in str(raised.value) and message in str(raised.value)
    assert counts() == before


def test_a_urn_another_trust_already_uses_is_refused(db):
    SchoolFactory(name="Elsewhere High", urn="137457")
    before = counts()
    with pytest.raises(CommandError, match="URN 137457 is already used by Elsewhere High"):
        run(*FLAGS)
    assert counts() == before


def test_a_failure_half_way_rolls_everything_back(db, monkeypatch):
    from pastoral.accounts import trusts

    def broken_hook(*, school, actor):
        if school.name == "Elm Primary":
            raise RuntimeError("disk full")

    monkeypatch.setattr(trusts, "_NEW_SCHOOL_HOOKS", [*trusts._NEW_SCHOOL_HOOKS, broken_hook])
    before = counts()
    with pytest.raises(RuntimeError):
        run(*FLAGS)
    assert counts() == before


def test_send_email_puts_the_link_through_the_outbox(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        output = run(*FLAGS, "--send-email")
    assert not LINK.search(output)
    assert "A link to choose a password is being emailed to j.khan@oakwood.sch.uk." in output
    row = OutboxMessage.objects.get()
    assert row.task_name == "pastoral.tasks.send_welcome_email_task" and row.done_at is not None
    [email] = mail.outbox
    assert email.to == ["j.khan@oakwood.sch.uk"]
    assert "An account has been set up for you" in email.body and "j.khan" in email.body
    enrol(Client(), LINK.search(email.body).group(1), "j.khan")


def test_the_head_can_also_lead_the_trust(db):
    run(*FLAGS, "--head-leads-trust")
    head = User.objects.get()
    leader = Membership.objects.get(role=Role.TRUST_LEADER)
    assert (leader.user, leader.school, leader.approved_at is not None) == (head, None, True)
    assert access.can_add_schools(head, Trust.objects.get())


def test_a_separate_trust_leader_gets_an_account_and_a_link_of_their_own(db, django_capture_on_commit_callbacks):
    leader = [
        "--leader-username",
        "ceo",
        "--leader-email",
        "ceo@oakwood.org.uk",
        "--leader-first-name",
        "Priya",
        "--leader-last-name",
        "Shah",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run(*FLAGS, *leader, "--send-email")
    ceo = User.objects.get(username="ceo")
    assert list(Membership.objects.filter(user=ceo).values_list("role", "school")) == [(Role.TRUST_LEADER, None)]
    assert sorted(m.to[0] for m in mail.outbox) == ["ceo@oakwood.org.uk", "j.khan@oakwood.sch.uk"]


def test_a_separate_trust_leader_needs_their_own_username_and_email(db):
    leader = ["--leader-username", "J.Khan", "--leader-email", "J.KHAN@oakwood.sch.uk", "--leader-first-name", "Jo"]
    with pytest.raises(CommandError) as raised:
        run(*FLAGS, *leader, "--leader-last-name", "Khan")
    assert "--leader-username: The trust leader needs a username of their own." in str(raised.value)
    assert "--leader-email: The trust leader needs an email address of their own." in str(raised.value)
    assert not Trust.objects.exists() and not User.objects.exists()
    with pytest.raises(CommandError, match="not both"):
        run(*FLAGS, "--head-leads-trust", "--leader-username", "ceo")


def test_it_asks_for_what_is_missing_and_asks_again_after_a_bad_answer(db, monkeypatch):
    answers = iter(
        [
            "Brook Valley Trust",  # trust name
            "Brook Primary",
            "12",  # a bad URN: asked again
            "140123",
            "primary",
            "",  # no more schools
            "ava.jones",
            "ava@brook.sch.uk",
            "Ava",
            "Jones",
            "h",  # the head leads the trust
            "n",  # print the link
        ]
    )
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(answers))
    err = io.StringIO()
    out = io.StringIO()
    call_command("setup_trust", stdout=out, stderr=err)
    assert "six-digit DfE unique reference number" in err.getvalue()
    school = School.objects.get()
    assert (school.trust.name, school.name, school.urn, school.phase) == (
        "Brook Valley Trust",
        "Brook Primary",
        "140123",
        "primary",
    )
    assert Membership.objects.filter(user__username="ava.jones", role=Role.TRUST_LEADER).exists()
    assert LINK.search(out.getvalue())


# From the command to a running school, in the browser ---------------------------------------------------------


def signed_in(user):
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return verified_client(Client(), user)


def test_a_head_set_up_by_the_command_runs_the_school_in_the_browser(
    db, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.GENERATED_FILES_ROOT = tmp_path
    run(*FLAGS[: FLAGS.index("--school") + 2], *HEAD, "--no-input")
    school = School.objects.get()
    head = User.objects.get(username="j.khan")
    browser = signed_in(head)
    home = browser.get(reverse("pastoral:home")).content.decode()
    assert "Manage staff accounts" in home and "School calendar" in home

    # Staff: the head adds an IT admin, whose role takes effect at once and who is emailed a link.
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            reverse("pastoral:staff_create"),
            {"first_name": "Ian", "last_name": "Tech", "email": "ian@oak.test", "username": "ian", "role": "it_admin"},
        )
    assert response.status_code == 302
    ian = User.objects.get(username="ian")
    assert Membership.objects.get(user=ian).approved_at is not None
    assert [m.to for m in mail.outbox] == [["ian@oak.test"]]

    # A role that reads pupils, granted by the head, waits: the head cannot approve their own grant.
    response = browser.post(
        reverse("pastoral:staff_create"),
        {"first_name": "Dee", "last_name": "Lead", "email": "dee@oak.test", "username": "dee", "role": "dsl"},
        follow=True,
    )
    assert "you granted it, so you cannot" in response.content.decode()
    dee_role = Membership.objects.get(user__username="dee")
    assert dee_role.awaiting_approval
    assert browser.post(reverse("pastoral:membership_approve", args=[dee_role.code])).status_code == 403

    # Granted by the IT admin instead, the head approves it.
    admin_browser = signed_in(ian)
    response = admin_browser.post(
        reverse("pastoral:staff_create"),
        {"first_name": "Pat", "last_name": "Lead", "email": "pat@oak.test", "username": "pat", "role": "pastoral_lead"},
    )
    assert response.status_code == 302
    pat_role = Membership.objects.get(user__username="pat")
    assert pat_role.awaiting_approval
    assert "pat@oak.test" in browser.get(reverse("pastoral:role_approvals")).content.decode()
    assert browser.post(reverse("pastoral:membership_approve", args=[pat_role.code])).status_code == 302
    pat_role.refresh_from_db()
    assert pat_role.approved_by == head

    # Calendar.
    response = browser.post(
        reverse("pastoral:calendar"),
        {"add_year": "1", "year-name": "2026/27", "year-start": "2026-09-01", "year-end": "2027-08-31"},
    )
    assert response.status_code == 302
    year = AcademicYear.objects.get(school=school)
    response = browser.post(
        reverse("pastoral:calendar"),
        {
            "add_term": "1",
            "term-academic_year": year.pk,
            "term-name": "Autumn",
            "term-start": "2026-09-03",
            "term-end": "2026-12-18",
        },
    )
    assert response.status_code == 302 and Term.objects.filter(academic_year=year).count() == 1

    # Behaviour categories: reachable from the behaviour page, and a new one is added.
    assert reverse("behaviour:category_list") in browser.get(reverse("behaviour:event_list")).content.decode()
    assert "Excellent work" in browser.get(reverse("behaviour:category_list")).content.decode()
    data = {"name": "Reading aloud", "kind": "positive", "points": 2, "severity": 1, "active": "on", "order": 0}
    assert browser.post(reverse("behaviour:category_create"), data).status_code == 302
    assert BehaviourCategory.objects.filter(school=school, name="Reading aloud").exists()

    # Pupil import.
    assert reverse("pastoral:pupil_import") in home
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(browser, csv_bytes([AMELIA, JOSEF]))
    assert response.status_code == 302
    assert Pupil.objects.filter(school=school).count() == 2
