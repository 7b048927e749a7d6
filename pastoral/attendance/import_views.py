"""Attendance import: upload the MIS's session marks, then follow the import on its own page (as for pupils)."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.validators import FileExtensionValidator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from ..exceptions import ImportRejected
from ..middleware import not_activity
from ..models import ImportJob
from ..request_limits import oversized, upload_limit
from . import imports
from .models import AttendanceCode
from .selectors import school_for

PROBLEMS_IN_SUMMARY = 10
RECENT_JOBS = 5


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file of session marks exported from your MIS",
        required=False,
        validators=[
            FileExtensionValidator(
                ["csv", "txt"], message="Choose a .csv file. In Excel use Save As and pick “CSV UTF-8”."
            )
        ],
        error_messages={"empty": "The chosen file is empty.", "invalid": "No file was received; choose it again."},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = (
            f"One row per pupil per session, headings in the first row, up to "
            f"{imports._megabytes(settings.ATTENDANCE_IMPORT_MAX_BYTES)}. "
            '<a href="#import-columns">Which columns can the file have?</a>'
        )

    def clean_file(self):
        if self.too_large:
            raise forms.ValidationError(
                f"The file is larger than {imports._megabytes(settings.ATTENDANCE_IMPORT_MAX_BYTES)}, "
                "the largest file accepted.",
                code="too_large",
            )
        if not self.cleaned_data.get("file"):
            raise forms.ValidationError("Choose a CSV file to upload.", code="required")
        return self.cleaned_data["file"]


def _page(request, school, form):
    recent = ImportJob.objects.filter(kind=ImportJob.Kind.ATTENDANCE, school=school, created_by=request.user)[
        :RECENT_JOBS
    ]
    context = {
        "school": school,
        "form": form,
        "recent_jobs": recent,
        "columns": imports.column_guide(),
        "codes": AttendanceCode.objects.all(),
    }
    return render(request, "pastoral/attendance/import.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@upload_limit(lambda: settings.ATTENDANCE_IMPORT_MAX_BYTES)
def attendance_import(request):
    school = school_for(request, imports.PERMISSION)
    if request.method != "POST":
        return _page(request, school, AttendanceImportForm())
    form = AttendanceImportForm(request.POST, request.FILES, too_large=oversized(request, "file"))
    if form.is_valid():
        try:
            job = imports.import_job_create(actor=request.user, school=school, uploaded_file=form.cleaned_data["file"])
        except ImportRejected as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("pastoral:attendance_import_job", code=job.code)
    return _page(request, school, form)


def _job_for_user(request, code):
    school = school_for(request, imports.PERMISSION)
    return get_object_or_404(
        ImportJob.objects.select_related("school"),
        code=code,
        kind=ImportJob.Kind.ATTENDANCE,
        school=school,
        created_by=request.user,
    )


@login_required
@require_http_methods(["GET"])
def attendance_import_job(request, code):
    job = _job_for_user(request, code)
    context = {"school": job.school, "job": job, "summary_problems": job.problems[:PROBLEMS_IN_SUMMARY]}
    return render(request, "pastoral/attendance/import_job.html", context)


@login_required
@require_http_methods(["GET"])
@not_activity
def attendance_import_job_status(request, code):
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
def attendance_import_template(request):
    school_for(request, imports.PERMISSION)
    response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="attendance-import-template.csv"'
    return response
