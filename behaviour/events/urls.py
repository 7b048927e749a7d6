from django.urls import path

from . import views

urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("log/", views.quick_log, name="quick_log"),
    path("events/<uuid:code>/", views.event_detail, name="event_detail"),
    path("events/<uuid:code>/edit/", views.event_edit, name="event_edit"),
    path("events/<uuid:code>/void/", views.event_void, name="event_void"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.category_form, name="category_create"),
    path("categories/<uuid:code>/", views.category_form, name="category_edit"),
    path("phrases/", views.phrase_list, name="phrase_list"),
    path("phrases/new/", views.phrase_form, name="phrase_create"),
    path("phrases/<uuid:code>/", views.phrase_form, name="phrase_edit"),
    path("rewards/", views.rewards, name="rewards"),
    path("rewards/milestones/", views.milestone_list, name="milestone_list"),
    path("rewards/milestones/new/", views.milestone_form, name="milestone_create"),
    path("rewards/milestones/<uuid:code>/", views.milestone_form, name="milestone_edit"),
]
