"""Settings for the pastoral case-management app.

Every value comes from the environment with a safe development default.
Production sets DJANGO_DEBUG=false, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS;
a bad value fails loudly at start-up rather than half-working.
"""

import logging
import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

from pastoral.files.encryption import development_key, parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name, default=None):
    # `NAME_FILE` lets secrets come from a mounted file (Docker/K8s secrets).
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def database_from_url(url):
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "pastoral",
        "USER": unquote(parsed.username or "postgres"),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "127.0.0.1",
        "PORT": str(parsed.port or 5432),
        "CONN_MAX_AGE": DATABASE_CONN_MAX_AGE,
        "CONN_HEALTH_CHECKS": True,
    }


DEBUG = env_bool("DJANGO_DEBUG", True)

# runserver starts a thread per request and each thread keeps its own connection, so with debug on a
# connection is closed after each request; under gunicorn a worker reuses one for this many seconds.
DATABASE_CONN_MAX_AGE = env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60)

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")
    SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "pastoral",
    "behaviour",
    "safeguarding",
    "provision",
    "medical",
]

MIDDLEWARE = [
    # Outermost, so its one line per request has the final status and the whole duration.
    "pastoral.request_log.RequestLogMiddleware",
    # These three only add headers on the way out, so the request-limit refusals below carry them too.
    "django.middleware.security.SecurityMiddleware",
    "pastoral.middleware.SecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before anything that reads the body, so an oversized one is refused unread.
    "pastoral.request_limits.RequestLimitsMiddleware",
    # /healthz is answered here: before sessions, sign-in, two-factor, CSRF and the host check.
    "pastoral.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's SessionMiddleware, except that status polls do not count as activity (see not_activity).
    "pastoral.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pastoral.middleware.RequestContextMiddleware",
    "pastoral.middleware.MFARequiredMiddleware",
    # A provider's contact (alternative provision) reaches its portal and sign-in pages only.
    "provision.ap.portal.ProviderPortalMiddleware",
    "pastoral.middleware.NoStoreMiddleware",
    # Axes last so it sees the final response of a failed login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pastoral.urls"
WSGI_APPLICATION = "pastoral.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pastoral.context_processors.pastoral",
            ],
            "builtins": ["pastoral.templatetags.dates"],
        },
    },
]

# Two roles (see pastoral/dbroles.py): the app connects as a runtime role that
# owns nothing, so it cannot TRUNCATE the audit log or switch off its trigger;
# `manage.py migrate` connects as the owner role and then grants the runtime
# role what it needs. The defaults are development-only passwords and come as
# a pair: setting DATABASE_URL alone means one role does everything.
DEV_DATABASE_URL = "postgres://pastoral_app:pastoral-app-dev@127.0.0.1:5432/pastoral"
DEV_DATABASE_OWNER_URL = "postgres://pastoral_owner:pastoral-owner-dev@127.0.0.1:5432/pastoral"
DATABASE_URL = env_str("DATABASE_URL")
DATABASE_OWNER_URL = env_str("DATABASE_OWNER_URL")
if not DATABASE_URL and not DATABASE_OWNER_URL:
    DATABASE_URL, DATABASE_OWNER_URL = DEV_DATABASE_URL, DEV_DATABASE_OWNER_URL
if not DATABASE_URL:
    raise ImproperlyConfigured("DATABASE_OWNER_URL is set but DATABASE_URL (the runtime role) is not")
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Only the owner's user and password are used: it must name the same server and database.
DATABASE_OWNER = None
DATABASE_APP_ROLE = None
if DATABASE_OWNER_URL:
    owner_settings = database_from_url(DATABASE_OWNER_URL)
    if any(owner_settings[key] != DATABASES["default"][key] for key in ("NAME", "HOST", "PORT")):
        raise ImproperlyConfigured("DATABASE_OWNER_URL must name the same server and database as DATABASE_URL")
    if owner_settings["USER"] != DATABASES["default"]["USER"]:
        DATABASE_OWNER = {"USER": owner_settings["USER"], "PASSWORD": owner_settings["PASSWORD"]}
        # Granted SELECT/INSERT/UPDATE/DELETE after every migrate; on the audit log only SELECT and INSERT.
        DATABASE_APP_ROLE = DATABASES["default"]["USER"]
    del owner_settings
