"""Pupil import: upload an MIS CSV export, then follow the import on its own page while a task runs it."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import ImportRejected
from ..middleware import not_activity
from ..models import ImportJob
from ..request_limits import oversized, upload_limit
from . import imports

PROBLEMS_IN_SUMMARY = 10
RECENT_JOBS = 5


def _megabytes(size):
    return f"{size / (1024 * 1024):g} MB"


class PupilImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file exported from your MIS",
        # Required is checked in clean_file, after the "too large" case that also leaves no file.
        required=False,
        validators=[
            FileExtensionValidator(
                ["csv", "txt"], message="Choose a .csv file. In Excel use Save As and pick “CSV UTF-8”."
            )
        ],
        error_messages={
            "empty": "The chosen file is empty.",
            "invalid": "No file was received; choose the CSV file again.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        # The help text points at the column guide further down the same page.
        self.fields["file"].help_text = (
            f"One row per pupil, headings in the first row, up to {_megabytes(settings.PUPIL_IMPORT_MAX_BYTES)}. "
            '<a href="#import-columns">Which columns can the file have?</a>'
        )

    def clean_file(self):
        if self.too_large:
            raise forms.ValidationError(
                f"The file is larger than {_megabytes(settings.PUPIL_IMPORT_MAX_BYTES)}, the largest file accepted.",
                code="too_large",
            )
        if not self.cleaned_data.get("file"):
            raise forms.ValidationError("Choose a CSV file to upload.", code="required")
        return self.cleaned_data["file"]


def _import_school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, "pastoral.import_pupils"):
        raise PermissionDenied
    return school


def _page(request, school, form):
    recent = ImportJob.objects.filter(kind=ImportJob.Kind.PUPILS, school=school, created_by=request.user)[:RECENT_JOBS]
    context = {
        "school": school,
        "form": form,
        "recent_jobs": recent,
        "columns": imports.column_guide(),
        "contact_slots": imports.CONTACT_SLOTS,
    }
    return render(request, "pastoral/pupil_import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(lambda: settings.PUPIL_IMPORT_MAX_BYTES)
def pupil_import(request):
    school = _import_school(request)
    if request.method != "POST":
        return _page(request, school, PupilImportForm())
    form = PupilImportForm(request.POST, request.FILES, too_large=oversized(request, "file"))
    if form.is_valid():
        try:
            job = imports.import_job_create(actor=request.user, school=school, uploaded_file=form.cleaned_data["file"])
        except ImportRejected as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("pastoral:pupil_import_job", code=job.code)
    return _page(request, school, form)


def _job_for_user(request, code):
    """403 without the import permission, as for the upload page; 404 for anyone else's job."""
    school = _import_school(request)
    return get_object_or_404(
        ImportJob.objects.select_related("school"),
        code=code,
        kind=ImportJob.Kind.PUPILS,
        school=school,
        created_by=request.user,
    )


@login_required
@require_http_methods(["GET"])
def pupil_import_job(request, code):
    job = _job_for_user(request, code)
    context = {
        "school": job.school,
        "job": job,
        "summary_problems": job.problems[:PROBLEMS_IN_SUMMARY],
    }
    return render(request, "pastoral/pupil_import_job.html", context)


@login_required
@require_http_methods(["GET"])
@not_activity
def pupil_import_job_status(request, code):
    job = _job_for_user(request, code)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "processed": job.processed,
            "total": job.total,
            "percent": job.percent,
            "finished": job.finished,
        }
    )


@login_required
@require_http_methods(["GET"])
def pupil_import_template(request):
    _import_school(request)
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pupil-import-template.csv"'
    return response
