"""The incident list's and the bullying register's filters, shared by each page and its CSV export."""

import django_filters

from pastoral.accounts import access
from pastoral.lists import FlagFilter

from . import selectors


class IncidentFilterSet(django_filters.FilterSet):
    overdue = FlagFilter(field_name="overdue_actions", lookup_expr="gt", on_value=0)


def incident_filter(user, school, data):
    """The incident list's filters over what the user may see (the page and its CSV export)."""
    include_voided = access.has_school_perm(user, school, "behaviour.void_event")
    return IncidentFilterSet(data or None, selectors.incident_list_rows(user, school, include_voided=include_voided))


class BullyingFilterSet(django_filters.FilterSet):
    """No filters yet: it carries the records the user may see to the register and its CSV export."""


def bullying_filter(user, school, data):
    include_voided = access.has_school_perm(user, school, "behaviour.void_event")
    return BullyingFilterSet(data or None, selectors.bullying_list_rows(user, school, include_voided=include_voided))
