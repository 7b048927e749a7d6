from django.urls import path

from . import views

urlpatterns = [
    path("adults/raise/", views.case_raise, name="adult_raise"),
    path("adults/received/<uuid:code>/", views.case_receipt, name="adult_receipt"),
    path("adults/", views.case_list, name="adult_case_list"),
    path("adults/patterns/", views.patterns, name="adult_patterns"),
    path("adults/patterns/review/", views.review_record, name="adult_review"),
    path("adults/settings/", views.case_settings, name="adult_settings"),
    path("adults/<uuid:code>/", views.case_detail, name="adult_case_detail"),
    path("adults/<uuid:code>/lado/", views.case_lado, name="adult_lado"),
    path("adults/<uuid:code>/strategy/", views.case_strategy, name="adult_strategy"),
    path("adults/<uuid:code>/suspension/", views.case_suspension, name="adult_suspension"),
    path("adults/<uuid:code>/conclude/", views.case_conclude, name="adult_conclude"),
]
