"""One picker for every form that chooses pupils, staff or behaviour incidents.

A picker is a form field whose widget is a type-ahead (an ARIA combobox over a listbox of matches, fetched
from a search endpoint) and, without JavaScript, a plain text box: names or UPNs for pupils, names or email
addresses for staff, a pupil's name and a date for incidents. The single field posts one code; the multiple
field posts the chosen codes as repeated inputs, shown as removable chips.

Whatever is posted is looked up only inside the field's queryset, which the view or form sets from the
per-model "visible to this user" selector (other-school rows are simply not found). Typed text that matches
nothing, or more than one row, is a field error, and the form keeps what was typed.

The search endpoints call `search_response()` with the rows the user may choose from; each kind renders the
same listbox (`_picker_results.html`) in a fixed number of queries. Pupils and staff are kinds of the core;
a duty app adds its own (behaviour's incidents, in behaviour/pickers.py) with the same methods.
"""

import datetime
import re
import unicodedata
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from .accounts.roles import Role
from .models import Membership
from .selectors import pupil_search

TOO_MANY = 5
RESULTS = 10
MIN_CHARS = 2
MAX_QUERY = 100
# One entry per line, or several on a line separated by commas or semicolons.
SEPARATORS = re.compile(r"[\n\r,;]+")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y")


def initials(*names):
    return "".join(name[:1].upper() for name in names if name)[:2]


class PupilKind:
    noun, plural = "pupil", "pupils"
    search_url_name = "pastoral:pupil_picker"
    placeholder = "Type a name or UPN, then choose"
    hint = "Type part of a name or the UPN, then choose from the matches (down arrow, Enter)"
    fallback_hint = "Or type names or UPNs, one a line"
    refine = "Type more of the name, or the UPN"
    unknown = "Check the spelling, or type the UPN"

    def label(self, pupil):
        return f"{pupil.display_name} ({pupil.get_year_group_display()})"

    def full_names(self, pupil):
        return {
            pupil.display_name,
            f"{pupil.legal_first_name} {pupil.legal_last_name}",
            pupil.legal_name,
            self.label(pupil),
        }

    def prepare(self, queryset):
        return queryset

    def order(self, queryset):
        return queryset.order_by("legal_last_name", "legal_first_name", "pk")

    def search(self, queryset, text):
        return self.order(pupil_search(queryset, text))

    def matches(self, queryset, text):
        exact = list(queryset.filter(upn__iexact=text)[:2])
        if len(exact) == 1:
            return exact
        return list(self.search(queryset, text)[: TOO_MANY + 1])

    def options(self, pupils, school):
        return [
            {
                "code": pupil.code,
                "label": self.label(pupil),
                "name": pupil.display_name,
                "detail": " · ".join(
                    part for part in (pupil.get_year_group_display(), pupil.form, f"UPN {pupil.upn}") if part
                ),
                "photo": reverse("pastoral:pupil_photo", args=[pupil.code]) if pupil.photo else "",
                "initials": initials(pupil.first_name, pupil.last_name),
                "alert": pupil.medical_alert,
            }
            for pupil in pupils
        ]


class StaffKind:
    noun, plural = "member of staff", "staff"
    search_url_name = "pastoral:staff_picker"
    placeholder = "Type a name or email address, then choose"
    hint = "Type part of a name or email address, then choose from the matches (down arrow, Enter)"
    fallback_hint = "Or type names or email addresses, one a line"
    refine = "Type more of the name, or the email address"
    unknown = "Check the spelling, or type the email address"

    def label(self, user):
        return user.get_full_name() or user.get_username()

    def full_names(self, user):
        return {self.label(user), user.email}

    def prepare(self, queryset):
        return queryset

    def order(self, queryset):
        return queryset.order_by("last_name", "first_name", "pk")

    def search(self, queryset, text):
        words = text.split()[:4]
        if not words:
            return queryset.none()
        found = Q()
        for word in words:
            found &= Q(first_name__unaccent__icontains=word) | Q(last_name__unaccent__icontains=word)
        return self.order(queryset.filter(found | Q(email__istartswith=text)))

    def matches(self, queryset, text):
        exact = list(queryset.filter(email__iexact=text)[:2])
        if len(exact) == 1:
            return exact
        return list(self.search(queryset, text)[: TOO_MANY + 1])

    def options(self, users, school):
        """Each colleague with their roles in `school`: one query for all of them."""
        today = timezone.localdate()
        roles = {}
        current = (
            Membership.objects.filter(school=school, user__in=[user.pk for user in users], approved_at__isnull=False)
            .filter(starts_on__lte=today)
            .exclude(ends_on__lt=today)
            .order_by("role")
        )
        for user_id, role in current.values_list("user_id", "role"):
            roles.setdefault(user_id, []).append(Role(role).label)
        return [
            {
                "code": user.code,
                "label": self.label(user),
                "name": self.label(user),
                "detail": " · ".join([*roles.get(user.pk, []), *([user.job_title] if user.job_title else [])]),
                "photo": "",
                "initials": initials(user.first_name, user.last_name) or initials(user.get_username()),
                "alert": "",
            }
            for user in users
        ]


