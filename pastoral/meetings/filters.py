"""A pupil's meetings list: filter by kind."""

import django_filters

from ..filters import ChoiceFilter
from ..lists import StyledFilterForm
from .models import MeetingKind
from .selectors import meetings_visible_to


class MeetingFilterSet(django_filters.FilterSet):
    kind = ChoiceFilter(field_name="kind", label="Type", choices=[("", "Any"), *MeetingKind.choices])

    class Meta:
        form = StyledFilterForm


def meeting_filter(user, pupil, data):
    return MeetingFilterSet(data or None, meetings_visible_to(user).filter(pupil=pupil))
