from django.urls import path

from . import views

urlpatterns = [
    path("emergency-card/", views.emergency_card, name="emergency_card"),
    path("register/", views.medical_register, name="register"),
]
