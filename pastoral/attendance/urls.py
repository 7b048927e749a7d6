from django.urls import path

from . import import_views, views

urlpatterns = [
    path("attendance/", views.attendance_lists, name="attendance_lists"),
    path("attendance/alerts/", views.attendance_alerts, name="attendance_alerts"),
    path("attendance/trends/", views.attendance_trends, name="attendance_trends"),
    path("attendance/checks/", views.attendance_checks, name="attendance_checks"),
    path("attendance/part-time/", views.part_time_list, name="part_time_list"),
    path("pupils/<uuid:code>/part-time/new/", views.part_time_create, name="part_time_create"),
    path("attendance/alerts/<uuid:code>/done/", views.attendance_alert_done, name="attendance_alert_done"),
    path("attendance/import/", import_views.attendance_import, name="attendance_import"),
    path("attendance/import/template.csv", import_views.attendance_import_template, name="attendance_import_template"),
    path("attendance/import/<uuid:code>/", import_views.attendance_import_job, name="attendance_import_job"),
    path(
        "attendance/import/<uuid:code>/status.json",
        import_views.attendance_import_job_status,
        name="attendance_import_job_status",
    ),
]