def parse_date(word):
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(word, fmt).date()
        except ValueError:
            continue
    return None


PUPILS, STAFF = PupilKind(), StaffKind()


def search_response(request, kind, queryset, school, *, on_results=None):
    """The listbox of up to ten matches for `?q=` among `queryset` (rows the user may choose from)."""
    text = request.GET.get("q", "").strip()[:MAX_QUERY]
    results = []
    if len(text) >= MIN_CHARS:
        results = list(kind.search(queryset, text)[:RESULTS])
        if on_results is not None:
            on_results(text, results)
    context = {"options": kind.options(results, school), "q": text, "kind": kind, "min_chars": MIN_CHARS}
    return render(request, "_picker_results.html", context)


def _key(value):
    """A row's primary key (an int) or code (a UUID) from an initial or posted value; None if it is neither."""
    if hasattr(value, "_meta"):
        return value.pk
    if isinstance(value, int):
        return value
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


class _PickerWidgetMixin:
    def __init__(self, kind, search_url_name=None, search_query="", attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.search_url_name = search_url_name or kind.search_url_name
        self.search_query = search_query
        self.queryset = None

    def use_required_attribute(self, initial):
        # The chosen codes travel in other inputs: an empty search box is not a missing answer.
        return False

    def _search_url(self):
        url = reverse(self.search_url_name)
        return f"{url}?{self.search_query}" if self.search_query else url

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (not the form renderer), so the include lives with the other templates.
        return mark_safe(render_to_string(template_name, context))

    def _base_context(self, context):
        widget = context["widget"]
        widget.update(
            {
                "kind": self.kind,
                "search_url": self._search_url(),
                "attrs_html": flatatt(widget["attrs"]),
                "invalid": "is-invalid" in widget["attrs"].get("class", ""),
            }
        )
        return widget


class PickerWidget(_PickerWidgetMixin, forms.Widget):
    """One choice: a search box (``<name>_text``) and a hidden input (``<name>``) holding the chosen code."""

    template_name = "_picker_single.html"

    def value_from_datadict(self, data, files, name):
        return {"code": (data.get(name) or "").strip(), "text": (data.get(f"{name}_text") or "").strip()}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def _chosen(self, code):
        if not code or self.queryset is None:
            return None
        if hasattr(code, "_meta"):
            return code
        try:
            if isinstance(code, int):  # a model form's initial value is the primary key
                return self.kind.prepare(self.queryset).get(pk=code)
            return self.kind.prepare(self.queryset).get(code=code)
        except (ValidationError, ValueError, self.queryset.model.DoesNotExist):
            return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code, text = (value.get("code"), value.get("text")) if isinstance(value, dict) else (value, "")
        chosen = self._chosen(code)
        widget = self._base_context(context)
        widget.update(
            {
                "chosen": chosen,
                "option": self.kind.options([chosen], None)[0] if chosen and self.kind is not STAFF else None,
                "code": chosen.code if chosen else "",
                "text": self.kind.label(chosen) if chosen else text,
            }
        )
        return context


class MultiplePickerWidget(_PickerWidgetMixin, forms.Widget):
    """Several choices: chips (each posting its code as ``<name>``), a type-ahead to add more and, without
    JavaScript, a text box (``<name>_text``) of names one a line.

    With `roles` (choices), each chip has a compact select of the row's role, posted as ``<name>_role_<code>``;
    a typed entry may end with a role after a colon ("Zoe Ainsworth: target")."""

    template_name = "_picker_multiple.html"

    def __init__(self, kind, search_url_name=None, search_query="", attrs=None, roles=None, role_default=""):
        super().__init__(kind, search_url_name, search_query, attrs)
        self.roles = list(roles or [])
        self.role_default = role_default

    def value_from_datadict(self, data, files, name):
        codes = data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])
        codes = [str(code).strip() for code in codes if str(code).strip()]
        value = {"codes": codes, "text": data.get(f"{name}_text")}
        if self.roles:
            value["roles"] = {code: data.get(f"{name}_role_{code}") or "" for code in codes}
        return value

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def _chosen(self, values):
        """The chosen rows, in the order given, from codes (posted), primary keys or rows (initial values)."""
        if not values or self.queryset is None:
            return []
        keys = [_key(value) for value in values]
        pks = [key for key in keys if isinstance(key, int)]
        codes = [key for key in keys if isinstance(key, uuid.UUID)]
        if not pks and not codes:
            return []
        found = self.kind.prepare(self.queryset).filter(Q(pk__in=pks) | Q(code__in=codes))
        by_key = {}
        for row in found:
            by_key[row.pk] = by_key[row.code] = row
        ordered = []
        for key in keys:
            row = by_key.get(key)
            if row is not None and row not in ordered:
                ordered.append(row)
        return ordered

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        roles = {}
        if isinstance(value, dict):
            values, text = value.get("codes") or [], value.get("text") or ""
            roles = {str(key): role for key, role in (value.get("roles") or {}).items()}
        else:
            values, text = (list(value) if value else []), ""
        chosen = self._chosen(values)
        widget = self._base_context(context)
        widget.update(
            {
                "chosen": [
                    (obj.code, self.kind.label(obj), roles.get(str(obj.code)) or self.role_default) for obj in chosen
                ],
                "text": text,
                "roles": self.roles,
                "role_default": self.role_default,
            }
        )
        return context


