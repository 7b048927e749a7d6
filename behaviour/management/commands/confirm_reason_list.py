import datetime

from django.core.management.base import BaseCommand, CommandError

from behaviour.suspensions import services
from pastoral.exceptions import PastoralError


class Command(BaseCommand):
    help = (
        "Start offering a census reason list that was loaded unconfirmed (see `--list`), from the date the school "
        "census starts using it. Check every code and label against the DfE's published census guide first. The "
        "list in use ends the day before; suspensions already recorded keep their reasons and list version."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", nargs="?", help='the list version, e.g. "DfE CBDS May 2026 (unconfirmed)"')
        parser.add_argument("--from", dest="valid_from", help="first day the list is offered (YYYY-MM-DD)")
        parser.add_argument("--operator", default="", help="your name, for the audit log")
        parser.add_argument("--list", action="store_true", help="show every list version and whether it is in use")

    def handle(self, *args, version=None, valid_from=None, operator="", list=False, **options):
        if list or not version:
            for row in services.reason_list_versions():
                state = "confirmed" if row["confirmed"] else "unconfirmed"
                until = f" to {row['valid_to']}" if row["valid_to"] else ""
                line = f"{row['list_version']}: {row['codes']} codes, {state}, from {row['valid_from']}{until}"
                self.stdout.write(line)
            return
        if not valid_from:
            raise CommandError("Give --from YYYY-MM-DD: the first day the list is offered.")
        try:
            day = datetime.date.fromisoformat(valid_from)
        except ValueError as error:
            raise CommandError(f"--from must be a date as YYYY-MM-DD, not {valid_from!r}.") from error
        try:
            ended = services.confirm_reason_list(version, day, operator=operator)
        except PastoralError as error:
            raise CommandError(str(error)) from error
        ended_text = f"; ended {', '.join(ended)} on {day - datetime.timedelta(days=1)}" if ended else ""
        self.stdout.write(f"{version} is offered from {day}{ended_text}.")
