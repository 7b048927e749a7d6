"""The provision app's one URLconf: each sub-area's pages."""

from django.urls import path

from .outcomes.pack import review_pack_request
from .outcomes.urls import urlpatterns as outcomes
from .plans.urls import urlpatterns as plans
from .voice.urls import urlpatterns as voice

app_name = "provision"

urlpatterns = [
    *plans,
    *outcomes,
    *voice,
    path("outcomes/pupils/<uuid:code>/review-pack/", review_pack_request, name="review_pack"),
]
