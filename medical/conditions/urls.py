from django.urls import path

from . import views

urlpatterns = [
    path("pupils/search/", views.pupil_picker, name="pupil_picker"),
    path("conditions/", views.condition_list, name="condition_list"),
    path("conditions/new/", views.condition_create, name="condition_create"),
    path("conditions/<uuid:code>/", views.condition_detail, name="condition_detail"),
    path("conditions/<uuid:code>/edit/", views.condition_edit, name="condition_edit"),
    path("conditions/<uuid:code>/void/", views.condition_void, name="condition_void"),
    path("conditions/list/", views.condition_type_list, name="condition_type_list"),
    path("conditions/list/new/", views.condition_type_edit, name="condition_type_create"),
    path("conditions/list/<uuid:code>/", views.condition_type_edit, name="condition_type_edit"),
]
