"""The medical app's one URLconf: the overview, the pupil's medical record and each sub-area's pages."""

from django.urls import path

from . import pupil_views
from .conditions.urls import urlpatterns as conditions
from .emergency.urls import urlpatterns as emergency
from .first_aid.urls import urlpatterns as first_aid
from .medication.urls import urlpatterns as medication
from .plans.urls import urlpatterns as plans

app_name = "medical"

urlpatterns = [
    path("", pupil_views.overview, name="overview"),
    path("pupils/<uuid:code>/", pupil_views.pupil_record, name="pupil_record"),
    *conditions,
    *plans,
    *medication,
    *first_aid,
    *emergency,
]
