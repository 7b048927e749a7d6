from django.urls import path

from . import views

urlpatterns = [
    path("pupils/<uuid:code>/meetings/", views.pupil_meetings, name="pupil_meetings"),
    path("pupils/<uuid:code>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<uuid:code>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<uuid:code>/report/", views.meeting_report, name="meeting_report"),
    path("meetings/actions/<uuid:code>/done/", views.meeting_action_done, name="meeting_action_done"),
]
