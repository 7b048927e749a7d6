"""Browser date and time pickers.

`<input type="date">` accepts only an ISO value (2026-04-20) and shows an empty box for anything else, such
as the 20/04/2026 that Django renders under LANGUAGE_CODE en-gb. So every picker states its wire format
here, whatever the language; the browser shows the date in the reader's own format. Posted values are ISO
too, the first of settings.DATE_INPUT_FORMATS.
"""

from django import forms

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
