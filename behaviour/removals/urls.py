from django.urls import path

from . import views

urlpatterns = [
    path("removals/", views.removal_list, name="removal_list"),
    path("removals/new/", views.removal_create, name="removal_create"),
    path("removals/<uuid:code>/", views.removal_detail, name="removal_detail"),
    path("removals/<uuid:code>/void/", views.removal_void, name="removal_void"),
    path("removals/<uuid:code>/parents-told/", views.removal_parents_told, name="removal_parents_told"),
]
