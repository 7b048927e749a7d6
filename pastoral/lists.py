"""One pattern for list pages: a FilterSet over what the user may see, a page of it, and the CSV export offer.

The same FilterSet class is used by the page and by its CSV export kind, so the export always re-applies the
filters exactly as the page did. Filters declare the plain Django form field they stand for, so the page's
form keeps its labels, widgets, GET parameter names and the messages shown beside a bad value.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

PAGE_SIZE = 50


class DateFilter(django_filters.Filter):
    field_class = forms.DateField


class TypedChoiceFilter(django_filters.Filter):
    field_class = forms.TypedChoiceField


class ModelChoiceFilter(django_filters.Filter):
    """A plain ModelChoiceField; the FilterSet sets its queryset for the school it is built for."""

    field_class = forms.ModelChoiceField


class FlagFilter(django_filters.Filter):
    """Any non-empty value turns the filter on (`?overdue=1`, as the page's links send it) with `on_value`."""

    field_class = forms.CharField

    def __init__(self, *args, on_value=True, **kwargs):
        self.on_value = on_value
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return self.get_method(qs)(**{f"{self.field_name}__{self.lookup_expr}": self.on_value})


class KnownValueFilter(django_filters.Filter):
    """Filters only on one of `values`; anything else is ignored as if no filter was asked for."""

    field_class = forms.CharField

    def __init__(self, *args, values, **kwargs):
        self.values = values
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        return super().filter(qs, value) if value in self.values else qs


class StyledFilterForm(forms.Form):
    """Bootstrap classes on every filter field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


def filtered(filterset):
    """The filtered rows; with no filters or any bad value, the unfiltered rows (the error shows beside the field).

    A FilterSet whose rows are narrowed even when nothing is asked for (the pupil list keeps to pupils on roll)
    says so with an `unfiltered()` method.
    """
    if filterset.is_bound and filterset.is_valid():
        return filterset.qs
    unfiltered = getattr(filterset, "unfiltered", None)
    return unfiltered() if unfiltered else filterset.queryset.all()


def page_query(request):
    """The page's GET parameters without the page number: for the page links and the CSV export it offers."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@dataclass(frozen=True)
class ListPage:
    filterset: django_filters.FilterSet
    rows: QuerySet
    page: Page | None
    query: str

    @property
    def form(self):
        return self.filterset.form

    def context(self, **extra):
        return {"page": self.page, "form": self.form, "query": self.query, **extra}


def list_page(request, filterset, *, per_page=PAGE_SIZE, then=None):
    """Filter, paginate (unless `per_page` is None) and carry the filters for the CSV export button.

    `then` finishes the filtered rows (annotations that must follow the filters) before the page is cut.
    """
    rows = filtered(filterset)
    if then is not None:
        rows = then(rows)
    page = Paginator(rows, per_page).get_page(request.GET.get("page")) if per_page else None
    return ListPage(filterset=filterset, rows=rows, page=page, query=page_query(request))
