"""Django settings for the application database, read from the environment.

``RMPERF_HOME`` places the SQLite file; ``RMPERF_DATABASE_URL`` (a
``postgresql://`` or ``sqlite:///`` URL) overrides it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from rmperf.home import Home


def database_from_url(url: str) -> dict[str, Any]:
    """Translate a database URL into a Django ``DATABASES`` entry."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative/or/absolute/path ; sqlite:///:memory:
        path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": path or ":memory:"}
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


SECRET_KEY = "rmperf-cli-not-for-web"  # noqa: S105 - the web app sets its own
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
INSTALLED_APPS = ["django.contrib.contenttypes", "rmperf.db"]
DATABASES = {"default": database_from_url(Home.resolve().database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
