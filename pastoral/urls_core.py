from django.urls import path

from . import views, views_calendar, views_exports, views_import, views_staff

app_name = "pastoral"

urlpatterns = [
    path("", views.home, name="home"),
    path("school/switch/", views.switch_school, name="switch_school"),
    path("pupils/", views.pupil_list, name="pupil_list"),
    path("pupils/search/", views.pupil_search, name="pupil_search"),
    path("pupils/import/", views_import.pupil_import, name="pupil_import"),
    path("pupils/import/template.csv", views_import.pupil_import_template, name="pupil_import_template"),
    path("pupils/<uuid:code>/", views.pupil_detail, name="pupil_detail"),
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
    path("school/calendar/", views_calendar.calendar, name="calendar"),
    path("school/calendar/terms/<uuid:term_code>/", views_calendar.term_edit, name="term_edit"),
    path("audit/", views.audit_log, name="audit_log"),
    path("staff/", views_staff.staff_list, name="staff_list"),
    path("staff/new/", views_staff.staff_create, name="staff_create"),
    path("staff/<uuid:code>/", views_staff.staff_detail, name="staff_detail"),
    path("staff/<uuid:code>/deactivate/", views_staff.staff_deactivate, name="staff_deactivate"),
    path("staff/<uuid:code>/reactivate/", views_staff.staff_reactivate, name="staff_reactivate"),
    path("staff/<uuid:code>/reset-mfa/", views_staff.staff_reset_mfa, name="staff_reset_mfa"),
    path("staff/<uuid:code>/roles/<uuid:membership_code>/end/", views_staff.membership_end, name="membership_end"),
    path("staff/approvals/", views_staff.role_approvals, name="role_approvals"),
    path("staff/approvals/<uuid:membership_code>/approve/", views_staff.membership_approve, name="membership_approve"),
    path("staff/approvals/<uuid:membership_code>/decline/", views_staff.membership_decline, name="membership_decline"),
    path("exports/", views_exports.export_list, name="export_list"),
    path("exports/new/", views_exports.export_request, name="export_request"),
    path("exports/<uuid:code>/status/", views_exports.export_status, name="export_status"),
    path("exports/<uuid:code>/download/", views_exports.export_download, name="export_download"),
    path("exports/<uuid:code>/retry/", views_exports.export_retry, name="export_retry"),
    path("exports/schedules/new/", views_exports.schedule_create, name="schedule_create"),
    path("exports/schedules/<uuid:code>/stop/", views_exports.schedule_stop, name="schedule_stop"),
]