class _QuerysetOnWidget:
    """Keeps the widget's queryset in step with the field's, so the chosen rows can be shown by name."""

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.queryset = result._queryset
        return result


def _no_match(kind, text):
    return ValidationError(
        "No %(noun)s matches “%(text)s”. %(refine)s.",
        code="no_match",
        params={"noun": kind.noun, "text": text, "refine": kind.unknown},
    )


def _several(kind, text, matches):
    count = f"More than {TOO_MANY}" if len(matches) > TOO_MANY else str(len(matches))
    return ValidationError(
        "%(count)s %(plural)s match “%(text)s”. %(refine)s.",
        code="several",
        params={"count": count, "plural": kind.plural, "text": text, "refine": kind.refine},
    )


def _plain(text):
    """Lower case, without accents or extra spaces: how typed names are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def resolve_text(kind, queryset, text):
    """The one row among `queryset` that `text` names, or a ValidationError saying why not. A name typed in
    full picks its owner even when it is part of another's ("Amir Khan", not "Amira Khan")."""
    matches = kind.matches(queryset, text)
    if len(matches) > 1:
        exact = [row for row in matches if _plain(text) in {_plain(name) for name in kind.full_names(row)}]
        matches = exact if len(exact) == 1 else matches
    if len(matches) == 1:
        return matches[0]
    raise _no_match(kind, text) if not matches else _several(kind, text, matches)


class PickerField(_QuerysetOnWidget, forms.ModelChoiceField):
    """One row, chosen by code from the type-ahead, or typed (name, UPN or email) and resolved here."""

    def __init__(self, kind, *, search_url_name=None, search_query="", **kwargs):
        self.kind = kind
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("help_text", kind.hint)
        kwargs.setdefault("widget", PickerWidget(kind, search_url_name, search_query))
        error_messages = {"invalid_choice": f"Choose a {kind.noun} from this school."}
        error_messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(error_messages=error_messages, **kwargs)

    queryset = property(forms.ModelChoiceField._get_queryset, _QuerysetOnWidget._set_queryset)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return value
        return super().prepare_value(value)

    def to_python(self, value):
        code, text = (value.get("code"), value.get("text")) if isinstance(value, dict) else (value, "")
        if code:
            return super().to_python(code)
        if not text:
            return None
        return resolve_text(self.kind, self.queryset, text)

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str((data or {}).get("code") or "")


