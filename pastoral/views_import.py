"""Pupil import: upload an MIS CSV export and read the report on the same page."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from . import access, imports
from .exceptions import ImportRejected
from .schools import current_school

PROBLEMS_IN_SUMMARY = 10


class PupilImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file exported from your MIS",
        validators=[
            FileExtensionValidator(
                ["csv", "txt"], message="Choose a .csv file. In Excel use Save As and pick “CSV UTF-8”."
            )
        ],
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The chosen file is empty.",
            "invalid": "No file was received; choose the CSV file again.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        largest = settings.PUPIL_IMPORT_MAX_BYTES / (1024 * 1024)
        # The help text points at the column guide further down the same page.
        self.fields["file"].help_text = (
            f"One row per pupil, headings in the first row, up to {largest:g} MB. "
            '<a href="#import-columns">Which columns can the file have?</a>'
        )


def _import_school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, "pastoral.import_pupils"):
        raise PermissionDenied
    return school


@login_required
@require_http_methods(["GET", "POST"])
def pupil_import(request):
    school = _import_school(request)
    result = rejection = None
    form = PupilImportForm()
    if request.method == "POST":
        form = PupilImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = imports.pupils_import(
                    actor=request.user, school=school, uploaded_file=form.cleaned_data["file"]
                )
            except ImportRejected as exc:
                rejection = exc
            else:
                form = PupilImportForm()
    context = {
        "school": school,
        "form": form,
        "result": result,
        "rejection": rejection,
        "summary_problems": rejection.problems[:PROBLEMS_IN_SUMMARY] if rejection else [],
        "columns": imports.column_guide(),
        "contact_slots": imports.CONTACT_SLOTS,
    }
    return render(request, "pastoral/pupil_import.html", context)


@login_required
@require_http_methods(["GET"])
def pupil_import_template(request):
    _import_school(request)
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pupil-import-template.csv"'
    return response
