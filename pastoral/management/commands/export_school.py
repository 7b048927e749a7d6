"""manage.py export_school --school CODE_OR_ID --out FILE: one school's records and files in one archive
(pastoral/transfer/, format in docs/school-export-format.md)."""

from django.core.management.base import BaseCommand, CommandError

from pastoral.models import School
from pastoral.transfer.archive import TransferError, by_id_or_code
from pastoral.transfer.exporter import export_school


def find_school(value):
    school = by_id_or_code(School.objects.select_related("trust"), value)
    if school is None:
        raise CommandError(f"No school with id or code {value!r}")
    return school


class Command(BaseCommand):
    help = "Export one school (all its records, their files and its staff accounts) to an archive for import elsewhere."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="the school's code (UUID) or id")
        parser.add_argument("--out", required=True, help="the archive to write (a .zip); it holds personal data")

    def handle(self, *args, school, out, **options):
        found = find_school(school)
        try:
            manifest = export_school(found, out)
        except TransferError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        files = sum(1 for member in manifest["members"] if member["member"].startswith("files/"))
        self.stdout.write(
            f"Exported {found.name} ({found.code}): {rows} rows of {len(manifest['counts'])} models and {files} files "
            f"to {out}"
        )
        for missing in manifest["missing_files"]:
            self.stdout.write(f"  not in the file store, left out: {missing['name']} ({missing['model']})")
        self.stdout.write(
            "The archive holds the school's records unencrypted: keep it as you would the records themselves, move it "
            "only over an encrypted channel and delete it once imported."
        )