# Started with debug off, the app refuses to run connected as a PostgreSQL
# superuser (pastoral.database.refuse_superuser). Read from DEBUG here, at
# start-up, because the test runner turns settings.DEBUG off at run time.
DATABASE_REFUSE_SUPERUSER = not DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "pastoral.User"
AUTHENTICATION_BACKENDS = [
    # Axes must come first so a locked-out account never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "pastoral.accounts.auth_backends.UsernameOrEmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "pastoral:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "pastoral.accounts.password_validation.MFAAwareMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Idle timeout: the session cookie is renewed on every request, so it expires
# after this many minutes without activity.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Brute-force protection: 10 failures lock the account for the cool-off period
# (Cyber Essentials: no more than 10 guesses). The counter is kept per account however
# the name is typed, per browser that has completed a full sign-in, and per client address
# across all names (see pastoral/accounts/signin.py).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "pastoral.accounts.signin.lockout_username"
AXES_HANDLER = "pastoral.accounts.signin.SignInAxesHandler"
# The same address the audit log records: behind the TLS proxy, the proxy's own address
# would otherwise put every school in the country behind one counter.
AXES_CLIENT_IP_CALLABLE = "pastoral.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# Failed sign-ins from one address, across all names, within LOGIN_LOCKOUT_MINUTES before
# that address is paused. Well above a busy school's typing errors behind one NAT address;
# browsers that have signed in fully before are not paused and do not count.
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 40)
# How long a browser stays "known" after a full sign-in (0 turns known browsers off).
LOGIN_KNOWN_DEVICE_DAYS = env_int("LOGIN_KNOWN_DEVICE_DAYS", 90)
# Longest wait django-otp imposes after wrong two-factor codes (it doubles per wrong code).
MFA_THROTTLE_MAX_MINUTES = env_int("MFA_THROTTLE_MAX_MINUTES", 15)

# Password reset requests accepted per window, for one email address and for one client IP (a whole school
# may share one NAT address, so that limit is higher). Past either, the page looks the same but nothing is sent.
PASSWORD_RESET_LIMIT_PER_ADDRESS = env_int("PASSWORD_RESET_LIMIT_PER_ADDRESS", 3)
PASSWORD_RESET_LIMIT_PER_IP = env_int("PASSWORD_RESET_LIMIT_PER_IP", 20)
PASSWORD_RESET_LIMIT_WINDOW_MINUTES = env_int("PASSWORD_RESET_LIMIT_WINDOW_MINUTES", 60)

OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Pastoral")
# Sensitive objects: guardian must never fall back to superuser/global powers.
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# The one UK date and time format (see pastoral/formats/en_GB/formats.py).
FORMAT_MODULE_PATH = ["pastoral.formats"]
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Bootstrap comes from the npm registry at install time (package.json); only
# the dist folders are exposed, never node_modules as a whole.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules" / "bootstrap-icons" / "font"),
]


def file_storages(kind):
    """Uploads ("default") and built exports ("generated"): both on a filesystem every web node and worker mounts
    at the same path, or both in one S3-compatible bucket (see pastoral/files/storage.py). Either way every file is
    encrypted at rest with FILE_ENCRYPTION_KEYS."""
    if kind == "filesystem":
        return {
            "default": {"BACKEND": "pastoral.files.storage.EncryptedFileSystemStorage"},
            "generated": {"BACKEND": "pastoral.files.storage.GeneratedFilesStorage"},
        }
    if kind != "s3":
        raise ImproperlyConfigured(f"PASTORAL_STORAGE must be filesystem or s3, not {kind!r}")
    bucket = env_str("AWS_STORAGE_BUCKET_NAME")
    if not bucket:
        raise ImproperlyConfigured("PASTORAL_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        # Unset, boto3 finds credentials itself (an instance role, ~/.aws, its own environment variables).
        "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE") or None,
        # Pupil files are never public: each object is written private, and the only links the storage could
        # make are signed and short-lived. The app makes none: downloads stream through its checked views.
        "default_acl": env_str("AWS_DEFAULT_ACL", "private") or None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "custom_domain": None,
        "file_overwrite": False,
        # A download larger than this is buffered on local disk, not in the web process's memory.
        "max_memory_size": 2 * 1024 * 1024,
    }
    return {
        "default": {"BACKEND": "pastoral.files.s3.EncryptedS3Storage", "OPTIONS": {**options, "location": "media"}},
        "generated": {
            "BACKEND": "pastoral.files.s3.EncryptedS3Storage",
            "OPTIONS": {**options, "location": "generated"},
        },
    }


