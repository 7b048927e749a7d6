"""The school calendar: academic years and term dates, which reports and rules count in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pastoral.dates import uk_date

from .. import audit, services
from ..accounts import access
from ..accounts.schools import current_school
from ..exceptions import PastoralError
from ..forms import AcademicYearForm, SchoolClosureForm, TermForm
from ..models import AcademicYear, SchoolClosure, Term


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
    closure_form = SchoolClosureForm(
        request.POST if "add_closure" in request.POST else None, prefix="closure", school=school
    )
    if closure_form.is_bound and _save_closure(request, school, closure_form):
        messages.success(request, f"{closure_form.instance.name} added to the calendar.")
        return redirect("pastoral:calendar")
    years = list(school.academic_years.prefetch_related("terms"))
    closures = list(SchoolClosure.objects.filter(school=school))
    for year in years:
        year.closure_list = [closure for closure in closures if year.start <= closure.start <= year.end]
    context = {
        "school": school,
        "years": years,
        "year_form": year_form,
        "term_form": term_form,
        "closure_form": closure_form,
    }
    return render(request, "pastoral/calendar.html", context)


def _save_closure(request, school, form):
    """Validate and save; errors (including a clash found under the lock) go beside the fields."""
    if not form.is_valid():
        return False
    try:
        services.closure_save(actor=request.user, school=school, closure=form.instance, changed=audit.changes(form))
    except ValidationError as exc:
        form.add_error(None, exc)
        return False
    return True


def _school_closure(request, closure_code):
    school = _calendar_school(request)
    return school, get_object_or_404(SchoolClosure, code=closure_code, school=school)


@login_required
def closure_edit(request, closure_code):
    school, closure = _school_closure(request, closure_code)
    form = SchoolClosureForm(request.POST or None, instance=closure, school=school)
    if request.method == "POST" and _save_closure(request, school, form):
        messages.success(request, f"{closure.name} saved.")
        return redirect("pastoral:calendar")
    return render(request, "pastoral/closure_form.html", {"school": school, "closure": closure, "form": form})


@login_required
@require_POST
def closure_remove(request, closure_code):
    school, closure = _school_closure(request, closure_code)
    name = closure.name
    services.closure_remove(actor=request.user, school=school, closure=closure)
    messages.success(request, f"{name} removed from the calendar.")
    return redirect("pastoral:calendar")


@login_required
@require_POST
def closure_bank_holidays(request, year_code):
    school = _calendar_school(request)
    year = get_object_or_404(AcademicYear, code=year_code, school=school)
    try:
        added, already = services.closure_add_bank_holidays(actor=request.user, school=school, year=year)
    except PastoralError as exc:
        messages.error(request, str(exc))
        return redirect("pastoral:calendar")
    if added:
        names = ", ".join(f"{closure.name} ({uk_date(closure.start)})" for closure in added)
        messages.success(
            request, f"Added {len(added)} bank holiday{'s' if len(added) != 1 else ''} to {year.name}: {names}."
        )
    elif already:
        messages.info(request, f"The bank holidays in {year.name}'s terms are already in the calendar.")
    else:
        messages.info(request, f"No bank holidays fall in {year.name}'s terms: set the term dates first.")
    return redirect("pastoral:calendar")


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
