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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "markdownx",
    "references",
    "articles",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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

# Caching: local memory by default, Redis when several servers share one.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "qa-site"}}

# django-markdownx: the admin preview goes through the same sanitising pipeline as the site.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.pipeline.markdownx_preview"
MARKDOWNX_EDITOR_RESIZABLE = True

# Medical review cadence: approval sets "Next review due" this many months later.
REVIEW_INTERVAL_MONTHS = int(os.environ.get("REVIEW_INTERVAL_MONTHS", "12"))

# How long an anonymous reader's article page may be reused from the cache at most (seconds).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))

# Follow-up questions one reader (client address) may send per hour.
FOLLOW_UP_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_RATE_LIMIT", "5"))

SITE_NAME = os.environ.get("SITE_NAME", "ClinicalAnswers")

# Behind a reverse proxy, the META key of the header carrying the reader's address
# (e.g. "HTTP_X_REAL_IP"), so that follow-up rate limits count readers, not the proxy.
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "")

# Follow-up questions: per client and per site per hour, and days answered or dismissed ones are kept
# (`manage.py purge_follow_up_questions` deletes older ones; run it daily).
FOLLOW_UP_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_RATE_LIMIT", "5"))
FOLLOW_UP_SITE_RATE_LIMIT = int(os.environ.get("FOLLOW_UP_SITE_RATE_LIMIT", "200"))
FOLLOW_UP_RETENTION_DAYS = int(os.environ.get("FOLLOW_UP_RETENTION_DAYS", "365"))

LOGIN_URL = "admin:login"

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
