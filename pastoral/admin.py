"""The admin holds set-up data only (trust, schools, terms). Pupil records are never registered here:
they are reached only through the app's views, which apply the visibility selectors and the audit log."""

from django.contrib import admin

from .models import AcademicYear, School, Term, Trust


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name", "trust", "urn", "phase", "local_authority"]
    list_filter = ["trust", "phase"]
    search_fields = ["name", "urn"]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["name", "school", "start", "end"]
    list_filter = ["school"]
    inlines = [TermInline]
