"""Django settings for the application database, read from the environment.

``RMPERF_HOME`` places the SQLite file; ``RMPERF_DATABASE_URL`` (a
``postgresql://`` or ``sqlite:///`` URL) overrides it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from rmperf.home import Home


def database_from_url(url: str) -> dict[str, Any]:
    """Translate a database URL into a Django ``DATABASES`` entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/or/absolute/path ; sqlite:///:memory:
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            # a transaction takes the write lock when it begins, so two postings cannot both read "not yet
            # posted" (D166); a writer waits this long for another before it is told the database is busy
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 30},
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise ValueError(f"unsupported database URL scheme {parts.scheme!r}: use sqlite:/// or postgresql://")


# from the environment, never from code; the CLI signs nothing, so a key of the process does for it (the
# web server refuses to start without RMPERF_SECRET_KEY, except in a demo home: rmperf.web.serve)
SECRET_KEY = os.environ.get("RMPERF_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
DATABASES = {"default": database_from_url(Home.resolve().database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- the web application (rmperf.web): one settings module, so the command line and the server migrate
# --- the same schema (users and role grants are made from either)
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "pgtrigger",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rmperf.db",
    "rmperf.web",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "rmperf.web.errors.RefusalMiddleware",
]
ROOT_URLCONF = "rmperf.web.urls"
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
                "csp.context_processors.nonce",
                "rmperf.web.people.menu",
            ],
        },
    }
]
ALLOWED_HOSTS = [h for h in os.environ.get("RMPERF_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("RMPERF_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("RMPERF_HTTPS", "") == "1"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "rmperf.web.security.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
#: the largest package or table a user may upload, in bytes
RMPERF_UPLOAD_LIMIT = int(os.environ.get("RMPERF_UPLOAD_LIMIT", str(512 * 1024 * 1024)))

# passwords: Argon2 (argon2-cffi); failed logins throttled per user and address (django-axes)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a quarter of an hour after five failures
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked.html"

# a Content-Security-Policy that allows no inline script and nothing from another origin
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# languages: Chinese by default, English on request; the templates' words in .po/.mo files
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
LOCALE_PATHS = [str(Path(__file__).resolve().parents[1] / "web" / "locale")]

STATIC_URL = "/static/"
# WhiteNoise serves the package's own static folders (the vendored htmx and ECharts, the app's css and js):
# nothing to collect before serving, and nothing is written into the installed package
STATIC_ROOT = os.environ.get("RMPERF_STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "rmperf.web.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rmperf API",
    "DESCRIPTION": "客户经理绩效考核系统 — the data behind every page, scoped to the caller's part of the bank.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Swagger UI from the installed sidecar package, not a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# long work (imports, runs, pay posting) runs in `rmperf worker` (django-tasks, database backend)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
