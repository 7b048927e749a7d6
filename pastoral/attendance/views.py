"""Attendance pages: the lists the attendance officer works from."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from ..lists import list_page
from . import absentees, alerts
from .filters import alert_filter, attendance_filter
from .permissions import MANAGE
from .selectors import get_alert_for_user, school_for


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
