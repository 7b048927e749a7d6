"""The provision app's one URLconf: each sub-area's pages."""

from .ap.urls import urlpatterns as ap
from .plans.urls import urlpatterns as plans

app_name = "provision"

urlpatterns = [
    *plans,
    *ap,
]
