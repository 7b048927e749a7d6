"""Django's migrate, connected as the owner role when DATABASE_OWNER_URL is set.

The runtime role in DATABASE_URL owns no tables and cannot change the schema;
the grants it needs are made at the end (pastoral.database.grant_runtime_privileges).
"""

from django.core.management.commands.migrate import Command as MigrateCommand

from pastoral.database import as_owner


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            return super().handle(*args, **options)
