from django.urls import path

from . import views

urlpatterns = [
    path("voice/", views.voice_list, name="voice_list"),
    path("voice/new/", views.voice_new, name="voice_new"),
    path("voice/pupils/<uuid:code>/", views.voice_pupil, name="voice_pupil"),
    path("voice/<uuid:code>/", views.voice_detail, name="voice_detail"),
    path("voice/<uuid:code>/withdraw/", views.voice_withdraw, name="voice_withdraw"),
]
