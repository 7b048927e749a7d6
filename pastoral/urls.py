from django.contrib import admin
from django.urls import include, path

from pastoral import health

# The 403 page offers a headteacher or trust DSL the emergency opening of a record (pastoral.breakglass).
handler403 = "pastoral.breakglass_views.permission_denied"

urlpatterns = [
    # Answered by health.HealthCheckMiddleware before sessions and sign-in; routed too, so it resolves and
    # reverses like any other page.
    path(health.PATH.lstrip("/"), health.healthz, name="healthz"),
    path("accounts/", include("pastoral.accounts.urls")),
    path("", include("pastoral.urls_core")),
    path("behaviour/", include("behaviour.urls")),
    path("safeguarding/", include("safeguarding.urls")),
    path("provision/", include("provision.urls")),
    path("medical/", include("medical.urls")),
    path("admin/", admin.site.urls),
]
