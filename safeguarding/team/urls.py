from django.urls import path

from . import views

urlpatterns = [
    path("team/", views.team_page, name="team"),
    path("team/cover/<uuid:code>/cancel/", views.cover_cancel, name="cover_cancel"),
]
