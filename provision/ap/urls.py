from django.urls import path

from . import views

urlpatterns = [
    path("ap/", views.dashboard, name="ap_dashboard"),
]
