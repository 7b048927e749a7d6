"""Test overrides: same Postgres engine, fast hashing, in-memory mail, eager Celery by default."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# live_server serves static files through the finders, which do not know
# WhiteNoise's hashed names.
STORAGES = {
    **file_storages("filesystem"),  # noqa: F405 - tests that need S3 switch to it themselves
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
GENERATED_FILES_ROOT = BASE_DIR / "var" / "test-generated"  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
