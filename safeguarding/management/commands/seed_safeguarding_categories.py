"""Give every school that has no safeguarding categories yet the KCSIE list (schools created since are seeded on
creation). Safe to run again: a school that has categories is left alone."""

from django.core.management.base import BaseCommand

from pastoral.models import School
from safeguarding.models import ConcernCategory
from safeguarding.services import categories_ensure


class Command(BaseCommand):
    help = "Seed the KCSIE safeguarding concern categories for schools that have none."

    def handle(self, *args, **options):
        seeded = 0
        for school in School.objects.exclude(pk__in=ConcernCategory.objects.values("school")):
            categories_ensure(school)
            seeded += 1
        self.stdout.write(f"Seeded safeguarding categories for {seeded} school(s).")
