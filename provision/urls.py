"""The provision app's one URLconf: each sub-area's pages."""

from django.urls import path

from .ap.urls import urlpatterns as ap
from .interventions.urls import urlpatterns as interventions
from .keywork.urls import urlpatterns as keywork
from .outcomes.pack import review_pack_request
from .outcomes.urls import urlpatterns as outcomes
from .plans.urls import urlpatterns as plans
from .visits.urls import urlpatterns as visits
from .voice.urls import urlpatterns as voice

app_name = "provision"

urlpatterns = [
    *plans,
    *keywork,
    *interventions,
    *visits,
    *outcomes,
    *voice,
    path("outcomes/pupils/<uuid:code>/review-pack/", review_pack_request, name="review_pack"),
    *ap,
]
