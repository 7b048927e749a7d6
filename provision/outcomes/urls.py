from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/stars/", views.star_list, name="star_list"),
    path("outcomes/sdq/", views.sdq_list, name="sdq_list"),
    path("outcomes/pupils/<uuid:code>/", views.pupil_measures, name="outcomes_pupil"),
    path("outcomes/pupils/<uuid:code>/star/", views.star_new, name="star_new"),
    path("outcomes/pupils/<uuid:code>/sdq/", views.sdq_new, name="sdq_new"),
    path("outcomes/stars/<uuid:code>/", views.star_detail, name="star_detail"),
    path("outcomes/stars/<uuid:code>/withdraw/", views.star_withdraw, name="star_withdraw"),
    path("outcomes/sdq/<uuid:code>/", views.sdq_detail, name="sdq_detail"),
    path("outcomes/sdq/<uuid:code>/withdraw/", views.sdq_withdraw, name="sdq_withdraw"),
]
