"""manage.py restore FILE [--database-url URL] [--check]: restore a backup archive into an empty database and empty
file storages, then verify it against the archive's manifest (pastoral/backups.py)."""

from django.core.management.base import BaseCommand, CommandError

from pastoral import backups


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and file storage, then compare it with its manifest."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.enc file written by manage.py backup")
        parser.add_argument(
            "--database-url",
            help="restore into this database (postgres://owner:password@host:port/name) instead of the app's own, "
            "e.g. a scratch database for a restore test",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing: decrypt the archive and compare every part with its manifest",
        )

    def handle(self, *args, archive, database_url=None, check=False, **options):
        database = backups.Database.from_url(database_url) if database_url else backups.Database.configured()
        try:
            result = backups.restore(archive, database=database, check_only=check)
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        created = result.manifest["created_at"]
        if check:
            self.stdout.write(
                f"The archive of {created} is whole: {result.tables} tables ({result.rows} rows) and {result.files} "
                "files match its manifest"
            )
            return
        if not database_url:
            backups.grant_runtime_role()
        self.stdout.write(
            f"Restored the backup of {created} into {database}: {result.tables} tables ({result.rows} rows) and "
            f"{result.files} files, all matching the manifest"
        )
