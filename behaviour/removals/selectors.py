"""Reads for removals from class."""

import datetime

from django.utils import timezone

from pastoral.accounts import access

from .models import Removal


def removals_visible_to(user):
    return Removal.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_removal_for_user(user, code):
    """The removal, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    removals = Removal.objects.select_related(
        "pupil", "school", "event__category", "recorded_by", "parents_told_by", "supervised_by", "voided_by"
    )
    return access.get_or_refuse(removals, user, code, "behaviour.view_event", "removal")


def untold_today(removals, school, today=None):
    """Of `removals` (a visible-to selector's rows), the school's live ones of the local day `today` whose parents
    are not recorded as told."""
    today = today or timezone.localdate()

    def midnight(day):
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    return removals.filter(
        school=school,
        voided_at__isnull=True,
        parents_told=False,
        removed_at__gte=midnight(today),
        removed_at__lt=midnight(today + datetime.timedelta(days=1)),
    )
