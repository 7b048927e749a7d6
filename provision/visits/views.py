"""The external visits log: a list with filters and CSV export, and a form to log or correct a visit.

The visit log has no record of any child, so its reads go through `visits_visible_to(user)` (staff of the school
with log_visits) and only writes are audited."""

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone

from pastoral import audit
from pastoral.accounts import access
from pastoral.accounts.schools import current_school
from pastoral.files import exports
from pastoral.lists import DateFilter, StyledFilterForm, filtered, list_page
from pastoral.widgets import DateInput

from .models import ExternalVisit

LOG = "provision.log_visits"


def visits_visible_to(user):
    return ExternalVisit.objects.filter(school_id__in=access.schools_with_perm(user, LOG))


class VisitFilterSet(django_filters.FilterSet):
    search = django_filters.CharFilter(label="Organisation or topic", method="filter_search")
    visited_from = DateFilter(field_name="visited_on", lookup_expr="gte", label="From")
    visited_to = DateFilter(field_name="visited_on", lookup_expr="lte", label="To")

    class Meta:
        model = ExternalVisit
        fields = []
        form = StyledFilterForm

    def filter_search(self, rows, name, value):
        from django.db.models import Q

        return rows.filter(Q(organisation__icontains=value) | Q(topic__icontains=value) | Q(visitor__icontains=value))


def visit_filter(user, school, data):
    rows = visits_visible_to(user).filter(school=school).order_by("-visited_on", "-pk")
    return VisitFilterSet(data or None, rows)


class VisitForm(forms.ModelForm):
    class Meta:
        model = ExternalVisit
        fields = [
            "visited_on",
            "visitor",
            "organisation",
            "topic",
            "year_groups",
            "checks_done",
            "checks_note",
            "feedback",
        ]
        widgets = {"visited_on": DateInput(), "feedback": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


@transaction.atomic
def visit_save(*, actor, visit, changed=None):
    if not access.has_school_perm(actor, visit.school_id, LOG):
        raise PermissionDenied
    visit.full_clean()
    visit.save()
    audit.record("provision.visit.saved", actor=actor, obj=visit, data={"changed": changed or []})
    return visit


def _school(request):
    school = current_school(request)
    if school is None or not access.has_school_perm(request.user, school, LOG):
        raise PermissionDenied
    return school


@login_required
def visit_list(request):
    school = _school(request)
    listing = list_page(request, visit_filter(request.user, school, request.GET))
    return render(request, "provision/visits/list.html", listing.context())


def _form(request, visit):
    form = VisitForm(request.POST or None, instance=visit)
    if request.method == "POST" and form.is_valid():
        if not visit.pk:
            form.instance.recorded_by = request.user
        visit_save(actor=request.user, visit=form.instance, changed=audit.changes(form))
        messages.success(request, "Visit saved.")
        return redirect("provision:visit_list")
    return render(request, "provision/visits/form.html", {"form": form, "visit": visit})


@login_required
def visit_create(request):
    school = _school(request)
    return _form(request, ExternalVisit(school=school))


@login_required
def visit_edit(request, code):
    visit = access.get_or_refuse(ExternalVisit.objects.all(), request.user, code, LOG, "visit")
    return _form(request, visit)


def build_visits_csv(generated_file, user):
    columns = ["Date", "Who", "Organisation", "Topic", "Year groups", "Checks done", "Checks", "Feedback"]
    rows = [
        [
            v.visited_on.isoformat(),
            v.visitor,
            v.organisation,
            v.topic,
            v.year_groups,
            "Yes" if v.checks_done else "No",
            v.checks_note,
            v.feedback,
        ]
        for v in filtered(visit_filter(user, generated_file.school, generated_file.parameters)).iterator(chunk_size=500)
    ]
    audit.record("provision.visits.exported", actor=user, school=generated_file.school, data={"rows": len(rows)})
    today = timezone.localdate()
    return exports.Built(
        f"external-visits-{today:%Y%m%d}.csv", "text/csv; charset=utf-8", exports.csv_bytes(columns, rows)
    )


def register_exports():
    exports.register(
        "provision.visits_csv",
        label="External visits (CSV)",
        permission=LOG,
        build=build_visits_csv,
        description="The external visits log, with the list's filters.",
    )
