"""The admin holds set-up data only (trust, schools, terms). Pupil records are never registered here:
they are reached only through the app's views, which apply the visibility selectors and the audit log."""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import AcademicYear, ScheduledReport, School, Term, Trust


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


@admin.register(ScheduledReport)
class ScheduledReportAdmin(admin.ModelAdmin):
    """Who receives which report. Each run checks again that the recipient may have it."""

    list_display = ["kind", "recipient", "school", "frequency", "next_run_at", "last_outcome", "active"]
    list_filter = ["school", "frequency", "active"]
    raw_id_fields = ["recipient", "created_by"]
    readonly_fields = ["next_run_at", "period_start", "period_end", "last_run_at", "last_outcome"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            from django import forms

            from .files import exports

            choices = sorted((kind.name, kind.label) for kind in exports.kinds().values() if kind.school_for is None)
            return forms.ChoiceField(choices=choices, label="Report")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from .files.scheduled_reports import schedule

        if not change or "frequency" in form.changed_data or "school" in form.changed_data:
            schedule(obj)
        super().save_model(request, obj, form, change)


# django-otp registers its devices in the admin: a superuser could read a DSL's authenticator secret
# (and so pass their two-factor check) or mint them backup codes. Lost devices are reset through the
# audited staff page instead (services.staff_reset_mfa).
for _model in (TOTPDevice, StaticDevice):
    try:
        admin.site.unregister(_model)
    except NotRegistered:
        pass
