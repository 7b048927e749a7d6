"""manage.py backup [--output FILE]: the database and every stored file in one encrypted archive (pastoral/backups.py).

Run it with the owner role's DATABASE_OWNER_URL, PASTORAL_BACKUP_KEY and the app's own settings; `make backup` does
so for the development database.
"""

from django.core.management.base import BaseCommand, CommandError

from pastoral import backups


class Command(BaseCommand):
    help = "Write the database (pg_dump) and all stored files to one encrypted archive with a manifest."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive to write (default: BACKUP_DIR/pastoral-<UTC time>.tar.enc)")

    def handle(self, *args, output=None, **options):
        output = output or backups.default_output()
        try:
            manifest = backups.backup(output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        self.stdout.write(
            f"Backed up {len(tables)} tables ({sum(tables.values())} rows) and {len(manifest['files'])} files "
            f"to {output}"
        )
