"""Setting up a trust, its schools and their first headteachers.

Two ways in, one service. The platform operator runs `manage.py setup_trust` for a new trust (no signed-in
user: audited with the operator's name); after that the trust leader adds each further school on the
"Add a school" page (`school_add`, used by both).

A new school has nobody who could approve its first headteacher, so that appointment takes effect at once:
approved by the operator, or by the trust leader who names the head, since appointing heads is the trust's
decision. Every other role still goes through the second-person approval. A new account gets no password:
its holder chooses one through the one-time password-reset link (`services.password_reset_link`, emailed by
the welcome task or printed for the operator) and then enrols two-factor authentication at first sign-in.

Everything a call writes (trust, schools, account, roles, audit entries, queued emails) is one transaction,
and every check runs before the first write, so a refusal leaves nothing behind. Refusals about the input
are ValidationErrors keyed by field, so a form puts them beside the field and the command beside the flag.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from .. import audit, locks, outbox
from ..exceptions import PastoralError
from ..models import Membership, School, Trust, User
from . import access
from .roles import Role

OPERATOR = "platform operator"
URN_PATTERN = re.compile(r"^\d{6}$")
USERNAME_PATTERN = re.compile(r"^[\w.@+-]+$")
WELCOME_TASK = "pastoral.tasks.send_welcome_email_task"


# Duty apps give a school added here its starting data (behaviour's default categories and locations), in the
# same transaction: hook(school=..., actor=...), actor None for the operator.
_NEW_SCHOOL_HOOKS = []


def on_new_school(hook):
    _NEW_SCHOOL_HOOKS.append(hook)


@dataclass(frozen=True)
class NewStaff:
    """A person who has no account yet."""

    username: str
    email: str
    first_name: str
    last_name: str

    def cleaned(self):
        return NewStaff(*(value.strip() for value in (self.username, self.email, self.first_name, self.last_name)))


@dataclass(frozen=True)
class NewSchool:
    name: str
    urn: str = ""
    phase: str = ""

    def cleaned(self):
        return NewSchool(self.name.strip(), self.urn.strip(), self.phase.strip().lower())


@dataclass
class SetUp:
    trust: Trust
    schools: list
    head: User
    leader: User | None = None
    # Accounts made here, which need the one-time link to choose a password.
    new_accounts: list = field(default_factory=list)


@dataclass
class AddedSchool:
    school: School
    head: User | None = None
    head_created: bool = False


# Checks, each returning a message or "" so a form, the command's prompts and the services share them ---------


def trust_name_problem(name):
    name = (name or "").strip()
    if not name:
        return "Give the trust's name."
    if len(name) > Trust._meta.get_field("name").max_length:
        return "The name is too long (200 characters at most)."
    if Trust.objects.filter(name__iexact=name).exists():
        return f"A trust called “{name}” already exists. Add schools to it from the trust leader's Schools page."
    return ""


def urn_problem(urn):
    urn = (urn or "").strip()
    if not urn:
        return ""
    if not URN_PATTERN.match(urn):
        return "A URN is the school's six-digit DfE unique reference number, such as 146523."
    existing = School.objects.filter(urn=urn).select_related("trust").first()
    if existing:
        return f"URN {urn} is already used by {existing.name} ({existing.trust.name})."
    return ""


def phase_problem(phase):
    if phase and phase not in School.Phase.values:
        return f"The phase must be one of: {', '.join(School.Phase.values)}."
    return ""


def school_name_problem(trust, name):
    name = (name or "").strip()
    if not name:
        return "Give the school's name."
    if len(name) > School._meta.get_field("name").max_length:
        return "The name is too long (200 characters at most)."
    if trust is not None and trust.pk and trust.schools.filter(name__iexact=name).exists():
        return f"{trust.name} already has a school called “{name}”."
    return ""


def username_problem(username):
    username = (username or "").strip()
    if not username:
        return "Give a username."
    if len(username) > 150 or not USERNAME_PATTERN.match(username):
        return "Use letters, digits and . @ + - _ only (150 characters at most)."
    if User.objects.filter(username__iexact=username).exists():
        return f"The username “{username}” is taken."
    return ""


def email_problem(email):
    email = (email or "").strip()
    if not email:
        return "Give an email address."
    try:
        validate_email(email)
    except ValidationError:
        return f"“{email}” is not a valid email address."
    if User.objects.filter(email__iexact=email).exists():
        return f"An account with the email address {email} already exists."
    return ""


def name_problem(value, what):
    value = (value or "").strip()
    if not value:
        return f"Give the {what}."
    if len(value) > 150:
        return f"The {what} is too long (150 characters at most)."
    return ""


def new_staff_problems(person, prefix):
    """{prefix + field: message} for a person who is to get a new account."""
    problems = {
        "username": username_problem(person.username),
        "email": email_problem(person.email),
        "first_name": name_problem(person.first_name, "first name"),
        "last_name": name_problem(person.last_name, "last name"),
    }
    return {f"{prefix}{key}": message for key, message in problems.items() if message}


def school_problems(trust, school):
    problems = {
        "name": school_name_problem(trust, school.name),
        "urn": urn_problem(school.urn),
        "phase": phase_problem(school.phase),
    }
    return {key: message for key, message in problems.items() if message}


def _raise(problems):
    if problems:
        raise ValidationError({key: [message] for key, message in problems.items()})


# Writes --------------------------------------------------------------------------------------------------


def _lock():
    """One set-up at a time, so two runs cannot both pass the "name / URN / username not taken" checks."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [locks.SCHOOL_SETUP])


