"""The behaviour app's one URLconf: each sub-area's pages, and the pupil and incident pickers their forms share."""

from django.urls import path

from . import views
from .analytics.urls import urlpatterns as analytics
from .detentions.urls import urlpatterns as detentions
from .events.urls import urlpatterns as events
from .incidents.urls import urlpatterns as incidents
from .interventions.urls import urlpatterns as interventions
from .removals.urls import urlpatterns as removals
from .restorative.urls import urlpatterns as restorative
from .rules.urls import urlpatterns as rules
from .suspensions.urls import urlpatterns as suspensions

app_name = "behaviour"

urlpatterns = [
    path("log/pupils/", views.pupil_picker, name="pupil_picker"),
    path("log/incidents/", views.incident_picker, name="incident_picker"),
    *events,
    *removals,
    *restorative,
    *suspensions,
    *analytics,
    *incidents,
    *interventions,
    *detentions,
    *rules,
]
