"""A new school gets the KCSIE concern categories when it is created, so no page has to write them on a GET."""

from .services import categories_ensure


def seed_categories_for_new_school(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        categories_ensure(instance)
