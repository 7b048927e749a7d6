from django.urls import path

from . import views

urlpatterns = [
    path("keywork/", views.caseload, name="caseload"),
    path("keywork/sessions/", views.session_list, name="keywork_sessions"),
    path("keywork/assign/", views.assign, name="keywork_assign"),
    path("keywork/assignments/<uuid:code>/end/", views.assignment_end, name="keywork_assignment_end"),
    path("keywork/assignments/<uuid:code>/frequency/", views.assignment_frequency, name="keywork_frequency"),
    path("keywork/pupils/<uuid:code>/", views.keywork_pupil, name="keywork_pupil"),
    path("keywork/pupils/<uuid:code>/log/", views.session_log, name="keywork_log"),
    path("keywork/sessions/<uuid:code>/", views.session_detail, name="keywork_session"),
    path("keywork/sessions/<uuid:code>/concern/", views.session_concern, name="keywork_concern"),
    path("keywork/actions/<uuid:code>/done/", views.action_done, name="keywork_action_done"),
]
