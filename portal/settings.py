"""Settings for the portal. Every deployment-specific value comes from the environment.

Defaults are safe: DEBUG is off, a SECRET_KEY is required unless DEBUG is on, the database is
a SQLite file under ``var/`` and, without REDIS_URL, Celery uses an embedded file broker so the
portal runs with no servers at all.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=1 for local development).")
    SECRET_KEY = "insecure-local-development-key-do-not-deploy"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.core",
    "portal.core.accounts",
    "portal.core.security",
    "portal.core.audit",
    "portal.core.organisations",
    "portal.core.notifications",
    "portal.features.digests",
    "portal.features.training",
    "portal.features.standards",
    "portal.features.reporting",
    "cms",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",  # allauth's passkey list uses its filters
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.core.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.core.security.input_guard.HostileInputMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.core.security.sessions.PrivilegedSessionMiddleware",
    "portal.core.security.mfa.RequireMFAMiddleware",
    "cms.middleware.EditorAccessMiddleware",
    # Limits the views declare, counted before the page cache can answer.
    "portal.core.security.ratelimit.RateLimitMiddleware",
    # Whole pages shared by readers with the same grants; it needs the user, and every
    # middleware above still sees (and adds its headers and cookies to) a cached page.
    "portal.core.pagecache.PageCacheMiddleware",
    # Wagtail's redirects, followed only to pages the reader may see.
    "cms.redirects.ReaderRedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
                "portal.core.security.headers.csp_nonce",
            ],
        },
    },
]

# Database: DATABASE_URL, or a SQLite file for the embedded default run.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Connections are kept between requests (checked before reuse): opening one costs
        # PostgreSQL more than a cached page does.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the identity, and it must be verified before an account is used.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_ADAPTER = "portal.core.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "portal.core.accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cyber Responsibility Portal] "
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Passkeys need HTTPS or http://localhost, which browsers and python-fido2 both accept, so the
# origin check stays on everywhere (MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN would turn it off).
# Site admins, moderators, organisation admins, publishers and editors must use two-factor
# authentication (portal.core.security.mfa). Turning this off is for tests of other things.
PORTAL_MFA_REQUIRED = env_bool("PORTAL_MFA_REQUIRED", True)
MFA_TOTP_ISSUER = "Cyber Responsibility Portal"

# Security notices by email when a password, email address or two-factor method changes, and
# the password again before changing an email address or two-factor methods.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Personal API tokens: read-only, and expire after this many days unless chosen otherwise.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 90)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Email
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Security: on by default outside DEBUG, so production passes `check --deploy`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is hard to undo, so it is the operator's choice
# (SECURE_HSTS_PRELOAD=1), not a default; its reminder is silenced until then.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 14 * 24 * 3600)
# Site admins, moderators, organisation admins, publishers and editors are signed out after
# 30 minutes without a request and 12 hours after signing in (portal.core.security.sessions).
PRIVILEGED_SESSION_IDLE_TIMEOUT = env_int("PRIVILEGED_SESSION_IDLE_TIMEOUT", 30 * 60)
PRIVILEGED_SESSION_MAX_AGE = env_int("PRIVILEGED_SESSION_MAX_AGE", 12 * 3600)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Celery: Redis when REDIS_URL is set, otherwise an embedded file broker under var/.
REDIS_URL = env_str("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    _queue_dir = VAR_DIR / "celery-queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery-processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(VAR_DIR / "celery-control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Digests under a flaky mail server (docs/digests.md): a message is tried a few times within
# its chunk; a delivery that still fails waits a capped, doubling backoff; runs have a deadline.
DIGEST_SEND_TRIES = env_int("DIGEST_SEND_TRIES", 4)  # tries of one message within a chunk
DIGEST_SEND_PAUSE_MS = env_int("DIGEST_SEND_PAUSE_MS", 50)  # between them, doubled, jittered
DIGEST_RETRY_BACKOFF = env_int("DIGEST_RETRY_BACKOFF", 30)  # seconds, doubled per attempt
DIGEST_RETRY_BACKOFF_MAX = env_int("DIGEST_RETRY_BACKOFF_MAX", 900)  # the cap, seconds
DIGEST_BREAKER_AFTER = env_int("DIGEST_BREAKER_AFTER", 5)  # failed connections in a row
DIGEST_BREAKER_DELAY = env_int("DIGEST_BREAKER_DELAY", 60)  # first pause, doubled, capped
DIGEST_RUN_DEADLINE = env_int("DIGEST_RUN_DEADLINE", 0)  # seconds; 0: the next window's end
DIGEST_STALE_AFTER = env_int("DIGEST_STALE_AFTER", 900)  # an unrefreshed claim: a dead worker
TRAINING_RETRY_BACKOFF = env_int("TRAINING_RETRY_BACKOFF", 30)  # training reminders
CELERY_BEAT_SCHEDULE = {
    "repair-search-drift": {"task": "search.repair_drift", "schedule": 3600.0},
    "daily-digest": {"task": "digests.start_run", "args": ["daily"],
                     "schedule": crontab(hour=6, minute=0)},
    "weekly-digest": {"task": "digests.start_run", "args": ["weekly"],
                      "schedule": crontab(hour=6, minute=30, day_of_week="mon")},
    "sweep-digests": {"task": "digests.sweep",
                      "schedule": crontab(minute="*/10")},
    "reporting-deadlines": {"task": "reporting.check_deadlines",
                            "schedule": crontab(minute=15)},
    "reporting-purge": {"task": "reporting.purge",
                        "schedule": crontab(hour=3, minute=40)},
    "purge-audit-trail": {"task": "audit.purge", "schedule": crontab(hour=3, minute=15)},
    "training-reminders": {"task": "training.send_reminders",
                           "schedule": crontab(hour=7, minute=0)},
    "sweep-training-reminders": {"task": "training.sweep",
                                 "schedule": crontab(minute="5-59/10")},
}
# The security audit trail keeps events this many days, and their IP addresses fewer.
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
AUDIT_IP_RETENTION_DAYS = env_int("AUDIT_IP_RETENTION_DAYS", 90)
# Confidential reporting: wrong receipt codes allowed per client and in total per hour.
REPORTING_WRONG_CODES_PER_CLIENT = env_int("REPORTING_WRONG_CODES_PER_CLIENT", 10)
REPORTING_WRONG_CODES_GLOBAL = env_int("REPORTING_WRONG_CODES_GLOBAL", 300)

# Cache: Redis when available, so rate limits (the portal's and allauth's), used TOTP codes
# and cached pages are shared between processes (docs/performance.md: what is cached). Without
# Redis, a file cache under var/ that every process of this host shares, rather than a
# per-process memory cache that would count per worker.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                          "LOCATION": str(VAR_DIR / "cache"),
                          "OPTIONS": {"MAX_ENTRIES": 50_000}}}
# Requests per caller (user, API token, or IP address for anonymous callers): N/s, N/m, N/h.
PORTAL_RATE_LIMITS = {
    "search": env_str("SEARCH_RATE_LIMIT", "60/m"),
    "search_api": env_str("SEARCH_API_RATE_LIMIT", "120/m"),
    "autocomplete": env_str("AUTOCOMPLETE_RATE_LIMIT", "300/m"),
}
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)  # anonymous pages, on the server
PAGE_CACHE_MAX_AGE = env_int("PAGE_CACHE_MAX_AGE", 60)  # ... in browsers and CDNs
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 600)  # per-grants parts of pages

# Wagtail
WAGTAIL_SITE_NAME = "Cyber Responsibility Portal"
WAGTAILADMIN_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000")
PORTAL_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# The portal's own search (search/): "database" (SQLite FTS5 or PostgreSQL full-text) or
# "elasticsearch" (needs ELASTICSEARCH_URL).
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "database")
if SEARCH_BACKEND not in ("database", "elasticsearch"):
    raise ImproperlyConfigured("SEARCH_BACKEND must be database or elasticsearch")
# The database backend counts facets exactly while a search has at most this many entries to
# look at, and on a uniform sample of about SEARCH_SAMPLE_SIZE of them beyond (the counts are
# then shown as approximate). 0 counts exactly always.
SEARCH_EXACT_COUNT_LIMIT = env_int("SEARCH_EXACT_COUNT_LIMIT", 10_000) or None
SEARCH_SAMPLE_SIZE = env_int("SEARCH_SAMPLE_SIZE", 5_000)
ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
ELASTICSEARCH_INDEX = env_str("ELASTICSEARCH_INDEX", "portal-items")
if SEARCH_BACKEND == "elasticsearch" and not ELASTICSEARCH_URL:
    raise ImproperlyConfigured("SEARCH_BACKEND=elasticsearch needs ELASTICSEARCH_URL")
# Documents always pass through Django so the access policy decides every download.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from Gravatar: that would send a hash of each editor's email to a third party
# (and the Content-Security-Policy allows images from this site only).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# An approved submission is published by its approver, who under four eyes may not publish
# directly (cms.four_eyes).
WAGTAIL_FINISH_WORKFLOW_ACTION = "cms.workflow_finish.publish_approved"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Wagtail runs its index and reference updates as tasks that log every step.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}
