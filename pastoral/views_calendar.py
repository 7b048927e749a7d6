"""The school calendar: academic years and term dates, which reports and rules count in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from . import access, audit, services
from .forms import AcademicYearForm, TermForm
from .models import Term
from .schools import current_school


def _calendar_school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, "pastoral.manage_calendar"):
        raise PermissionDenied
    return school


@login_required
def calendar(request):
    school = _calendar_school(request)
    year_form = AcademicYearForm(request.POST if "add_year" in request.POST else None, prefix="year")
    term_form = TermForm(request.POST if "add_term" in request.POST else None, prefix="term", school=school)
    for form in (year_form, term_form):
        if form.is_bound and form.is_valid():
            if form is year_form:
                form.instance.school = school
            services.calendar_save(actor=request.user, school=school, item=form.instance, changed=audit.changes(form))
            messages.success(request, "Calendar saved.")
            return redirect("pastoral:calendar")
    years = school.academic_years.prefetch_related("terms")
    context = {"school": school, "years": years, "year_form": year_form, "term_form": term_form}
    return render(request, "pastoral/calendar.html", context)


@login_required
def term_edit(request, term_code):
    school = _calendar_school(request)
    term = get_object_or_404(Term.objects.select_related("academic_year"), code=term_code, academic_year__school=school)
    form = TermForm(request.POST or None, instance=term, school=school)
    if request.method == "POST" and form.is_valid():
        services.calendar_save(actor=request.user, school=school, item=form.instance, changed=audit.changes(form))
        messages.success(request, f"{term.name} saved.")
        return redirect("pastoral:calendar")
    return render(request, "pastoral/term_form.html", {"school": school, "term": term, "form": form})