def _who(actor, operator):
    """The audit entry's author: the signed-in trust leader, or the operator's name with no user."""
    if actor is not None:
        return {"actor": actor}
    return {"actor": None, "actor_label": operator or OPERATOR}


def _by(actor, operator):
    return {"by_operator": True, "operator": operator} if actor is None else {"by_trust_leader": True}


def _create_account(person, *, actor, operator, school):
    user = User(username=person.username, email=person.email, first_name=person.first_name, last_name=person.last_name)
    user.set_unusable_password()  # chosen by its holder through the one-time link
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("pastoral.staff.created", obj=user, school=school, data=_by(actor, operator), **_who(actor, operator))
    return user


def _appoint(user, *, trust, school, role, actor, operator):
    """A role that takes effect at once, because whoever grants it here is the one who could approve it."""
    membership = Membership(
        user=user,
        trust=trust,
        school=school,
        role=role,
        granted_by=actor,
        approved_at=timezone.now(),
        approved_by=actor,
    )
    membership.full_clean()
    membership.save()
    who = _who(actor, operator)
    audit.record("pastoral.membership.granted", obj=membership, school=school, data={"role": role}, **who)
    approval = {"role": role, **_by(actor, operator)}
    audit.record("pastoral.membership.approved", obj=membership, school=school, data=approval, **who)
    from ..services import hand_over_lead_dsl

    hand_over_lead_dsl(membership, actor=actor, actor_label=who.get("actor_label", ""))
    access.forget(user)
    return membership


def _welcome(user, actor):
    # The task builds the link when it runs, re-checking that the account is active and its role approved.
    outbox.enqueue(WELCOME_TASK, user.id, actor.id if actor is not None else None)


def _appointable_head(trust, head, actor):
    if actor is not None and head.pk == actor.pk:
        return "You cannot appoint yourself. Ask another trust leader, or name someone else."
    on_staff = Membership.objects.filter(user=head, trust=trust, approved_at__isnull=False).exclude(
        ends_on__lt=timezone.localdate()
    )
    if not head.is_active or not on_staff.exists():
        return "Choose someone who works in this trust now."
    return ""


