"""Django settings, read from the environment (see .env.example for every variable)."""

from __future__ import annotations

from pathlib import Path

import xstatic.pkg.leaflet
from django.utils.translation import gettext_lazy as _

from sammanhang.config import (
    env_bool,
    env_database,
    env_int,
    env_list,
    env_secret_key,
    env_str,
    env_time_zone,
)

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("SAMMANHANG_DATA_DIR", "data")).resolve()

DEBUG = env_bool("SAMMANHANG_DEBUG", default=False)
SECRET_KEY = env_secret_key("SAMMANHANG_SECRET_KEY", debug=DEBUG)
ALLOWED_HOSTS = env_list(
    "SAMMANHANG_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("SAMMANHANG_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {"default": env_database("DATABASE_URL", data_dir=DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "sammanhang.core",
    "sammanhang.accounts",
    "sammanhang.directory",
    "sammanhang.lending",
    "sammanhang.interop",
    "sammanhang.api",
    "sammanhang.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # search types; harmless on SQLite
    "django.forms",
    "axes",
    # Listed so the API docs page serves Swagger UI from our own static files, not a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Open data: any web page may read the JSON API (GET only).
    "sammanhang.api.middleware.open_data_cors",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into our own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sammanhang.urls"
WSGI_APPLICATION = "sammanhang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sammanhang.web.context_processors.site",
            ],
        },
    },
    {
        # Only for fragments rendered on every search (see sammanhang.jinja_env); files in
        # each app's jinja2/ folder.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "sammanhang.jinja_env.environment"},
    },
]
# Every form renders through our templates (label, hint, inline error; see core/templates).
FORM_RENDERER = "sammanhang.core.forms.AccessibleFormRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# Login throttling: five wrong passwords for the same user from the same address lock that
# pair out for 15 minutes. Only failed attempts are stored, and only until they expire.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_CALLABLE = "sammanhang.accounts.views.lockout"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env_int("SAMMANHANG_PROXY_COUNT", 0)
AXES_VERBOSE = False

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_time_zone("SAMMANHANG_TIME_ZONE", "Europe/Stockholm")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In development WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# A local synonym list for the finder's search, added to the shipped one (same format).
SEARCH_SYNONYMS_FILE = env_str("SAMMANHANG_SYNONYMS_FILE", "")
# Third-party browser libraries come from XStatic packages, served as our own static files
# (never from a CDN): Leaflet for the finder's map.
STATICFILES_DIRS = [("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR)]

# Stops the clock at one ISO date-time (sammanhang.core.clock); for demos and tests only.
SAMMANHANG_FIXED_NOW = env_str("SAMMANHANG_FIXED_NOW", "")
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Uploaded pictures are served by Django unless a web server in front serves MEDIA_ROOT.
SERVE_MEDIA = env_bool("SAMMANHANG_SERVE_MEDIA", default=True)

SESSION_COOKIE_AGE = 60 * 60 * 8  # a working day
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SAMMANHANG_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SAMMANHANG_BEHIND_PROXY", False) else None
)
SECURE_HSTS_SECONDS = 0 if DEBUG else 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading binds every subdomain of the municipality's domain to HTTPS for good: a choice
# for the operator (SAMMANHANG_HSTS_PRELOAD), so its deploy-check reminder is silenced.
SECURE_HSTS_PRELOAD = env_bool("SAMMANHANG_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

MAILERS = {
    "default": (
        {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if DEBUG
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("SAMMANHANG_EMAIL_HOST", "localhost"),
                "port": env_int("SAMMANHANG_EMAIL_PORT", 25, minimum=1),
                "use_tls": env_bool("SAMMANHANG_EMAIL_USE_TLS", default=False),
            },
        }
    )
}
DEFAULT_FROM_EMAIL = env_str("SAMMANHANG_FROM_EMAIL", "sammanhang@localhost")

# Text messages (Fritidsbanken reminders): a class with send(to, text); see core/messaging.py.
SAMMANHANG_SMS_BACKEND = env_str(
    "SAMMANHANG_SMS_BACKEND",
    "sammanhang.core.messaging.ConsoleSmsBackend"
    if DEBUG
    else "sammanhang.core.messaging.FileSmsBackend",
)
SAMMANHANG_SMS_FILE_PATH = Path(env_str("SAMMANHANG_SMS_FILE_PATH", str(DATA_DIR / "sms")))

# Seconds the public national Fritidsbanken statistics are kept in the cache (0: not kept).
SAMMANHANG_NATIONAL_STATS_CACHE_SECONDS = 600

# Who runs this site: shown in the footer and in the accessibility statement.
SAMMANHANG_OPERATOR_NAME = env_str("SAMMANHANG_OPERATOR_NAME", "Demokommunen")
SAMMANHANG_CONTACT_EMAIL = env_str("SAMMANHANG_CONTACT_EMAIL", "kontakt@example.se")
SAMMANHANG_CONTACT_PHONE = env_str("SAMMANHANG_CONTACT_PHONE", "")
# The operator as publisher in the open-data catalogue (/datasets/dcat): its web address
# (the publisher's URI; empty leaves it unnamed), its kind in the ADMS publisher-type
# vocabulary, and the licence of the published data (CC0 unless the operator decides).
SAMMANHANG_OPERATOR_URL = env_str("SAMMANHANG_OPERATOR_URL", "")
SAMMANHANG_OPERATOR_TYPE = env_str("SAMMANHANG_OPERATOR_TYPE", "LocalAuthority")
SAMMANHANG_OPEN_DATA_LICENSE = env_str(
    "SAMMANHANG_OPEN_DATA_LICENSE", "http://creativecommons.org/publicdomain/zero/1.0/"
)
# The finder's map of results: a tile server URL with {z}/{x}/{y} (and optionally {s}), and
# the attribution its licence requires. Empty URL: no map (the list is complete anyway).
# Tiles are fetched by visitors' browsers, so the tile server sees their addresses.
SAMMANHANG_MAP_TILES_URL = env_str("SAMMANHANG_MAP_TILES_URL", "")
SAMMANHANG_MAP_ATTRIBUTION = env_str("SAMMANHANG_MAP_ATTRIBUTION", "")
# How long the audit log keeps who did what (days).
SAMMANHANG_AUDIT_RETENTION_DAYS = env_int("SAMMANHANG_AUDIT_RETENTION_DAYS", 730, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"sammanhang": {"level": "INFO"}},
}
