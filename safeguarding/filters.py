"""The safeguarding lists' filters, shared by each page and its CSV export."""

import django_filters

from pastoral.lists import KnownValueFilter

from . import selectors
from .models import Concern


class ConcernFilterSet(django_filters.FilterSet):
    status = KnownValueFilter(field_name="status", values=Concern.Status.values)


def concern_filter(user, school, data):
    """The concern list's status filter over the school's concerns the user may see (page and CSV export)."""
    return ConcernFilterSet(data or None, selectors.concerns_visible_to(user).filter(school=school))


class ReferralFilterSet(django_filters.FilterSet):
    """No filters yet: it carries the referrals the user may see to the page and its CSV export."""


def referral_filter(user, school, data):
    referrals = (
        selectors.referrals_visible_to(user)
        .filter(school=school)
        .select_related("pupil", "concern")
        .order_by("follow_up_due", "-referred_on")
    )
    return ReferralFilterSet(data or None, referrals)
