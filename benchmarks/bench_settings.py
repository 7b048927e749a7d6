"""Settings for the trust-scale benchmark's server: production settings from the environment, plus the minimal
page the pages are compared with and a query count on every response. Never used by a real deployment."""

from pastoral.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
# Outermost, so the count includes the session and user loads and the session save.
MIDDLEWARE = ["benchmarks.bench_views.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
