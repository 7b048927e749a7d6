"""Reads for removals from class."""

from pastoral.accounts import access

from .models import Removal


def removals_visible_to(user):
    return Removal.objects.filter(school_id__in=access.schools_with_perm(user, "behaviour.view_event"))


def get_removal_for_user(user, code):
    """The removal, or 404 to anyone outside its school and 403 to its staff whose role stops them."""
    removals = Removal.objects.select_related(
        "pupil", "school", "event__category", "recorded_by", "parents_told_by", "voided_by"
    )
    return access.get_or_refuse(removals, user, code, "behaviour.view_event", "removal")