PASTORAL_STORAGE = env_str("PASTORAL_STORAGE", "filesystem")
STORAGES = {
    **file_storages(PASTORAL_STORAGE),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Source maps are two thirds of Bootstrap's bytes and only browser developer tools fetch them: compressing
# them (gzip and Brotli, maximum level) tripled collectstatic's time on every release for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Uploaded files (pupil photos, attachments) live outside the web root and are
# only ever served through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/files/"  # never routed; downloads go through views
# Uploaded files are readable by the app's own user only, and so are the folders holding them.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Exports and reports built by Celery: kept outside the web root and served only
# through the permission-checked download view, then deleted when they expire.
GENERATED_FILES_ROOT = Path(env_str("GENERATED_FILES_ROOT", str(BASE_DIR / "var" / "generated")))
GENERATED_FILE_DAYS = env_int("GENERATED_FILE_DAYS", 7)

# Every stored file (uploads and generated files) is encrypted at rest with Fernet keys (pastoral/files/encryption.py).
# PASTORAL_FILE_KEYS lists them newest first: the newest encrypts, every one listed decrypts, and
# `manage.py rotate_file_keys` re-encrypts everything with the newest. Production must set it: the app refuses to
# start without it, as without DJANGO_SECRET_KEY. With debug on, one key is derived from the secret key, so the
# files of a development or test database stay readable across restarts; it is not a secret worth the name.
FILE_ENCRYPTION_KEYS = parse_keys("PASTORAL_FILE_KEYS", env_str("PASTORAL_FILE_KEYS"))
if not FILE_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PASTORAL_FILE_KEYS must be set when DJANGO_DEBUG is false (stored files are encrypted with it). Make a "
            "key with: python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        )
    FILE_ENCRYPTION_KEYS = [development_key(SECRET_KEY, "files")]
# Backup archives (`manage.py backup`, `make backup`) are encrypted with another key, newest first like the file
# keys. Only the backup and restore commands read it; they refuse to run without it when debug is off.
BACKUP_ENCRYPTION_KEYS = parse_keys("PASTORAL_BACKUP_KEY", env_str("PASTORAL_BACKUP_KEY"))
if not BACKUP_ENCRYPTION_KEYS and DEBUG:
    BACKUP_ENCRYPTION_KEYS = [development_key(SECRET_KEY, "backups")]
# Where `manage.py backup` writes an archive when not given a file name.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(BASE_DIR / "var" / "backups")))
PUPIL_IMPORT_MAX_BYTES = env_int("PUPIL_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
BEHAVIOUR_ATTACHMENT_MAX_BYTES = env_int("BEHAVIOUR_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
SAFEGUARDING_ATTACHMENT_MAX_BYTES = env_int("SAFEGUARDING_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# Attendance marks from the MIS: about 330,000 rows fit in 10 MiB; a longer back-fill is imported a term at a time.
ATTENDANCE_IMPORT_MAX_BYTES = env_int("ATTENDANCE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# School days an `N` (reason not yet established) may stay before it is listed as overdue (statutory rules §7.2).
ATTENDANCE_N_CODE_SCHOOL_DAYS = env_int("ATTENDANCE_N_CODE_SCHOOL_DAYS", 5)
# The whole request body, files included, refused with 413 before it is read. By default the
# largest single upload plus 1 MB for the other fields and multipart framing; the reverse
# proxy's client_max_body_size should match it.
REQUEST_MAX_BYTES = env_int(
    "REQUEST_MAX_BYTES",
    max(
        PUPIL_IMPORT_MAX_BYTES,
        BEHAVIOUR_ATTACHMENT_MAX_BYTES,
        SAFEGUARDING_ATTACHMENT_MAX_BYTES,
        ATTENDANCE_IMPORT_MAX_BYTES,
    )
    + 1024 * 1024,
)
# Non-file form fields only (Django's own check); no form here posts anywhere near this much text.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# Files larger than this are spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_HANDLERS = [
    # Stops keeping a file once it passes the limit its view declares (pastoral.request_limits.upload_limit).
    "pastoral.request_limits.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pastoral@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis is the broker. CELERY_TASK_ALWAYS_EAGER runs tasks in-process
# (the demo falls back to it when Redis is not reachable).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# A worker process that dies mid-task (killed, out of memory) hands its task back to the queue at once.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# An export build is stopped after this many seconds (with a clear "took too long" message a minute earlier).
# The worker must use the prefork pool (the default): other pools cannot enforce time limits.
EXPORT_TIME_LIMIT_SECONDS = env_int("EXPORT_TIME_LIMIT_SECONDS", 600)
# A file still "running" this long after its build started was lost with its worker: it is shown as stopped,
# with "Try again", and the sweep marks it failed.
EXPORT_STALE_AFTER_SECONDS = EXPORT_TIME_LIMIT_SECONDS + env_int("EXPORT_STALE_MARGIN_SECONDS", 300)
# Redis gives a task whose worker vanished without acknowledging it to another worker after this long. It must
# exceed the longest export (or a slow build would be handed out twice) and every retry countdown.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", EXPORT_STALE_AFTER_SECONDS),
    # Each worker looks for such tasks every 10 s rather than kombu's default of every 100 s, so a task whose whole
    # worker (or machine) died is handed out again soon after its visibility timeout, not minutes later.
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# The worker and beat log through LOGGING below (JSON lines, error emails) instead of replacing it.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Follow-up tasks are saved with the change they follow (pastoral/outbox.py); the sweep publishes again those
# the broker did not get, waiting this long after a try (doubling, at most an hour), and gives up after
# OUTBOX_MAX_ATTEMPTS tries with an error in the log.
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 120)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 20)

# Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER_ENABLED=true.
if env_bool("SECURE_PROXY_SSL_HEADER_ENABLED", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Load balancers probe the app servers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Sent by pastoral.middleware.SecurityPolicyMiddleware. Scripts and styles load only from our own static
# files: templates hold no inline <script>, on* handlers or style= attributes (a test scans them), so
# neither 'unsafe-inline' nor 'unsafe-eval' is needed. data: images are Bootstrap's CSS icons.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
# Browser features no page uses (the body map and pupil photos need no camera), denied to every frame.
PERMISSIONS_POLICY_DENY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# Logs go to stdout (journald or the container runtime collects them). "json" writes one JSON object per
# line, including the request log (pastoral/request_log.py); "text" is for reading in a terminal.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO").upper()
if not isinstance(logging.getLevelName(LOG_LEVEL), int):
    raise ImproperlyConfigured(f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}")
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "text" if DEBUG else "json").lower()
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")


def admins_from(value):
    """'Name <a@b>, c@d' -> [("Name", "a@b"), ("c@d", "c@d")]."""
    admins = []
    for name, address in getaddresses([value or ""]):
        if not address:
            continue
        if "@" not in address:
            raise ImproperlyConfigured(f"DJANGO_ADMINS: {address!r} is not an email address")
        admins.append((name or address, address))
    return admins


# Who gets an email for each server error (500) and each ERROR logged, when debug is off.
ADMINS = admins_from(env_str("DJANGO_ADMINS", ""))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "pastoral.request_log.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "json": {"()": "pastoral.request_log.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
            # Leaves out what the request carried (form fields, query string, cookies): see the class.
            "reporter_class": "pastoral.request_log.ErrorReport",
        },
        "null": {"class": "logging.NullHandler"},
    },
    "root": {"handlers": ["console", "mail_admins"], "level": LOG_LEVEL},
    "loggers": {
        # Django's own defaults would print to stderr in a second format and mail admins a second time.
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # runserver's line per request repeats pastoral.request's, query string included.
        "django.server": {"handlers": ["null"], "propagate": False},
        # Scanners send other Host headers all day: logged, but not worth an email each.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        "axes": {"level": "WARNING"},
    },
}

# Axes wants the IP in the lockout key, but a whole school signs in from one
# NAT address: locking by IP would shut every colleague out after ten typos.
# Accounts are locked by username instead (Cyber Essentials' rule).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
