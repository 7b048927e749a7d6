import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pastoral.models import User


class Command(BaseCommand):
    help = "Print the current two-factor code for an account's authenticator (development and demos only)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        # Reading a TOTP secret defeats two-factor authentication for that account.
        if not settings.DEBUG:
            raise CommandError(
                "totp_code only runs with DEBUG on: it reads an account's two-factor secret, which must never be "
                "done on a live system."
            )
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"There is no account with the username {username!r}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(
                f"{user.username} has no confirmed authenticator; they will be asked to set one up when they sign in."
            )

        now = time.time()
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        step_index = int((now - device.t0) // device.step) + device.drift
        remaining = device.step - int((now - device.t0) % device.step)
        self.stdout.write(f"{code:0{device.digits}d}")
        # Notes go to stderr so `code=$(manage.py totp_code …)` captures only the code.
        if device.last_t >= step_index:
            self.stderr.write(f"This code has already been used; the next one arrives in {remaining} s.")
        else:
            self.stderr.write(f"Valid for about {remaining} more seconds.")
