"""Browser date and time pickers.

`<input type="date">` accepts only an ISO value (2026-04-20) and shows an empty box for anything else, such
as the 20/04/2026 that Django renders under LANGUAGE_CODE en-gb. So every picker states its wire format
here, whatever the language; the browser shows the date in the reader's own format. Posted values are ISO
too, the first of settings.DATE_INPUT_FORMATS.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

ISO_DATE = "%Y-%m-%d"
ISO_DATETIME = "%Y-%m-%dT%H:%M"
ISO_TIME = "%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_DATETIME)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs, format=format or ISO_TIME)


class Select(forms.Select):
    """A select whose options are written out in Python instead of through a template include each.

    Markup is the same as Django's Select. A filter over a trust offers a thousand options (its staff, forms,
    categories and locations), and Django's one template include per option took most of the page's time.
    """

    def render(self, name, value, attrs=None, renderer=None):
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        chosen = set(self.format_value(value))
        parts = [format_html("<select{}>", flatatt(final))]
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(self._option(v, label, chosen) for v, label in option_label)
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, option_label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every part is escaped by format_html

    def _option(self, value, label, chosen):
        value = "" if value is None else str(value)
        if value in chosen:
            if not self.allow_multiple_selected:
                chosen.discard(value)  # as Django's: only the first option of a value is selected
            return format_html('<option value="{}" selected>{}</option>', value, label)
        return format_html('<option value="{}">{}</option>', value, label)
