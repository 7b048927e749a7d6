from django.urls import path

from . import views

urlpatterns = [
    path("detentions/", views.session_list, name="detention_sessions"),
    path("detentions/new/", views.detention_create, name="detention_create"),
    path("detentions/day/", views.day_list, name="detention_day"),
    path("detentions/types/", views.type_list, name="detention_types"),
    path("detentions/types/new/", views.type_form, name="detention_type_create"),
    path("detentions/types/<uuid:code>/", views.type_form, name="detention_type_edit"),
    path("detentions/types/<uuid:code>/sessions/", views.type_sessions, name="detention_type_sessions"),
    path("detentions/sessions/<uuid:code>/", views.session_detail, name="detention_session"),
    path("detentions/sessions/<uuid:code>/edit/", views.session_edit, name="detention_session_edit"),
    path("detentions/pupils/<uuid:code>/", views.pupil_list, name="detention_pupil_list"),
    path("detentions/<uuid:code>/", views.detention_detail, name="detention_detail"),
    path("detentions/<uuid:code>/notice/", views.detention_notice, name="detention_notice"),
    path("detentions/<uuid:code>/mark/", views.detention_mark, name="detention_mark"),
    path("detentions/<uuid:code>/reschedule/", views.detention_reschedule, name="detention_reschedule"),
    path("detentions/<uuid:code>/void/", views.detention_void, name="detention_void"),
]
