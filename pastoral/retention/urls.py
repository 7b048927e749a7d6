from django.urls import path

from . import views

urlpatterns = [
    path("retention/", views.retention_home, name="retention_home"),
    path("retention/holds/", views.retention_holds, name="retention_holds"),
    path("retention/holds/<uuid:code>/release/", views.retention_hold_release, name="retention_hold_release"),
    path("retention/log/", views.retention_log, name="retention_log"),
    path("retention/<uuid:school>/<str:record_type>/", views.retention_batch, name="retention_batch"),
    path("retention/<uuid:school>/<str:record_type>/dispose/", views.retention_dispose, name="retention_dispose"),
    path("retention/<uuid:school>/<str:record_type>/extend/", views.retention_extend, name="retention_extend"),
]
