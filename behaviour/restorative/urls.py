from django.urls import path

from . import views

urlpatterns = [
    path("restorative/", views.restorative_list, name="restorative_list"),
    path("restorative/new/", views.restorative_create, name="restorative_create"),
    path("restorative/<uuid:code>/", views.restorative_detail, name="restorative_detail"),
    path("restorative/<uuid:code>/void/", views.restorative_void, name="restorative_void"),
]
