from django.urls import path

from . import views

urlpatterns = [
    path("subject-access/", views.sar_list, name="sar_list"),
    path("pupils/<uuid:code>/subject-access/new/", views.sar_create, name="sar_create"),
    path("subject-access/<uuid:code>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<uuid:code>/identity/", views.sar_identity, name="sar_identity"),
    path("subject-access/<uuid:code>/extend/", views.sar_extend, name="sar_extend"),
    path("subject-access/<uuid:code>/close/", views.sar_close, name="sar_close"),
]
