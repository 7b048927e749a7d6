from django.urls import path

from . import views

urlpatterns = [
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<uuid:code>/", views.visit_edit, name="visit_edit"),
]