@transaction.atomic
def school_add(*, actor, trust, school, head=None, new_head=None, send_email=True, operator=""):
    """Add `school` (a NewSchool) to `trust`, optionally with its first headteacher: `head`, an existing member
    of the trust's staff, or `new_head`, a NewStaff who gets an account and (with `send_email`) the welcome
    email with the link to choose a password. `actor` is the trust leader, or None for the platform operator.
    """
    _lock()
    if actor is not None and not access.can_add_schools(actor, trust):
        raise PastoralError("You cannot add schools to this trust.")
    if head is not None and new_head is not None:
        raise ValueError("Name an existing headteacher or a new one, not both.")
    school = school.cleaned()
    problems = school_problems(trust, school)
    if new_head is not None:
        new_head = new_head.cleaned()
        problems |= new_staff_problems(new_head, "head_")
    if head is not None and (problem := _appointable_head(trust, head, actor)):
        problems["head"] = problem
    _raise(problems)

    added = School(trust=trust, name=school.name, urn=school.urn, phase=school.phase or School.Phase.SECONDARY)
    added.full_clean()
    added.save()
    audit.record(
        "pastoral.school.added",
        obj=added,
        school=added,
        data={"name": added.name, "urn": added.urn, "phase": added.phase, **_by(actor, operator)},
        **_who(actor, operator),
    )
    for hook in _NEW_SCHOOL_HOOKS:
        hook(school=added, actor=actor)
    if new_head is not None:
        head = _create_account(new_head, actor=actor, operator=operator, school=added)
    if head is not None:
        _appoint(head, trust=trust, school=added, role=Role.HEADTEACHER, actor=actor, operator=operator)
        if new_head is not None and send_email:
            _welcome(head, actor)
    return AddedSchool(school=added, head=head, head_created=new_head is not None)


def setup_problems(*, trust_name, schools, head, leader=None):
    """Every problem with a set-up, keyed by what was asked for (trust_name, school, head_*, leader_*)."""
    problems = {}
    if message := trust_name_problem(trust_name):
        problems["trust_name"] = message
    school_messages = []
    if not schools:
        school_messages.append("Give at least one school.")
    names, urns = set(), set()
    for school in (s.cleaned() for s in schools):
        label = school.name or "A school"
        for message in school_problems(None, school).values():
            school_messages.append(f"{label}: {message}")
        if school.name.casefold() in names:
            school_messages.append(f"{label}: the same name is given twice.")
        if school.urn and school.urn in urns:
            school_messages.append(f"{label}: URN {school.urn} is given twice.")
        names.add(school.name.casefold())
        urns.add(school.urn)
    if school_messages:
        problems["school"] = " ".join(school_messages)
    head = head.cleaned()
    problems |= new_staff_problems(head, "head_")
    if isinstance(leader, NewStaff):
        leader = leader.cleaned()
        problems |= new_staff_problems(leader, "leader_")
        if leader.username.casefold() == head.username.casefold():
            problems.setdefault("leader_username", "The trust leader needs a username of their own.")
        if leader.email.casefold() == head.email.casefold():
            problems.setdefault("leader_email", "The trust leader needs an email address of their own.")
    return problems


@transaction.atomic
def setup_trust(*, trust_name, schools, head, leader=None, send_email=False, operator=""):
    """For the platform operator: a new trust, its schools (NewSchool) and their first headteacher (a NewStaff,
    head of every one of them). `leader` is who leads the trust (adds schools later): None, "head" for the
    headteacher, or a NewStaff. With `send_email` the new accounts are emailed the link to choose a password;
    otherwise the caller shows `services.password_reset_link(user)` for each of `new_accounts`."""
    _lock()
    _raise(setup_problems(trust_name=trust_name, schools=schools, head=head, leader=leader))
    trust = Trust(name=trust_name.strip())
    trust.full_clean()
    trust.save()
    audit.record(
        "pastoral.trust.created", obj=trust, data={"name": trust.name, **_by(None, operator)}, **_who(None, operator)
    )
    result = SetUp(trust=trust, schools=[], head=None)
    for index, school in enumerate(schools):
        added = school_add(
            actor=None,
            trust=trust,
            school=school,
            new_head=head if index == 0 else None,
            head=result.head,
            send_email=send_email,
            operator=operator,
        )
        result.schools.append(added.school)
        result.head = added.head
    result.new_accounts.append(result.head)
    if leader == "head":
        result.leader = result.head
    elif isinstance(leader, NewStaff):
        result.leader = _create_account(leader.cleaned(), actor=None, operator=operator, school=None)
        result.new_accounts.append(result.leader)
    if result.leader is not None:
        _appoint(result.leader, trust=trust, school=None, role=Role.TRUST_LEADER, actor=None, operator=operator)
        if send_email and result.leader != result.head:
            _welcome(result.leader, None)
    return result


def link_lifetime_days():
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 86400))
