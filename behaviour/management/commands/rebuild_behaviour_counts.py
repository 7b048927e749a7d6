from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connection, transaction

from behaviour.analytics import day_counts
from pastoral.database import as_owner


class Command(BaseCommand):
    help = (
        "Recompute the daily behaviour counts behind the analytics page from the events themselves. The database "
        "keeps them up to date on every write; run this after restoring a partial backup, and with "
        "--reinstall-triggers after changing TIME_ZONE (that needs DATABASE_OWNER_URL, like migrate)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reinstall-triggers", action="store_true", help="recreate the triggers with the current TIME_ZONE"
        )

    def handle(self, *args, reinstall_triggers=False, **options):
        if reinstall_triggers:
            with as_owner(DEFAULT_DB_ALIAS), transaction.atomic(), connection.cursor() as cursor:
                for statement in day_counts.install_sql() + day_counts.rebuild_sql():
                    cursor.execute(statement)
            self.stdout.write(f"Reinstalled the triggers for {settings.TIME_ZONE}.")
        rows = day_counts.rebuild()
        self.stdout.write(f"Rebuilt the daily behaviour counts: {rows} rows.")
