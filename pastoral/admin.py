"""The admin holds set-up data (trust, schools, terms) and shows staff accounts and their roles to the
operator. Pupil records are never registered here: they are reached only through the app's views, which
apply the visibility selectors and the audit log.

Accounts and roles are read-only here. A role that reads pupils takes effect only once a second person
approves it, and every change is audited, so changes go through the services that enforce both: the staff
pages, `manage.py setup_trust` and `manage.py approve_role`. No password hash or authenticator secret is shown.
"""

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.db.models import Prefetch
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .accounts.roles import Role
from .models import AcademicYear, EthnicityCategory, Membership, ScheduledReport, School, Term, Trust, User
from .retention.models import RetentionRule


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


# Staff accounts and roles (read-only) ----------------------------------------------------------------------


class ReadOnlyMixin:
    """Viewable by the superuser; added, changed and deleted only through the audited services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _state(membership):
    today = timezone.localdate()
    if membership.ends_on is not None and membership.ends_on < today:
        return "Ended" if membership.approved_at else "Declined"
    if membership.approved_at is None:
        return "Awaiting approval"
    return "Starts later" if membership.starts_on > today else "Current"


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ["role", "school", "trust", "starts_on", "ends_on", "state", "granted_by", "approved_by", "code"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school", "trust", "granted_by", "approved_by")

    @admin.display(description="State")
    def state(self, obj):
        return _state(obj)


class HoldsRoleFilter(admin.SimpleListFilter):
    title = "current role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return Role.choices

    def queryset(self, request, queryset):
        if self.value() not in Role.values:
            return queryset
        today = timezone.localdate()
        current = Membership.objects.filter(role=self.value(), approved_at__isnull=False, starts_on__lte=today)
        return queryset.filter(id__in=current.exclude(ends_on__lt=today).values("user_id"))


class WorksInTrustFilter(admin.SimpleListFilter):
    title = "trust"
    parameter_name = "trust"

    def lookups(self, request, model_admin):
        return [(str(trust.pk), trust.name) for trust in Trust.objects.all()]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(id__in=Membership.objects.filter(trust_id=self.value()).values("user_id"))


@admin.register(User)
class StaffUserAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["username", "full_name", "email", "roles", "is_active", "two_factor", "last_login"]
    list_filter = ["is_active", "is_superuser", HoldsRoleFilter, WorksInTrustFilter]
    search_fields = ["username", "email", "first_name", "last_name"]
    # Everything but the password hash.
    fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "job_title",
        "is_active",
        "deactivated_at",
        "password_chosen",
        "two_factor",
        "is_superuser",
        "last_login",
        "date_joined",
        "code",
    ]
    readonly_fields = fields
    inlines = [MembershipInline]

    def get_queryset(self, request):
        today = timezone.localdate()
        current = (
            Membership.objects.filter(approved_at__isnull=False, starts_on__lte=today)
            .exclude(ends_on__lt=today)
            .select_related("school", "trust")
        )
        authenticators = TOTPDevice.objects.filter(confirmed=True).only("id", "user_id")  # never the key
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("memberships", queryset=current, to_attr="current_roles"),
                Prefetch("totpdevice_set", queryset=authenticators, to_attr="authenticators"),
            )
        )

    @admin.display(description="Name", ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="Current roles")
    def roles(self, obj):
        return "; ".join(f"{m.get_role_display()} ({m.school or m.trust})" for m in obj.current_roles) or "None"

    @admin.display(description="Two-factor set up", boolean=True)
    def two_factor(self, obj):
        return bool(obj.authenticators)

    @admin.display(description="Password chosen", boolean=True)
    def password_chosen(self, obj):
        return obj.has_usable_password()


class AwaitingApprovalFilter(admin.SimpleListFilter):
    title = "approval"
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("awaiting", "Awaiting approval"), ("approved", "Approved")]

    def queryset(self, request, queryset):
        if self.value() == "awaiting":
            return queryset.filter(approved_at__isnull=True).exclude(ends_on__lt=timezone.localdate())
        if self.value() == "approved":
            return queryset.filter(approved_at__isnull=False)
        return queryset


@admin.register(Membership)
class MembershipAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """A role awaiting approval is approved by a head or DSL of the school, or with `manage.py approve_role <code>`."""

    list_display = ["user", "role", "school", "trust", "starts_on", "ends_on", "state", "granted_by", "approved_by"]
    list_filter = [AwaitingApprovalFilter, "role", "trust", "school"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "school__name"]
    list_select_related = ["user", "school", "trust", "granted_by", "approved_by"]
    fields = [
        "user",
        "role",
        "school",
        "trust",
        "starts_on",
        "ends_on",
        "state",
        "granted_by",
        "approved_at",
        "approved_by",
        "code",
    ]
    readonly_fields = fields

    @admin.display(description="State")
    def state(self, obj):
        return _state(obj)


@admin.register(EthnicityCategory)
class EthnicityCategoryAdmin(admin.ModelAdmin):
    """The census categories: a trust adds the extended codes its local authority uses, each under a main group."""

    list_display = ["code", "label", "group", "order"]
    list_filter = ["group"]


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    """The retention rules: the row with no trust is the default; a trust's own row overrides it. Each save is
    audited."""

    list_display = ["record_type", "trust", "basis", "years", "action"]
    list_filter = ["trust", "action", "basis"]
    readonly_fields = ["updated_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "record_type":
            from django import forms

            from .retention import registry

            return forms.ChoiceField(choices=registry.choices(), label="Record type")
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from . import audit

        with transaction.atomic():
            obj.updated_at = timezone.now()
            super().save_model(request, obj, form, change)
            audit.record(
                "pastoral.retention.rule_changed",
                actor=request.user,
                obj=obj,
                data={"record_type": obj.record_type, "basis": obj.basis, "years": obj.years, "action": obj.action},
            )
