"""My exports: ask for a file, watch it being built, download it, try again; and scheduled reports."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pastoral.dates import uk_date

from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..middleware import not_activity
from ..models import GeneratedFile, ScheduledReport
from . import exports, scheduled_reports

LIST_LIMIT = 50


def _own_file(request, code):
    """The requester's own file; anyone else's is a 404, whoever they are, and the attempt is audited."""
    generated_file = GeneratedFile.objects.select_related("school").filter(code=code).first()
    if generated_file is not None and generated_file.owner_id == request.user.pk:
        return generated_file
    access.refuse(request.user, generated_file, code, "pastoral.export.refused", allowed_to_know=False, noun="file")


def _schedulable_kinds(user, school):
    """Kinds that cover a whole school (not one pupil) and that the user may have there."""
    if school is None:
        return []
    return [
        kind for kind in exports.kinds().values() if kind.school_for is None and exports.may_have(user, kind, school)
    ]


@login_required
def export_list(request):
    files = list(exports.files_visible_to(request.user)[:LIST_LIMIT])
    school = current_school(request)
    context = {
        "files": files,
        "pending": any(f.status in (GeneratedFile.Status.QUEUED, GeneratedFile.Status.RUNNING) for f in files),
        "schedules": ScheduledReport.objects.filter(recipient=request.user, active=True).select_related("school"),
        "schedulable": _schedulable_kinds(request.user, school),
        "frequencies": ScheduledReport.Frequency.choices,
        "school": school,
        "settings_days": settings.GENERATED_FILE_DAYS,
    }
    return render(request, "pastoral/export_list.html", context)


@login_required
@require_POST
def export_request(request):
    try:
        key = uuid.UUID(request.POST.get("key", ""))
    except ValueError:
        key = None
    parameters = exports.parameters_from_query(request.POST.get("query", ""))
    try:
        generated_file = exports.request_export(
            actor=request.user,
            kind_name=request.POST.get("kind", ""),
            school=current_school(request),
            parameters=parameters,
            submission_key=key,
        )
    except PastoralError as exc:
        messages.error(request, str(exc))
        return redirect("pastoral:export_list")
    label = exports.get_kind(generated_file.kind).label
    messages.success(request, f"{label} is being prepared. It will appear below when it is ready to download.")
    return redirect("pastoral:export_list")


STOPPED = "The export stopped before it finished. Try again."


def status_payload(generated_file, user):
    done = generated_file.status == GeneratedFile.Status.DONE and not generated_file.expired
    stale = generated_file.stale
    label = "Expired" if generated_file.expired else "Stopped" if stale else generated_file.get_status_display()
    return {
        "code": str(generated_file.code),
        # A build that died with its worker is reported as failed: the page stops polling and offers "Try again".
        "status": GeneratedFile.Status.FAILED if stale else generated_file.status,
        "status_label": label,
        "progress": generated_file.progress,
        "error": STOPPED if stale else generated_file.error,
        "download_url": reverse("pastoral:export_download", args=[generated_file.code]) if done else "",
        "retry_url": reverse("pastoral:export_retry", args=[generated_file.code]) if generated_file.retryable else "",
    }


@not_activity
@login_required
def export_status(request, code):
    generated_file = _own_file(request, code)
    response = JsonResponse(status_payload(generated_file, request.user))
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_download(request, code):
    generated_file = _own_file(request, code)
    if not exports.downloadable(request.user, generated_file):
        raise Http404("No such file")
    done = generated_file.status == GeneratedFile.Status.DONE
    if generated_file.expired or (done and not exports.is_stored(generated_file)):
        return render(request, "pastoral/export_gone.html", {"file": generated_file}, status=410)
    if generated_file.status == GeneratedFile.Status.FAILED:
        messages.error(request, f"That export failed: {generated_file.error}")
        return redirect("pastoral:export_list")
    if generated_file.status != GeneratedFile.Status.DONE:
        messages.info(request, "That file is not ready yet.")
        return redirect("pastoral:export_list")
    exports.record_download(actor=request.user, generated_file=generated_file)
    response = FileResponse(
        exports.open_stored(generated_file),
        as_attachment=True,
        filename=generated_file.filename,
        content_type=generated_file.content_type,
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def export_retry(request, code):
    generated_file = _own_file(request, code)
    try:
        exports.retry_export(actor=request.user, generated_file=generated_file)
    except PastoralError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Trying again. The file will appear below when it is ready.")
    return redirect("pastoral:export_list")


@login_required
@require_POST
def schedule_create(request):
    school = current_school(request)
    kinds = {kind.name: kind for kind in _schedulable_kinds(request.user, school)}
    kind_name = request.POST.get("kind", "")
    frequency = request.POST.get("frequency", "")
    if kind_name not in kinds:
        raise PermissionDenied
    if frequency not in ScheduledReport.Frequency.values:
        messages.error(request, "Choose how often the report should come.")
        return redirect("pastoral:export_list")
    report = scheduled_reports.create_schedule(
        actor=request.user, recipient=request.user, school=school, kind_name=kind_name, frequency=frequency
    )
    messages.success(
        request,
        f"{kinds[kind_name].label} will be emailed {report.get_frequency_display().lower()} as a link; "
        f"the first on {uk_date(report.next_run_at)}.",
    )
    return redirect("pastoral:export_list")


@login_required
@require_POST
def schedule_stop(request, code):
    report = get_object_or_404(ScheduledReport.objects.filter(recipient=request.user, active=True), code=code)
    scheduled_reports.stop_schedule(actor=request.user, report=report)
    messages.success(request, "Scheduled report stopped.")
    return redirect("pastoral:export_list")
