from django.urls import path

from . import views

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_start, name="plan_start"),
    path("plans/settings/", views.review_settings, name="plan_settings"),
    path("plans/from-suspension/<uuid:code>/", views.plan_from_suspension, name="plan_from_suspension"),
    path("plans/<uuid:code>/", views.plan_detail, name="plan_detail"),
    path("plans/<uuid:code>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<uuid:code>/agree/", views.plan_activate, name="plan_activate"),
    path("plans/<uuid:code>/review/", views.plan_review, name="plan_review"),
    path("plans/<uuid:code>/versions/", views.plan_versions, name="plan_versions"),
    path("plans/<uuid:code>/end/", views.plan_end, name="plan_end"),
    path("plans/<uuid:code>/share/", views.plan_share, name="plan_share"),
    path("plans/<uuid:code>/shares/<uuid:share_code>/remove/", views.plan_unshare, name="plan_unshare"),
    path("plans/<uuid:code>/acknowledge/", views.plan_acknowledge, name="plan_acknowledge"),
    path("plans/<uuid:code>/pictures/<uuid:image_code>/", views.story_image, name="story_image"),
]
