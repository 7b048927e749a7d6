"""manage.py import_school FILE [--trust TRUST]: a school exported by export_school, as a new school of this
deployment (pastoral/transfer/, format in docs/school-export-format.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from pastoral.transfer.archive import TransferError
from pastoral.transfer.importer import import_school


class Command(BaseCommand):
    help = "Import a school archive written by export_school into this deployment, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .zip written by manage.py export_school")
        parser.add_argument(
            "--trust",
            help="the trust here that the school joins (id, code or exact name); without it, a new trust of the "
            "exported trust's name is created",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias to import into")

    def handle(self, *args, archive, trust=None, database=DEFAULT_DB_ALIAS, **options):
        try:
            result = import_school(archive, trust=trust, using=database)
        except TransferError as error:
            raise CommandError(str(error)) from error
        out = self.stdout
        joined = "a new trust" if result.trust_created else "the trust"
        out.write(f"Imported {result.school.name} ({result.school.code}) into {joined} {result.trust.name}.")
        out.write(f"{'Model':<40} {'created':>9} {'matched':>9}")
        for name in sorted(result.created.keys() | result.matched.keys()):
            out.write(f"{name:<40} {result.created.get(name, 0):>9} {result.matched.get(name, 0):>9}")
        out.write(f"Files stored (re-encrypted with this deployment's key): {result.files}")
        for name in result.missing_files:
            out.write(f"  missing from the archive (the record keeps its name): {name}")
        for name, fields in sorted(result.unknown_fields.items()):
            out.write(f"  fields this version does not have, not imported: {name}.{', '.join(sorted(fields))}")
        out.write(
            f"Staff: {len(result.users_created)} accounts created, {len(result.users_matched)} matched by email to "
            "accounts here (they gain the school's roles)."
        )
        for wanted, given in result.renamed_users:
            out.write(f"  username {wanted!r} was taken here: the account is {given!r}")
        out.write(
            "New accounts have no password and no authenticator: each person uses 'Forgotten your password?' and "
            "enrols two-factor authentication at the first sign-in."
        )
        out.write("Every row count and file checksum matches the archive's manifest.")
