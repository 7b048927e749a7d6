from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("pastoral.accounts.urls")),
    path("", include("pastoral.urls_core")),
    path("behaviour/", include("behaviour.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("provision/", include("provision.urls")),
    path("medical/", include("medical.urls")),
    path("admin/", admin.site.urls),
]
