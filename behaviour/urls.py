from django.urls import path

from . import suspension_views, views
from .analytics_views import analytics_csv, analytics_page

app_name = "behaviour"

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("log/", views.quick_log, name="quick_log"),
    path("log/pupils/", views.pupil_picker, name="pupil_picker"),
    path("events/<uuid:code>/", views.event_detail, name="event_detail"),
    path("events/<uuid:code>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:code>/void/", views.event_void, name="event_void"),
    path("removals/", views.removal_list, name="removal_list"),
    path("removals/new/", views.removal_create, name="removal_create"),
    path("removals/<uuid:code>/", views.removal_detail, name="removal_detail"),
    path("removals/<uuid:code>/void/", views.removal_void, name="removal_void"),
    path("restorative/", views.restorative_list, name="restorative_list"),
    path("restorative/new/", views.restorative_create, name="restorative_create"),
    path("restorative/<uuid:code>/", views.restorative_detail, name="restorative_detail"),
    path("restorative/<uuid:code>/void/", views.restorative_void, name="restorative_void"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_form, name="category_create"),
    path("categories/<uuid:code>/", views.category_form, name="category_edit"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/milestones/", views.milestone_list, name="milestone_list"),
    path("rewards/milestones/new/", views.milestone_form, name="milestone_create"),
    path("rewards/milestones/<uuid:code>/", views.milestone_form, name="milestone_edit"),
    path("suspensions/", suspension_views.suspension_list, name="suspension_list"),
    path("suspensions/new/", suspension_views.suspension_create, name="suspension_create"),
    path("suspensions/<uuid:code>/", suspension_views.suspension_detail, name="suspension_detail"),
    path("suspensions/<uuid:code>/edit/", suspension_views.suspension_edit, name="suspension_edit"),
    path("suspensions/<uuid:code>/finalise/", suspension_views.suspension_finalise, name="suspension_finalise"),
    path("suspensions/<uuid:code>/void/", suspension_views.suspension_void, name="suspension_void"),
    path(
        "suspensions/<uuid:code>/notifications/",
        suspension_views.suspension_notification_add,
        name="suspension_notification_add",
    ),
    path(
        "suspensions/<uuid:code>/reintegration/",
        suspension_views.suspension_reintegration_add,
        name="suspension_reintegration_add",
    ),
    path("governor-tasks/<uuid:code>/done/", suspension_views.governor_task_complete, name="governor_task_complete"),
    path("analytics/", analytics_page, name="analytics"),
    path("analytics/events.csv", analytics_csv, name="analytics_csv"),
]
urlpatterns += [
    path("events/<uuid:code>/incident/", views.incident_create, name="incident_create"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<uuid:code>/", views.incident_detail, name="incident_detail"),
    path("incidents/<uuid:code>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<uuid:code>/void/", views.incident_void, name="incident_void"),
    path("incidents/<uuid:code>/actions/", views.follow_up_create, name="follow_up_create"),
    path("actions/<uuid:code>/done/", views.follow_up_done, name="follow_up_done"),
    path("incidents/<uuid:code>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<uuid:code>/", views.attachment_download, name="attachment_download"),
    path("bullying/", views.bullying_list, name="bullying_list"),
    path("bullying/new/", views.bullying_create, name="bullying_create"),
    path("bullying/patterns/", views.bullying_patterns, name="bullying_patterns"),
    path("bullying/<uuid:code>/", views.bullying_detail, name="bullying_detail"),
    path("bullying/<uuid:code>/void/", views.bullying_void, name="bullying_void"),
    path("bullying/<uuid:code>/outcome/", views.bullying_outcome, name="bullying_outcome"),
]
