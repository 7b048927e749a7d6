from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pastoral import services
from pastoral.exceptions import PastoralError
from pastoral.models import Membership


class Command(BaseCommand):
    help = (
        "Approve a safeguarding role awaiting approval, for a school that has nobody yet who can approve it "
        "(a new school's first headteacher or DSL). Audited, with the operator's name."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "membership_code", nargs="?", help="The request's code (shown on the staff account page while it waits)"
        )
        parser.add_argument("--list", action="store_true", help="List the roles awaiting approval and their codes")
        parser.add_argument("--operator", default="", help="Your name, recorded in the audit log")

    def handle(self, *args, membership_code, operator, **options):
        if options["list"] or not membership_code:
            pending = Membership.objects.filter(approved_at__isnull=True, ends_on__isnull=True).select_related(
                "user", "school", "trust"
            )
            for m in pending.order_by("trust__name", "school__name", "pk"):
                self.stdout.write(f"{m.code}  {m.get_role_display()}  {m.user} <{m.user.email}>  {m.school or m.trust}")
            return
        try:
            membership = Membership.objects.select_related("user", "school", "trust").get(code=membership_code)
        except (Membership.DoesNotExist, ValidationError) as exc:
            raise CommandError(f"There is no role with the code {membership_code!r}.") from exc
        try:
            services.membership_approve_by_operator(membership=membership, operator=operator.strip())
        except PastoralError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Approved: {membership.user} ({membership.user.email}) is now "
            f"{membership.get_role_display()} at {membership.school or membership.trust}."
        )
