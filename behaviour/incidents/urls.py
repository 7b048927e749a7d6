from django.urls import path

from . import views

urlpatterns = [
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
