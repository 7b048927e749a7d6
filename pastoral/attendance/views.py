"""Attendance pages: the lists the attendance officer works from."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..lists import list_page
from . import absentees
from .filters import attendance_filter
from .selectors import school_for


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
