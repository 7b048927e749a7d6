"""One pattern for list pages: a FilterSet over what the user may see, a page of it, and the CSV export offer.

The same FilterSet class is used by the page and by its CSV export kind, so the export always re-applies the
filters exactly as the page did. Filters declare the plain Django form field they stand for, so the page's
form keeps its labels, widgets, GET parameter names and the messages shown beside a bad value.
"""

import uuid
from dataclasses import dataclass

import django_filters
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import QueryDict

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
    for key in ("page", "after", "before"):
        query.pop(key, None)
    return query.urlencode()


@dataclass(frozen=True)
class ListPage:
    filterset: django_filters.FilterSet
    rows: QuerySet
    page: "Page | KeysetPage | None"
    query: str

    @property
    def form(self):
        return self.filterset.form

    def context(self, **extra):
        return {"page": self.page, "form": self.form, "query": self.query, **extra}


def list_page(request, filterset, *, per_page=PAGE_SIZE, then=None, keyset=True):
    """Filter, paginate (unless `per_page` is None) and carry the filters for the CSV export button.

    `then` finishes the filtered rows (annotations that must follow the filters) before the page is cut. Lists
    page by keyset in their own ordering; `keyset=False` keeps numbered pages for a list that is small by nature
    (one school's pupils) and ordered by something a cursor cannot hold.
    """
    rows = filtered(filterset)
    if then is not None:
        rows = then(rows)
    if not per_page:
        page = None
    elif keyset:
        page = keyset_page(request, rows, per_page=per_page)
    else:
        page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return ListPage(filterset=filterset, rows=rows, page=page, query=page_query(request))


# --- keyset pagination ------------------------------------------------------------------------------------------
# A list of millions of rows pages by position in its ordering, never by OFFSET: "older" asks for the rows
# after the last one shown, so page 2,000 costs what page 1 costs when an index matches the ordering. The
# cursor is the record's public code (already in its URL); its position is read back from the rows the viewer
# may see, so a tampered or stale cursor, or one for a record out of sight, starts the list again.

AFTER, BEFORE = "after", "before"


def _ordering(rows):
    order = list(rows.query.order_by) or list(rows.model._meta.ordering)
    if not order:
        raise ValueError(f"{rows.model.__name__} rows need an ordering to page by keyset")
    names = [str(o) for o in order]
    if len({n.startswith("-") for n in names}) != 1:
        raise ValueError("keyset pages need every ordering field in the same direction")
    if names[-1].lstrip("-") not in ("id", "pk"):
        # A unique last field makes the position of every row exact, so no row is skipped or repeated.
        names.append("-id" if names[0].startswith("-") else "id")
    return names


def _has_code(model):
    return any(f.name == "code" for f in model._meta.concrete_fields)


def _position(rows, fields, token):
    if not _has_code(rows.model):
        return _signed_position(rows.model, fields, token)
    try:
        code = uuid.UUID(str(token))
    except ValueError:
        return None
    found = rows.order_by().prefetch_related(None).filter(code=code).values_list(*fields)[:1]
    return list(found[0]) if found else None


# Records without a public code (audit entries) carry their sort values in the cursor, signed so that a changed
# one is refused rather than trusted.
_CURSOR_SALT = "pastoral.lists.cursor"


def _cursor(obj, fields):
    if _has_code(type(obj)):
        return str(obj.code)
    values = [getattr(obj, f) for f in fields]
    return signing.dumps([v.isoformat() if hasattr(v, "isoformat") else v for v in values], salt=_CURSOR_SALT)


def _signed_position(model, fields, token):
    try:
        raw = signing.loads(token, salt=_CURSOR_SALT)
        if not isinstance(raw, list) or len(raw) != len(fields):
            return None
        return [model._meta.get_field("id" if f == "pk" else f).to_python(v) for f, v in zip(fields, raw, strict=True)]
    except (signing.BadSignature, ValidationError, TypeError, ValueError):
        return None


class KeysetPage:
    """One page of rows with links to the newer and older pages (in the list's own order: "previous"/"next")."""

    keyset = True

    def __init__(self, rows, *, has_previous, has_next, previous_cursor, next_cursor, query, descending=True):
        self.object_list = rows
        # Most lists run newest first; a list in ascending order pages "earlier" / "later".
        self.previous_label, self.next_label = ("Newer", "Older") if descending else ("Earlier", "Later")
        self.has_previous = has_previous
        self.has_next = has_next
        self._previous = previous_cursor
        self._next = next_cursor
        self._query = query

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def __bool__(self):
        return bool(self.object_list)

    def has_other_pages(self):
        return self.has_previous or self.has_next

    def _link(self, key, cursor):
        query = QueryDict(self._query, mutable=True)
        query[key] = cursor
        return query.urlencode()

    @property
    def previous_query(self):
        return self._link(BEFORE, self._previous)

    @property
    def next_query(self):
        return self._link(AFTER, self._next)


def keyset_page(request, rows, *, per_page=PAGE_SIZE):
    names = _ordering(rows)
    fields = [n.lstrip("-") for n in names]
    descending = names[0].startswith("-")
    after = request.GET.get(AFTER)
    before = request.GET.get(BEFORE) if not after else None
    cursor = _position(rows, fields, after or before) if (after or before) else None
    if cursor is None:
        after = before = None
    query = page_query(request)
    if before:
        # Newer rows: walk the ordering backwards from the cursor, then show them in the list's order.
        older_first = rows.order_by(*[(f if descending else f"-{f}") for f in fields])
        lookup = TupleGreaterThan if descending else TupleLessThan
        found = list(older_first.filter(lookup(Tuple(*[F(f) for f in fields]), cursor))[: per_page + 1])
        more = len(found) > per_page
        shown = list(reversed(found[:per_page]))
        has_previous, has_next = more, True
    else:
        ordered = rows.order_by(*names)
        if after:
            lookup = TupleLessThan if descending else TupleGreaterThan
            ordered = ordered.filter(lookup(Tuple(*[F(f) for f in fields]), cursor))
        found = list(ordered[: per_page + 1])
        shown = found[:per_page]
        has_previous, has_next = bool(after), len(found) > per_page
    first = _cursor(shown[0], fields) if shown else None
    last = _cursor(shown[-1], fields) if shown else None
    return KeysetPage(
        shown,
        has_previous=has_previous and bool(shown),
        has_next=has_next and bool(shown),
        previous_cursor=first,
        next_cursor=last,
        query=query,
        descending=descending,
    )
