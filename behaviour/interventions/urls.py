from django.urls import path

from . import views

urlpatterns = [
    path("interventions/", views.intervention_list, name="intervention_list"),
    path("interventions/new/", views.intervention_create, name="intervention_create"),
    path("interventions/oversight/", views.intervention_oversight, name="intervention_oversight"),
    path("interventions/techniques/", views.technique_list, name="technique_list"),
    path("interventions/techniques/new/", views.technique_form, name="technique_create"),
    path("interventions/techniques/defaults/", views.technique_seed, name="technique_seed"),
    path("interventions/techniques/<uuid:code>/", views.technique_form, name="technique_edit"),
    path("interventions/<uuid:code>/", views.intervention_detail, name="intervention_detail"),
    path(
        "interventions/<uuid:code>/parents/",
        views.intervention_parent_report,
        name="intervention_parent_report",
    ),
    path("interventions/<uuid:code>/withhold/", views.intervention_withhold, name="intervention_withhold"),
    path(
        "interventions/<uuid:code>/debrief/pupil/",
        views.intervention_pupil_debrief,
        name="intervention_pupil_debrief",
    ),
    path(
        "interventions/<uuid:code>/debrief/staff/",
        views.intervention_staff_debrief,
        name="intervention_staff_debrief",
    ),
    path("interventions/<uuid:code>/review/", views.intervention_review, name="intervention_review"),
    path("interventions/<uuid:code>/void/", views.intervention_void, name="intervention_void"),
    path("training/", views.training_list, name="training_list"),
    path("training/new/", views.training_form, name="training_create"),
    path("training/expiring/", views.training_expiring, name="training_expiring"),
    path("training/<uuid:code>/", views.training_form, name="training_edit"),
    path("training/<uuid:code>/certificate/", views.training_certificate, name="training_certificate"),
    path("training/<uuid:code>/void/", views.training_void, name="training_void"),
]
