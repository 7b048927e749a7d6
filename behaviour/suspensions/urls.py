from django.urls import path

from . import views

urlpatterns = [
    path("suspensions/", views.suspension_list, name="suspension_list"),
    path("suspensions/new/", views.suspension_create, name="suspension_create"),
    path("suspensions/<uuid:code>/", views.suspension_detail, name="suspension_detail"),
    path("suspensions/<uuid:code>/edit/", views.suspension_edit, name="suspension_edit"),
    path("suspensions/<uuid:code>/finalise/", views.suspension_finalise, name="suspension_finalise"),
    path("suspensions/<uuid:code>/void/", views.suspension_void, name="suspension_void"),
    path("suspensions/<uuid:code>/cancel/", views.suspension_cancel, name="suspension_cancel"),
    path("suspensions/<uuid:code>/governors/", views.governors_review_add, name="suspension_governors_review"),
    path("suspensions/<uuid:code>/review-panel/", views.review_panel_save, name="suspension_review_panel"),
    path(
        "suspensions/<uuid:code>/notifications/",
        views.suspension_notification_add,
        name="suspension_notification_add",
    ),
    path(
        "suspensions/<uuid:code>/reintegration/",
        views.suspension_reintegration_add,
        name="suspension_reintegration_add",
    ),
    path("governor-tasks/<uuid:code>/done/", views.governor_task_complete, name="governor_task_complete"),
]
