"""The provision app's one URLconf: each sub-area's pages."""

from .interventions.urls import urlpatterns as interventions
from .keywork.urls import urlpatterns as keywork
from .plans.urls import urlpatterns as plans
from .visits.urls import urlpatterns as visits

app_name = "provision"

urlpatterns = [
    *plans,
    *keywork,
    *interventions,
    *visits,
]
