"""The blank forms as one PDF, built by the worker: one A4 sheet (or more) per reserved reference.

Each field of the kind's own form is printed with its label and help: a text box for a line of text, a taller box
for a paragraph, a tick box for yes/no and one per choice, and date and time boxes, so what is written copies into
the app's form in the same order.
"""

import uuid

from django import forms
from django.http import Http404

from ..files import exports
from ..files.pdf import OFFICIAL_SENSITIVE, render_pdf
from .kinds import get_kind
from .models import PaperFormSheet

PDF = "application/pdf"
# A choice list longer than this prints as a line to write on, not a column of tick boxes.
MAX_TICKS = 14


def _widget_kind(field):
    widget = field.widget
    if isinstance(field, forms.FileField):
        return None
    if isinstance(widget, forms.HiddenInput | forms.MultipleHiddenInput):
        return None
    if isinstance(field, forms.BooleanField) or isinstance(widget, forms.CheckboxInput):
        return "tick"
    if isinstance(field, forms.DateTimeField):
        return "datetime"
    if isinstance(field, forms.DateField):
        return "date"
    if isinstance(field, forms.TimeField):
        return "time"
    if isinstance(widget, forms.Textarea):
        return "paragraph"
    if isinstance(widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "choices"  # a short list prints as tick boxes (a long one as a line)
    return "line"  # text, numbers, and the type-ahead pickers (a name to write)


def _choices(field):
    choices = [(value, label) for value, label in field.choices if str(value) != ""]
    return choices if 0 < len(choices) <= MAX_TICKS else None


def printed_fields(kind, user, school):
    """(label, help, kind of box, choices) for each field of the kind's form, in the form's order."""
    form = kind.blank_form(user, school)
    rows = [_extra(item) for item in kind.extra]
    for name, field in form.fields.items():
        if name in kind.skip or name.startswith("paper_"):
            continue
        box = _widget_kind(field)
        if box is None:
            continue
        choices = None
        if box == "choices":
            choices = _choices(field)
            box = "choices" if choices else "line"
        label = str(field.label or name.replace("_", " ").capitalize())
        rows.append(
            {
                "label": label,
                "help": str(field.help_text or ""),
                "box": box,
                "choices": choices,
                "required": field.required,
            }
        )
    rows.extend(_extra(item) for item in kind.extra_after)
    return rows


def _extra(item):
    label, help_text, *box = item
    return {"label": label, "help": help_text, "box": box[0] if box else "line", "choices": None, "required": False}


def _batch(parameters):
    try:
        return uuid.UUID(str((parameters or {}).get("batch", "")))
    except ValueError:
        raise Http404("No such pad") from None


def pad_school(user, parameters, school):
    """The school of the pad being built: the one its sheets were reserved in, by this user."""
    sheet = PaperFormSheet.objects.filter(batch=_batch(parameters), printed_by=user).select_related("school").first()
    if sheet is None:
        raise Http404("No such pad")
    return sheet.school


def build_pad(generated_file, user):
    sheets = list(
        PaperFormSheet.objects.filter(
            batch=_batch(generated_file.parameters), school=generated_file.school, printed_by=user
        ).order_by("reference")
    )
    if not sheets:
        raise exports.ExportRefused("These sheets are no longer reserved.")
    kind = get_kind(sheets[0].kind)
    if kind is None:
        raise exports.ExportRefused("This form can no longer be printed.")
    context = {"sheets": sheets, "kind": kind, "fields": printed_fields(kind, user, generated_file.school)}
    content = render_pdf(
        "pdf/paper_form.html",
        context,
        user=user,
        school=generated_file.school,
        title=f"{kind.title}: paper form",
        sensitivity=OFFICIAL_SENSITIVE,
    )
    name = f"paper-{kind.key.replace('.', '-')}-{sheets[0].reference}.pdf"
    return exports.Built(name, PDF, content)


def register_export(kind):
    """The pad of blank forms is a PDF export of its own kind, so the worker builds it and it expires like any
    other file; asked for only through the paper page (its `school_for` needs a reserved batch)."""
    exports.register(
        kind.export_kind,
        label=f"Blank paper forms: {kind.title.lower()} (PDF)",
        permission=kind.permission,
        fmt="pdf",
        build=build_pad,
        school_for=pad_school,
        description="A pad of blank forms, each with its own reference, to fill in when the app cannot be used.",
    )
