import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pastoral import demo


class Command(BaseCommand):
    help = (
        f"Create the demo trust ({demo.DEMO_TRUST_NAME}): two schools, about 600 pupils and a sign-in for "
        "every staff role. Does nothing if it already exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default %(default)s)")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo trust first. Only possible before anyone has used the demo, "
            "because the audit log cannot be deleted; otherwise recreate the database (make reset-db).",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off, e.g. on a throwaway public demo server.",
        )

    def handle(self, *args, seed, reset, allow_without_debug, **options):
        # Every demo account has a published password and TOTP secret.
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "seed_demo creates accounts with a published password and known two-factor secrets, so it only "
                "runs with DEBUG on. On a throwaway demo server, pass --allow-without-debug."
            )
        if reset:
            try:
                if demo.reset_demo():
                    self.stdout.write(f"Deleted the existing {demo.DEMO_TRUST_NAME} demo data.")
            except demo.DemoResetBlocked as exc:
                raise CommandError(
                    "The demo data cannot be deleted: the audit log, which is append-only, or other records refer "
                    "to its staff or pupils. Drop and recreate the database instead (make reset-db), then run "
                    f"seed_demo again.\nDetail: {exc}"
                ) from exc

        started = time.monotonic()
        result = demo.seed_demo(seed=seed)
        elapsed = time.monotonic() - started
        if not result.created:
            self.stdout.write(
                self.style.WARNING(
                    f"The demo trust “{demo.DEMO_TRUST_NAME}” already exists; nothing was changed. "
                    "Use --reset to rebuild it (or make reset-db once the demo has been used)."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Created {demo.DEMO_TRUST_NAME} (seed {seed}) in {elapsed:.1f} s."))
        for school in result.schools:
            self.stdout.write(f"  {school.name}: {school.pupils.count()} pupils")
        self.stdout.write("")
        self.print_accounts(result.accounts)

    def print_accounts(self, accounts):
        headers = ("Username", "Role", "School", "Password", "TOTP secret (base32)")
        rows = []
        for account in accounts:
            secret = account.totp_secret or "none – sets up an authenticator at first sign-in"
            for i, (role, school) in enumerate(account.roles):
                first = i == 0
                rows.append(
                    (
                        account.username if first else "",
                        role,
                        school,
                        account.password if first else "",
                        secret if first else "",
                    )
                )
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

        def line(cells):
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

        self.stdout.write(line(headers))
        self.stdout.write(line(["-" * w for w in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(f"Every account's password is {demo.DEMO_PASSWORD}. Two-factor codes:")
        self.stdout.write("  python manage.py totp_code <username>   (prints the current 6-digit code; DEBUG only)")
        self.stdout.write("  or add the TOTP secret above to an authenticator app.")
