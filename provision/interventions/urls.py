from django.urls import path

from . import views

urlpatterns = [
    path("interventions/", views.group_list, name="intervention_groups"),
    path("interventions/new/", views.group_start, name="group_start"),
    path("interventions/programmes/", views.programme_list, name="programme_list"),
    path("interventions/programmes/new/", views.programme_create, name="programme_create"),
    path("interventions/programmes/<uuid:code>/", views.programme_edit, name="programme_edit"),
    path("interventions/programmes/<uuid:code>/impact/", views.programme_impact, name="programme_impact"),
    path("interventions/<uuid:code>/", views.group_detail, name="group_detail"),
    path("interventions/<uuid:code>/pupils/", views.member_add, name="group_member_add"),
    path("interventions/<uuid:code>/session/", views.session_record, name="group_session"),
    path("interventions/<uuid:code>/finish/", views.group_finish, name="group_finish"),
    path("interventions/<uuid:code>/impact/", views.group_impact, name="group_impact"),
    path("interventions/members/<uuid:code>/", views.member_rate, name="group_member_rate"),
]
