"""The paper fields every "enter from paper" form adds to the area's own create form, and the print form.

A duty area makes its paper form by putting `PaperEntryFormMixin` before its form class and naming the kind:

    class PaperConcernForm(PaperEntryFormMixin, ConcernForm):
        paper_kind = "safeguarding.concern"

and builds it with `paper_school=school` when staff chose "Enter from paper" (None otherwise: the ordinary form).
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from ..pickers import STAFF, PickerField
from ..widgets import DateTimeInput
from . import selectors
from .kinds import MAX_PAD, get_kind

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
PAPER_FIELDS = ("paper_reference", "paper_written_at", "paper_written_by", "paper_scan")


def staff_ever_of(school):
    """Everyone who has held a role in the school: the writer may have left since."""
    return (
        get_user_model().objects.filter(memberships__school=school).distinct().order_by("last_name", "first_name", "pk")
    )


class PaperEntryFormMixin:
    paper_kind = ""

    def __init__(self, *args, paper_school=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.from_paper = paper_school is not None
        self.paper_school = paper_school
        if not self.from_paper:
            return
        kind = get_kind(self.paper_kind)
        paper = {
            "paper_reference": forms.CharField(
                label="Reference printed on the sheet",
                max_length=20,
                help_text="At the top right of the paper form, e.g. P-7K3M-Q2",
                widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            ),
            "paper_written_at": forms.DateTimeField(
                label="When the form was written",
                input_formats=DATETIME_FORMATS,
                widget=DateTimeInput(),
                help_text="The date and time written at the foot of the sheet",
            ),
            "paper_written_by": PickerField(STAFF, label="Written by"),
            "paper_scan": forms.FileField(
                label="Scan or photo of the sheet (PDF or image)",
                help_text="Kept with the record, encrypted, and shown only to those who may read the record",
            ),
        }
        paper["paper_written_by"].queryset = staff_ever_of(paper_school)
        # The paper fields first, then the area's own fields in their usual order.
        self.fields = {**paper, **self.fields}
        if kind is not None and kind.event_field in self.fields:
            # What happened is copied from the sheet: no "now" to overlook.
            self.fields[kind.event_field].initial = None
            self.initial.pop(kind.event_field, None)
        helper = getattr(self, "helper", None)
        if helper is not None and getattr(helper, "layout", None) is not None:
            from crispy_forms.layout import Fieldset

            helper.layout.insert(0, Fieldset("From the paper form", *PAPER_FIELDS))

    def clean(self):
        cleaned = super().clean()
        if not self.from_paper:
            return cleaned
        reference = cleaned.get("paper_reference")
        if reference:
            _sheet, problem = selectors.sheet_problem(self.paper_school, self.paper_kind, reference)
            if problem:
                self.add_error("paper_reference", problem)
        written_at = cleaned.get("paper_written_at")
        if written_at:
            if written_at > timezone.now() + timezone.timedelta(minutes=5):
                self.add_error("paper_written_at", "This cannot be in the future.")
            kind = get_kind(self.paper_kind)
            happened = cleaned.get(kind.event_field) if kind and kind.event_field else None
            if happened and written_at < happened:
                self.add_error("paper_written_at", "The form cannot have been written before what it records happened.")
        return cleaned

    def paper_data(self):
        """The paper fields' values, taken out of cleaned_data so the area's service never sees them."""
        return {
            "reference": self.cleaned_data.pop("paper_reference"),
            "written_at": self.cleaned_data.pop("paper_written_at"),
            "written_by": self.cleaned_data.pop("paper_written_by"),
            "scan": self.cleaned_data.pop("paper_scan"),
        }


class PrintForm(forms.Form):
    kind = forms.ChoiceField(label="Which form")
    count = forms.IntegerField(
        label="How many sheets", min_value=1, max_value=MAX_PAD, initial=10, help_text=f"A pad of up to {MAX_PAD}"
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.key, kind.title) for kind in kinds]


class FindForm(forms.Form):
    reference = forms.CharField(label="Find a sheet by reference", max_length=20, required=False)
