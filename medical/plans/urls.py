from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:code>/review/", views.plan_review, name="plan_review"),
    path("plans/<uuid:code>/versions/<int:version>/", views.plan_version, name="plan_version"),
]
