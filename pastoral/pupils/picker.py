"""A single-pupil type-ahead picker: a form field that posts a pupil code, or (without JavaScript) a name or UPN.

The field is a ModelChoiceField, so views keep setting ``form.fields[name].queryset`` to rows
from ``pupils_visible_to(user)``; whatever is posted is only ever looked up inside that queryset.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from ..selectors import pupil_search

TOO_MANY = 5
HINT = "Type part of a name or the UPN, then choose from the matches (down arrow, Enter)"


def _pupil_label(pupil):
    return f"{pupil.display_name} ({pupil.get_year_group_display()})"


class PupilPickerWidget(forms.Widget):
    """A search box (named ``<name>_text``) plus a hidden input (``<name>``) holding the chosen pupil's code."""

    template_name = "_pupil_picker_single.html"

    def __init__(self, search_url_name, search_query="", attrs=None):
        super().__init__(attrs)
        self.search_url_name = search_url_name
        self.search_query = search_query
        self.queryset = None

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
                return self.queryset.get(pk=code)
            return self.queryset.get(code=code)
        except (ValidationError, ValueError, self.queryset.model.DoesNotExist):
            return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code, text = (value.get("code"), value.get("text")) if isinstance(value, dict) else (value, "")
        chosen = self._chosen(code)
        url = reverse(self.search_url_name)
        context["widget"].update(
            {
                "chosen": chosen,
                "code": chosen.code if chosen else "",
                "text": _pupil_label(chosen) if chosen else text,
                "search_url": f"{url}?{self.search_query}" if self.search_query else url,
                "attrs_html": flatatt(context["widget"]["attrs"]),
            }
        )
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (not the form renderer), so the include lives with the other templates.
        return mark_safe(render_to_string(template_name, context))


class PupilPickerField(forms.ModelChoiceField):
    """One pupil, chosen by code from the type-ahead, or typed as a name or UPN and resolved here."""

    default_error_messages = {
        "invalid_choice": "Choose a pupil from this school.",
        "no_match": "No pupil matches “%(text)s”. Check the spelling, or type the UPN.",
        "several": "%(count)s pupils match “%(text)s”. Type more of the name, or the UPN.",
    }

    def __init__(self, *, search_url_name, search_query="", **kwargs):
        kwargs.setdefault("queryset", None)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("help_text", HINT)
        kwargs.setdefault("widget", PupilPickerWidget(search_url_name, search_query))
        super().__init__(**kwargs)

    def _set_queryset(self, queryset):
        super()._set_queryset(queryset)
        self.widget.queryset = self._queryset

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.queryset = result._queryset
        return result

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
        exact = list(self.queryset.filter(upn__iexact=text)[:2])
        if len(exact) == 1:
            return exact[0]
        matches = list(pupil_search(self.queryset, text)[: TOO_MANY + 1])
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise ValidationError(self.error_messages["no_match"], code="no_match", params={"text": text})
        count = f"More than {TOO_MANY}" if len(matches) > TOO_MANY else str(len(matches))
        raise ValidationError(self.error_messages["several"], code="several", params={"count": count, "text": text})

    def has_changed(self, initial, data):
        return str(self.prepare_value(initial) or "") != str((data or {}).get("code") or "")
