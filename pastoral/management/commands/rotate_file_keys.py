"""manage.py rotate_file_keys [--dry-run]: re-encrypt every stored file with the newest key of PASTORAL_FILE_KEYS.

Put the new key first in PASTORAL_FILE_KEYS on every web server and worker (keeping the old ones after it), restart
them, then run this. Files written before encryption was switched on are encrypted too. It can be stopped and run
again: files already under the newest key are left alone.
"""

from django.core.management.base import BaseCommand, CommandError

from pastoral.files.rotation import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every uploaded and generated file with the newest key in PASTORAL_FILE_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count what would change, change nothing")

    def handle(self, *args, dry_run=False, **options):
        results = rotate_all(dry_run=dry_run)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        failed = []
        for folder, result in results.items():
            self.stdout.write(
                f"{folder}: {result.current} already under the newest key; {verb} {result.reencrypted} written with "
                f"an older key and {result.plaintext} not yet encrypted"
            )
            failed += [f"{folder}/{name}: {error}" for name, error in result.failed]
        if failed:
            raise CommandError("Some files could not be read, and were left as they are:\n" + "\n".join(failed))
