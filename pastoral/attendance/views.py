"""Attendance pages: the lists the attendance officer works from."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..accounts import access
from ..lists import filtered, list_page, page_query
from ..selectors import get_pupil_for_user
from . import absentees, alerts, calculations, checks, expectations, series, services, trends
from .filters import alert_filter, attendance_filter, part_time_filter
from .forms import PartTimeTimetableForm
from .permissions import MANAGE, VIEW
from .selectors import get_alert_for_user, school_for

CHECKS_SHOWN = 200


@login_required
@require_GET
def attendance_lists(request):
    school = school_for(request)
    today = timezone.localdate()
    filterset = attendance_filter(request.user, school, request.GET)
    kind = filterset.kind()
    listing = list_page(request, filterset, then=lambda rows: absentees.listed(kind, rows, school, today))
    context = listing.context(
        school=school,
        kind=kind,
        kind_label=dict(absentees.KINDS)[kind],
        kinds=absentees.KINDS,
        can_manage_attendance=access.has_school_perm(request.user, school, MANAGE),
        periods=absentees.periods(school, today),
    )
    return render(request, "pastoral/attendance/lists.html", context)


class AlertDoneForm(forms.Form):
    note = forms.CharField(label="What was done", max_length=300, help_text="e.g. LA told by phone on 3 March")


@login_required
@require_GET
def attendance_alerts(request):
    school = school_for(request, MANAGE)
    listing = list_page(request, alert_filter(request.user, school, request.GET))
    return render(request, "pastoral/attendance/alerts.html", listing.context(school=school, done_form=AlertDoneForm()))


@login_required
@require_POST
def attendance_alert_done(request, code):
    alert = get_alert_for_user(request.user, code)
    form = AlertDoneForm(request.POST)
    if alert.done_at is None and form.is_valid():
        alerts.alert_done(actor=request.user, alert=alert, note=form.cleaned_data["note"])
        messages.success(request, f"Marked done: {alert.get_kind_display()} for {alert.pupil.display_name}.")
    elif alert.done_at is None:
        messages.error(request, "Say what was done before marking the alert done.")
    return redirect("pastoral:attendance_alerts")


@login_required
@require_GET
def part_time_list(request):
    school = school_for(request)
    today = timezone.localdate()
    listing = list_page(request, part_time_filter(request.user, school, request.GET))
    return render(
        request,
        "pastoral/attendance/part_time_list.html",
        listing.context(school=school, today=today, can_manage=access.has_school_perm(request.user, school, MANAGE)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def part_time_create(request, code):
    pupil = get_pupil_for_user(request.user, code, perm=MANAGE)
    form = PartTimeTimetableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.part_time_create(actor=request.user, pupil=pupil, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Part-time timetable recorded for {pupil.display_name}.")
            return redirect("pastoral:part_time_list")
    return render(request, "pastoral/attendance/part_time_form.html", {"pupil": pupil, "form": form})


@login_required
@require_GET
def attendance_checks(request):
    """Marks that disagree with what the app knows: suspensions (and any other registered provider), and C2
    outside an agreed part-time timetable."""
    school = school_for(request, MANAGE)
    today = timezone.localdate()
    start, _ = calculations.academic_year(school, today)
    return render(
        request,
        "pastoral/attendance/checks.html",
        {
            "school": school,
            "start": start,
            "today": today,
            "mismatches": expectations.mismatches(request.user, school, start, today)[:CHECKS_SHOWN],
            "c2_outside": checks.c2_outside_timetable(school, start, today)[:CHECKS_SHOWN],
            "shown": CHECKS_SHOWN,
        },
    )


@login_required
@require_GET
def attendance_trends(request):
    """Weekly, by day and session, by year group; and attendance beside negative behaviour for the same pupils."""
    school = school_for(request)
    today = timezone.localdate()
    filterset = attendance_filter(request.user, school, request.GET)
    pupils = filtered(filterset)
    pupil = None
    if request.GET.get("pupil"):
        pupil = get_pupil_for_user(request.user, request.GET["pupil"], perm=VIEW)
        pupils = pupils.filter(pk=pupil.pk)
    start, _ = calculations.academic_year(school, today)
    cells = trends.cells(school, pupils, start, today)
    weeks = trends.weekly(cells)
    bounds = trends.week_bounds([monday for monday, _a, _p in weeks])
    extra = series.series_for(request.user, school, pupils, bounds)
    context = {
        "school": school,
        "form": filterset.form,
        "pupil": pupil,
        "start": start,
        "today": today,
        "charts": trends.charts_for(cells, weeks, extra),
        "query": page_query(request),
    }
    return render(request, "pastoral/attendance/trends.html", context)
