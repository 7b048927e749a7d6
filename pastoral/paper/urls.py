from django.urls import path

from . import views

urlpatterns = [
    path("paper/", views.paper_home, name="paper_home"),
    path("paper/entries/<uuid:code>/", views.paper_record, name="paper_record"),
    path("paper/scans/<uuid:code>/", views.paper_scan, name="paper_scan"),
]
