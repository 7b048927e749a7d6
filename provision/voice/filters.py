"""The pupil voice list's filters, shared by the page and its CSV export."""

import django_filters

from pastoral.lists import DateFilter, StyledFilterForm

from .models import PupilVoice
from .selectors import voices_visible_to

FOR_CHOICES = [
    ("ehcp", "EHCP annual review"),
    ("plan", "Support-plan review"),
    ("placement", "Placement review"),
]


class VoiceFilterSet(django_filters.FilterSet):
    tagged = django_filters.ChoiceFilter(
        label="For", choices=FOR_CHOICES, empty_label="Any review", method="filter_for"
    )
    how = django_filters.ChoiceFilter(label="How", choices=PupilVoice.How.choices, empty_label="Any way")
    gathered_from = DateFilter(label="From", field_name="gathered_on", lookup_expr="gte")
    gathered_to = DateFilter(label="To", field_name="gathered_on", lookup_expr="lte")

    class Meta:
        model = PupilVoice
        fields = ["how"]
        form = StyledFilterForm

    def filter_for(self, rows, name, value):
        field = {"ehcp": "for_ehcp_review", "plan": "for_plan_review", "placement": "for_placement_review"}[value]
        return rows.filter(**{field: True})


def voice_filter(user, school, data, pupil=None):
    rows = voices_visible_to(user).filter(school=school).select_related("pupil", "recorded_by")
    if pupil is not None:
        rows = rows.filter(pupil=pupil)
    return VoiceFilterSet(data or None, rows.order_by("-gathered_on", "-pk"))
