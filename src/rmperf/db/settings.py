"""Django settings for the application database, read from the environment.

``RMPERF_HOME`` places the SQLite file; ``RMPERF_DATABASE_URL`` (a
``postgresql://`` or ``sqlite:///`` URL) overrides it.
"""

from __future__ import annotations

import os
import secrets
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


# from the environment, never from code; the CLI signs nothing, so a key of the process does for it
SECRET_KEY = os.environ.get("RMPERF_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = False
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"
LANGUAGE_CODE = "zh-hans"
INSTALLED_APPS = ["django.contrib.contenttypes", "pgtrigger", "rmperf.db"]
DATABASES = {"default": database_from_url(Home.resolve().database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
