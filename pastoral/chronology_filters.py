"""The pupil profile's chronology filters: area tabs, a date range and free text, paged by keyset.

The form only reads the GET parameters; the filters themselves go into each provider's query through a
`chronology.Window`, so a filtered page and page 10 cost what the first page costs.
"""

from dataclasses import dataclass, replace

from django import forms
from django.http import QueryDict

from . import chronology
from .accounts import access
from .lists import StyledFilterForm
from .widgets import DateInput

OLDER, NEWER = "older", "newer"
FILTER_FIELDS = ("area", "from", "to", "q")


class ChronologyFilterForm(StyledFilterForm):
    area = forms.ChoiceField(label="Area", required=False)
    # "from" is a Python keyword, so the field is added under that GET name below.
    to = forms.DateField(label="To", required=False, widget=DateInput)
    q = forms.CharField(label="Text", required=False, max_length=100, strip=True)

    def __init__(self, data, *, areas):
        super().__init__(data)
        self.fields["area"].choices = [("", "All areas"), *areas]
        date_from = forms.DateField(label="From", required=False, widget=DateInput)
        self.fields = {"area": self.fields["area"], "from": date_from, "to": self.fields["to"], "q": self.fields["q"]}
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            self.add_error("to", "The end of the range must be on or after its start.")
        return cleaned


@dataclass
class Tab:
    area: str
    label: str
    query: str
    current: bool


def chronology_context(request, pupil, *, per_page=chronology.PROFILE_ITEMS):
    """The chronology's filter form, area tabs and one page, for the pupil profile."""
    user = request.user
    areas = chronology.visible_areas(user, pupil, access.perms_in_school(user, pupil.school_id))
    form = ChronologyFilterForm(request.GET, areas=areas)
    cleaned = form.cleaned_data if form.is_valid() else {}
    area = cleaned.get("area") or ""
    window = chronology.Window(
        limit=per_page,
        date_from=cleaned.get("from"),
        date_to=cleaned.get("to"),
        text=cleaned.get("q") or "",
        older_than=chronology.Cursor.parse(request.GET.get(OLDER)),
    )
    if window.older_than is None:
        window = replace(window, newer_than=chronology.Cursor.parse(request.GET.get(NEWER)))
    page = chronology.chronology_page(user, pupil, window, areas=[area] if area else None)
    filters = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        if request.GET.get(name):
            filters[name] = request.GET[name]
    return {
        "chronology": page.items,
        "chronology_page": page,
        "chronology_form": form,
        "chronology_area": area,
        "chronology_tabs": _tabs(areas, filters, area),
        "chronology_newer_query": _with(filters, NEWER, page.newer_cursor) if page.has_newer else "",
        "chronology_older_query": _with(filters, OLDER, page.older_cursor) if page.has_older else "",
        "chronology_filtered": any(cleaned.get(name) for name in FILTER_FIELDS),
    }


def _with(filters, key, value):
    query = filters.copy()
    query[key] = value
    return query.urlencode()


def _tabs(areas, filters, current):
    tabs = []
    for area, label in [("", "All"), *areas]:
        query = filters.copy()
        query.pop("area", None)
        if area:
            query["area"] = area
        tabs.append(Tab(area, label, query.urlencode(), area == current))
    return tabs
