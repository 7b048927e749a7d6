from django.urls import path

from . import breakglass_views, picker_views, views
from .accounts import staff_views, trust_views
from .attendance import urls as attendance_urls
from .calendar import views as calendar_views
from .files import report_views
from .files import views as export_views
from .meetings import urls as meeting_urls
from .paper import urls as paper_urls
from .pupils import import_views
from .retention import urls as retention_urls
from .roleperms import views as roleperm_views
from .sar import urls as sar_urls

app_name = "pastoral"

urlpatterns = [
    path("", views.home, name="home"),
    path("school/switch/", views.switch_school, name="switch_school"),
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("pupils/search/", views.pupil_search, name="pupil_search"),
    path("pupils/picker/", picker_views.pupil_picker, name="pupil_picker"),
    path("staff/picker/", picker_views.staff_picker, name="staff_picker"),
    path("pupils/import/", import_views.pupil_import, name="pupil_import"),
    path("pupils/import/template.csv", import_views.pupil_import_template, name="pupil_import_template"),
    path("pupils/import/<uuid:code>/", import_views.pupil_import_job, name="pupil_import_job"),
    path("pupils/import/<uuid:code>/status.json", import_views.pupil_import_job_status, name="pupil_import_job_status"),
    path("pupils/<uuid:code>/", views.pupil_detail, name="pupil_detail"),
    path("pupils/<uuid:code>/cards/", views.pupil_cards_fragment, name="pupil_cards"),
    path("pupils/<uuid:code>/photo/", views.pupil_photo, name="pupil_photo"),
    path("pupils/<uuid:code>/edit/", views.pupil_edit, name="pupil_edit"),
    path("pupils/<uuid:code>/contacts/new/", views.contact_form, name="contact_create"),
    path("pupils/<uuid:code>/contacts/<uuid:contact_code>/", views.contact_form, name="contact_edit"),
    path("pupils/<uuid:code>/contacts/<uuid:contact_code>/delete/", views.contact_delete, name="contact_delete"),
    path("pupils/<uuid:code>/professionals/new/", views.professional_form, name="professional_create"),
    path(
        "pupils/<uuid:code>/professionals/<uuid:professional_code>/",
        views.professional_form,
        name="professional_edit",
    ),
    path(
        "pupils/<uuid:code>/professionals/<uuid:professional_code>/delete/",
        views.professional_delete,
        name="professional_delete",
    ),
    path("pupils/<uuid:code>/log/new/", views.note_create, name="note_create"),
    path("pupils/<uuid:code>/log/<uuid:note_code>/", views.note_detail, name="note_detail"),
    path("pupils/<uuid:code>/log/<uuid:note_code>/void/", views.note_void, name="note_void"),
    path("school/calendar/", calendar_views.calendar, name="calendar"),
    path("school/calendar/terms/<uuid:term_code>/", calendar_views.term_edit, name="term_edit"),
    path("school/calendar/closures/<uuid:closure_code>/", calendar_views.closure_edit, name="closure_edit"),
    path(
        "school/calendar/closures/<uuid:closure_code>/remove/",
        calendar_views.closure_remove,
        name="closure_remove",
    ),
    path(
        "school/calendar/years/<uuid:year_code>/bank-holidays/",
        calendar_views.closure_bank_holidays,
        name="closure_bank_holidays",
    ),
    path("audit/", views.audit_log, name="audit_log"),
    path("break-glass/", breakglass_views.break_glass_list, name="break_glass_list"),
    path("break-glass/<uuid:code>/review/", breakglass_views.break_glass_review, name="break_glass_review"),
    path("break-glass/open/<str:kind>/<uuid:code>/", breakglass_views.break_glass_open, name="break_glass_open"),
    path("pupils/<uuid:code>/records-sent/", views.records_sent_create, name="records_sent_create"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/new/", staff_views.staff_create, name="staff_create"),
    path("staff/<uuid:code>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<uuid:code>/deactivate/", staff_views.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:code>/reactivate/", staff_views.staff_reactivate, name="staff_reactivate"),
    path("staff/<uuid:code>/reset-mfa/", staff_views.staff_reset_mfa, name="staff_reset_mfa"),
    path("staff/<uuid:code>/roles/<uuid:membership_code>/end/", staff_views.membership_end, name="membership_end"),
    path("staff/roles/", roleperm_views.role_permissions, name="role_permissions"),
    path(
        "staff/roles/changes/<uuid:change_code>/approve/",
        roleperm_views.role_permission_approve,
        name="role_permission_approve",
    ),
    path(
        "staff/roles/changes/<uuid:change_code>/decline/",
        roleperm_views.role_permission_decline,
        name="role_permission_decline",
    ),
    path("staff/approvals/", staff_views.role_approvals, name="role_approvals"),
    path("staff/approvals/<uuid:membership_code>/approve/", staff_views.membership_approve, name="membership_approve"),
    path("staff/approvals/<uuid:membership_code>/decline/", staff_views.membership_decline, name="membership_decline"),
    path("staff/approvals/mfa/<uuid:reset_code>/approve/", staff_views.mfa_reset_approve, name="mfa_reset_approve"),
    path("staff/approvals/mfa/<uuid:reset_code>/decline/", staff_views.mfa_reset_decline, name="mfa_reset_decline"),
    path("trust/schools/", trust_views.trust_schools, name="trust_schools"),
    path("trust/schools/new/", trust_views.school_add, name="school_add"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/new/", export_views.export_request, name="export_request"),
    path("exports/<uuid:code>/status/", export_views.export_status, name="export_status"),
    path("exports/<uuid:code>/download/", export_views.export_download, name="export_download"),
    path("exports/<uuid:code>/retry/", export_views.export_retry, name="export_retry"),
    path("exports/schedules/new/", export_views.schedule_create, name="schedule_create"),
    path("exports/schedules/<uuid:code>/stop/", export_views.schedule_stop, name="schedule_stop"),
    path("reports/termly/", report_views.termly_report, name="termly_report"),
    *attendance_urls.urlpatterns,
    *meeting_urls.urlpatterns,
    *sar_urls.urlpatterns,
    *retention_urls.urlpatterns,
    *paper_urls.urlpatterns,
]
