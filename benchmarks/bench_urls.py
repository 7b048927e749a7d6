"""The app's URLs plus the benchmark's minimal page (mounted by benchmarks.bench_settings only)."""

from django.urls import include, path

from benchmarks.bench_views import minimal

urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("pastoral.urls")),
]
