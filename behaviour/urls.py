from django.urls import path

from . import views
from .interventions import views as intervention_views

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
    path("interventions/", intervention_views.intervention_list, name="intervention_list"),
    path("interventions/new/", intervention_views.intervention_create, name="intervention_create"),
    path("interventions/oversight/", intervention_views.intervention_oversight, name="intervention_oversight"),
    path("interventions/oversight.csv", intervention_views.intervention_csv, name="intervention_csv"),
    path("interventions/techniques/", intervention_views.technique_list, name="technique_list"),
    path("interventions/techniques/new/", intervention_views.technique_form, name="technique_create"),
    path("interventions/techniques/defaults/", intervention_views.technique_seed, name="technique_seed"),
    path("interventions/techniques/<uuid:code>/", intervention_views.technique_form, name="technique_edit"),
    path("interventions/<uuid:code>/", intervention_views.intervention_detail, name="intervention_detail"),
    path(
        "interventions/<uuid:code>/parents/",
        intervention_views.intervention_parent_report,
        name="intervention_parent_report",
    ),
    path("interventions/<uuid:code>/withhold/", intervention_views.intervention_withhold, name="intervention_withhold"),
    path(
        "interventions/<uuid:code>/debrief/pupil/",
        intervention_views.intervention_pupil_debrief,
        name="intervention_pupil_debrief",
    ),
    path(
        "interventions/<uuid:code>/debrief/staff/",
        intervention_views.intervention_staff_debrief,
        name="intervention_staff_debrief",
    ),
    path("interventions/<uuid:code>/review/", intervention_views.intervention_review, name="intervention_review"),
    path("interventions/<uuid:code>/void/", intervention_views.intervention_void, name="intervention_void"),
    path("training/", intervention_views.training_list, name="training_list"),
    path("training/new/", intervention_views.training_form, name="training_create"),
    path("training/expiring/", intervention_views.training_expiring, name="training_expiring"),
    path("training/<uuid:code>/", intervention_views.training_form, name="training_edit"),
    path("training/<uuid:code>/certificate/", intervention_views.training_certificate, name="training_certificate"),
    path("training/<uuid:code>/void/", intervention_views.training_void, name="training_void"),
]
