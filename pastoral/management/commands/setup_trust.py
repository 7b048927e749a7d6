"""The way in for a new trust: its schools, their first headteacher, and a one-time link to choose a password."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pastoral import services
from pastoral.accounts import trusts
from pastoral.exceptions import PastoralError
from pastoral.models import School

PERSON_FIELDS = [
    ("username", "Username"),
    ("email", "Email address"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
]


def parse_school(value):
    """NAME[:URN[:PHASE]] -> NewSchool. A school's name cannot hold a colon here."""
    name, _, rest = value.partition(":")
    urn, _, phase = rest.partition(":")
    return trusts.NewSchool(name=name, urn=urn, phase=phase)


def _flag(key):
    return "--" + key.replace("_", "-")


class Command(BaseCommand):
    help = (
        "Set up a new trust: its schools and their first headteacher (head of every school given), who is "
        "sent or shown a one-time link to choose a password and then sets up two-factor authentication at "
        "first sign-in. Everything else (staff, roles, calendar, categories, pupil import, more schools) is "
        "then done in the browser. Asks for anything not given unless --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--trust-name", help="The trust's name; refused if a trust of that name exists")
        parser.add_argument(
            "--school",
            action="append",
            default=[],
            metavar="NAME[:URN[:PHASE]]",
            help=(
                "A school of the trust, with its six-digit DfE URN and phase "
                f"({', '.join(School.Phase.values)}; secondary if not given). Repeat for each school."
            ),
        )
        for key, label in PERSON_FIELDS:
            parser.add_argument(f"--head-{key.replace('_', '-')}", help=f"The headteacher's {label.lower()}")
        parser.add_argument(
            "--head-leads-trust",
            action="store_true",
            help="The headteacher is also the trust leader, who adds further schools from the browser",
        )
        for key, label in PERSON_FIELDS:
            parser.add_argument(
                f"--leader-{key.replace('_', '-')}", help=f"A separate trust leader's {label.lower()} (optional)"
            )
        parser.add_argument(
            "--send-email",
            action="store_true",
            help="Email the link to choose a password (through the outbox) instead of printing it",
        )
        parser.add_argument("--operator", default="", help="Your name, recorded in the audit log")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Never ask; fail on anything missing"
        )

    def handle(self, *args, **options):
        interactive = options["interactive"]
        head = trusts.NewStaff(**{key: options[f"head_{key}"] or "" for key, _ in PERSON_FIELDS})
        leader_given = {key: options[f"leader_{key}"] or "" for key, _ in PERSON_FIELDS}
        if options["head_leads_trust"] and any(leader_given.values()):
            raise CommandError("Give either --head-leads-trust or a separate trust leader (--leader-*), not both.")
        leader = "head" if options["head_leads_trust"] else None
        if any(leader_given.values()):
            leader = trusts.NewStaff(**leader_given)
        trust_name = options["trust_name"] or ""
        schools = [parse_school(value) for value in options["school"]]
        send_email = options["send_email"]

        if interactive:
            trust_name = trust_name or self._ask("Trust name", trusts.trust_name_problem)
            if not schools:
                schools = self._ask_schools()
            self.stdout.write("The first headteacher (head of every school above):")
            head = self._ask_person(head, "  ")
            if leader is None and not options["head_leads_trust"]:
                leader = self._ask_leader(head)
            elif isinstance(leader, trusts.NewStaff):
                self.stdout.write("The trust leader:")
                leader = self._ask_person(leader, "  ", taken=head)
            if not send_email:
                send_email = self._yes("Email the link to choose a password instead of printing it here?")

        try:
            result = trusts.setup_trust(
                trust_name=trust_name,
                schools=schools,
                head=head,
                leader=leader,
                send_email=send_email,
                operator=options["operator"].strip(),
            )
        except ValidationError as exc:
            lines = [f"{_flag(key)}: {message}" for key, messages in exc.message_dict.items() for message in messages]
            raise CommandError("Nothing was created.\n" + "\n".join(lines)) from exc
        except PastoralError as exc:
            raise CommandError(f"Nothing was created. {exc}") from exc
        self._report(result, send_email)

    # Prompts ---------------------------------------------------------------------------------------------------

    def _ask(self, label, problem=None, default=""):
        while True:
            suffix = f" [{default}]" if default else ""
            value = input(f"{label}{suffix}: ").strip() or default
            message = problem(value) if problem else ""
            if not message:
                return value
            self.stderr.write(f"  {message}")

    def _yes(self, question):
        return input(f"{question} [y/N]: ").strip().lower() in {"y", "yes"}

    def _ask_schools(self):
        self.stdout.write("Schools of the trust; leave the name empty when there are no more.")
        schools, names, urns = [], set(), set()
        while True:

            def name_problem(value, names=names, first=not schools):
                if not value:
                    return "Give at least one school." if first else ""
                if value.casefold() in names:
                    return "That school is already in the list."
                return trusts.school_name_problem(None, value)

            name = self._ask("  School name", name_problem)
            if not name:
                return schools

            def urn_problem(value, urns=urns):
                return "That URN is already in the list." if value and value in urns else trusts.urn_problem(value)

            urn = self._ask("  URN (six digits; empty if not known yet)", urn_problem)
            phase = self._ask(
                f"  Phase ({', '.join(School.Phase.values)})", trusts.phase_problem, default=School.Phase.SECONDARY
            )
            schools.append(trusts.NewSchool(name=name, urn=urn, phase=phase))
            names.add(name.casefold())
            urns.add(urn)

    def _ask_person(self, person, indent, taken=None):
        checks = {
            "username": trusts.username_problem,
            "email": trusts.email_problem,
            "first_name": lambda v: trusts.name_problem(v, "first name"),
            "last_name": lambda v: trusts.name_problem(v, "last name"),
        }
        values = {}
        for key, label in PERSON_FIELDS:
            given = getattr(person, key)
            if given:
                values[key] = given
                continue

            def problem(value, key=key):
                if taken and value and value.casefold() == getattr(taken, key).casefold():
                    return f"The trust leader needs a {key.replace('_', ' ')} of their own."
                return checks[key](value)

            values[key] = self._ask(f"{indent}{label}", problem)
        return trusts.NewStaff(**values)

    def _ask_leader(self, head):
        self.stdout.write(
            "Who leads the trust? The trust leader sees every school and adds further schools from the browser."
        )
        while True:
            answer = input("  The headteacher (h), someone else (s) or nobody yet (n) [n]: ").strip().lower() or "n"
            if answer in {"h", "s", "n"}:
                break
        if answer == "h":
            return "head"
        if answer == "s":
            return self._ask_person(trusts.NewStaff("", "", "", ""), "  ", taken=head)
        return None

    # Output ----------------------------------------------------------------------------------------------------

    def _report(self, result, send_email):
        schools = ", ".join(f"{s.name} (URN {s.urn})" if s.urn else s.name for s in result.schools)
        self.stdout.write(self.style.SUCCESS(f"Created {result.trust.name} with {schools}."))
        head = result.head
        self.stdout.write(f"Headteacher: {head.get_full_name()} ({head.username}, {head.email}).")
        if result.leader is not None:
            self.stdout.write(f"Trust leader: {result.leader.get_full_name()} ({result.leader.username}).")
        days = trusts.link_lifetime_days()
        if "://localhost" in settings.SITE_URL or "://127.0.0.1" in settings.SITE_URL:
            self.stderr.write(
                f"SITE_URL is {settings.SITE_URL}, so the links point there. Set SITE_URL to the address staff use."
            )
        if send_email:
            for user in result.new_accounts:
                self.stdout.write(f"A link to choose a password is being emailed to {user.email}.")
            self.stdout.write(f"It works once and for {days} days.")
        else:
            self.stdout.write(
                f"\nGive each person their own link, in person or by a channel only they read. It works once and "
                f"for {days} days; it lets them choose a password, and at first sign-in they set up "
                "two-factor authentication."
            )
            for user in result.new_accounts:
                self.stdout.write(f"  {user.get_full_name()} <{user.email}>:\n  {services.password_reset_link(user)}")
        self.stdout.write(
            "If a link runs out, use “Forgotten your password?” on the sign-in page with the same email address."
        )
