"""
Settings for the medical Q&A site, read from environment variables.

Local development needs nothing set: SQLite in the project folder, DEBUG on, a
throw-away secret key. Production is chosen with ``DJANGO_ENV=production`` and
then refuses to start without a real ``SECRET_KEY``, ``DATABASE_URL`` and
``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENT = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY:
        raise ImproperlyConfigured("Production needs SECRET_KEY: a random string of 50 characters or more.")
    if not os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured("Production needs DATABASE_URL, e.g. postgres://user:pass@host:5432/dbname.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS, a comma-separated list of host names.")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production.")

INSTALLED_APPS = [
    "qa_site.apps.HardenedAdminConfig",  # django.contrib.admin, malformed input answered 400
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "references",
    "articles",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Database unreachable: a 503 page with Retry-After and one log line per burst (qa_site/errors.py).
    "qa_site.errors.DatabaseUnavailableMiddleware",
    # Content-Security-Policy (no inline script or style on public pages) and Permissions-Policy.
    "qa_site.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages: answered from the shared page cache before sessions and CSRF run; on the way
    # out, ETag and 304 (ConditionalGet) and Cache-Control public or private (articles.http_cache).
    "articles.cache.PageCacheMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "articles.http_cache.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: refuses logins after too many failures.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qa_site.urls"

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
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "qa_site.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Caching: local memory by default, Redis when several servers share one. A Redis outage is
# logged once a minute and pages are served without the cache (qa_site/resilient_cache.py).
# The same Redis also carries the page generation to every process (articles/generation.py).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "qa_site.resilient_cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # A dead server must not hold a page for long: fail fast, then skip the cache for a few seconds.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qa-site"}}

# django-markdownx: the admin preview goes through the same sanitising pipeline as the site.
# The live preview is articles.preview (routed at markdownx's address): limits first, then the pipeline.
MARKDOWNX_EDITOR_RESIZABLE = True

# Request size limits (Django refuses more with a 400): the article form's largest honest post is
# 15 texts of 30,000 characters plus 200 attached references, far below both.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form data (files are not accepted anywhere)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

# Medical review cadence: approval sets "Next review due" this many months later.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("REVIEW_INTERVAL_MONTHS", "12"))

# How long a public page may be reused from a shared cache (s-maxage, and the app's own page cache)
# at most, in seconds; publishing purges it sooner. Browsers reuse it for HTTP_CACHE_MAX_AGE.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
HTTP_CACHE_S_MAXAGE = PAGE_CACHE_SECONDS
HTTP_CACHE_MAX_AGE = int(os.environ.get("HTTP_CACHE_MAX_AGE", "60"))
SEARCH_CACHE_SECONDS = int(os.environ.get("SEARCH_CACHE_SECONDS", "60"))  # search results: briefly

# Shared caches to purge when published content changes (comma-separated URLs that accept BAN,
# e.g. http://127.0.0.1:6085/ for the Varnish of scripts/stack). Failures are retried in the background.
CACHE_PURGE_URLS = env_list("CACHE_PURGE_URLS")
CACHE_PURGE_RETRIES = int(os.environ.get("CACHE_PURGE_RETRIES", "4"))
CACHE_PURGE_BACKOFF = float(os.environ.get("CACHE_PURGE_BACKOFF", "0.25"))  # seconds, doubled per retry
# Every ban is sent again this many seconds later (articles/purge.py says why); 0: only once.
CACHE_PURGE_REPEAT_AFTER = float(os.environ.get("CACHE_PURGE_REPEAT_AFTER", "2"))

# Follow-up questions one reader (client address) may send per hour.
FOLLOW_UP_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_RATE_LIMIT", "5"))

SITE_NAME = os.environ.get("SITE_NAME", "ClinicalAnswers")
# The public origin used in canonical links, Open Graph tags and JSON-LD, e.g. "https://answers.example.org".
SITE_URL = os.environ.get("SITE_URL", "")

# Behind a reverse proxy, the META key of the header carrying the reader's address
# (e.g. "HTTP_X_REAL_IP"), so that follow-up rate limits count readers, not the proxy.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Follow-up questions: per client and per site per hour, and days answered or dismissed ones are kept
# (`manage.py purge_follow_up_questions` deletes older ones; run it daily).
FOLLOW_UP_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_RATE_LIMIT", "5"))
FOLLOW_UP_SITE_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_SITE_RATE_LIMIT", "200"))
FOLLOW_UP_RETENTION_DAYS = int(os.environ.get("FOLLOW_UP_RETENTION_DAYS", "365"))

LOGIN_URL = "admin:login"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account, or
# from one address, logins are refused for AXES_COOLOFF_TIME hours, the right password included.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks: per account and per address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "errors/login_locked.html"
AXES_CLIENT_IP_CALLABLE = "articles.follow_up.client_address"  # honours CLIENT_IP_HEADER behind a proxy

# Two-factor sign-in (django-otp, qa_site/two_factor.py): these groups must use a one-time code.
TWO_FACTOR_REQUIRED_GROUPS = env_list("TWO_FACTOR_REQUIRED_GROUPS", "Medical reviewers")
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "ClinicalAnswers")

# The "form expired" page renders without the request (qa_site/errors.py).
CSRF_FAILURE_VIEW = "qa_site.errors.csrf_failure"

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload lists are hard to leave: only when asked for (the deploy check's reminder is then moot).
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