class WithRoles(list):
    """The rows a role picker chose, in order, with `roles`: {row's pk: role}."""

    def __init__(self, rows, roles):
        super().__init__(rows)
        self.roles = roles


class MultiplePickerField(_QuerysetOnWidget, forms.ModelMultipleChoiceField):
    """Several rows: the chosen codes, plus any typed entries (one a line, or separated by commas), each
    resolved inside the queryset. Cleans to a queryset of the chosen rows, like ModelMultipleChoiceField.

    With `roles` (choices) and `role_default`, each chosen row also has a role, and the field cleans to a
    `WithRoles` list instead. An initial value may then be {"codes": rows, "roles": {code: role}}."""

    def __init__(self, kind, *, search_url_name=None, search_query="", roles=None, role_default="", **kwargs):
        self.kind = kind
        self.roles = list(roles or [])
        self.role_default = role_default
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("help_text", kind.hint)
        kwargs.setdefault(
            "widget", MultiplePickerWidget(kind, search_url_name, search_query, roles=roles, role_default=role_default)
        )
        invalid = f"Choose {kind.plural} from this school."
        error_messages = {"invalid_choice": invalid, "invalid_pk_value": invalid}
        error_messages.update(kwargs.pop("error_messages", None) or {})
        super().__init__(error_messages=error_messages, **kwargs)

    queryset = property(forms.ModelMultipleChoiceField._get_queryset, _QuerysetOnWidget._set_queryset)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return value
        return super().prepare_value(value)

    def _role_of(self, text):
        """A role's value from its value or label, typed in any case; None when it names no role."""
        wanted = _plain(text)
        for value, label in self.roles:
            if wanted in (_plain(str(value)), _plain(str(label))):
                return value
        return None

    def _split_role(self, entry):
        """(entry without its role, role) for a typed "name: role"; the role is None when none is given."""
        if self.roles and ":" in entry:
            name, _colon, tail = entry.rpartition(":")
            role = self._role_of(tail)
            if role is not None and name.strip():
                return name.strip(), role
        return entry, None

    def clean(self, value):
        if isinstance(value, dict):
            codes, text = value.get("codes") or [], (value.get("text") or "").strip()
            posted_roles = value.get("roles") or {}
        else:
            codes, text, posted_roles = [str(v) for v in (value or [])], "", {}
        if not codes and not text:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return WithRoles([], {}) if self.roles else self.queryset.none()
        chosen, roles = [], {}
        if codes:
            if any(not isinstance(_key(code), uuid.UUID) for code in codes):
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            chosen = list(self._check_values(codes))
            for row in chosen:
                posted = posted_roles.get(str(row.code)) or ""
                if posted and self._role_of(posted) is None:
                    raise ValidationError("Choose a role from the list.", code="invalid_role")
                roles[row.pk] = self._role_of(posted) if posted else self.role_default
        errors = []
        for entry in (part.strip() for part in SEPARATORS.split(text)):
            if not entry:
                continue
            entry, role = self._split_role(entry)
            try:
                row = resolve_text(self.kind, self.queryset, entry)
            except ValidationError as error:
                errors.append(error)
                continue
            chosen.append(row)
            if role is not None or row.pk not in roles:
                roles[row.pk] = role or self.role_default
        if errors:
            raise ValidationError(errors)
        result = self.queryset.filter(pk__in=[row.pk for row in chosen])
        self.run_validators(result)
        if self.roles:
            rows = list(self.kind.order(result))
            return WithRoles(rows, {row.pk: roles[row.pk] for row in rows})
        return result

    def has_changed(self, initial, data):
        if isinstance(initial, dict):
            initial = initial.get("codes")
        if isinstance(data, dict):
            if (data.get("text") or "").strip():
                return True
            data = data.get("codes") or []
        initial_codes = {str(value) for value in self.prepare_value(initial or [])}
        return initial_codes != {str(value) for value in data}


def pupils_field(**kwargs):
    return MultiplePickerField(PUPILS, **kwargs)


def staff_field(**kwargs):
    return MultiplePickerField(STAFF, **kwargs)
