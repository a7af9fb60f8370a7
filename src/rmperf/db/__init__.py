"""The application database (应用数据库): import log, store catalog, audit log.

Django's ORM over SQLite by default or PostgreSQL by URL
(``RMPERF_DATABASE_URL=postgresql://user:pass@host:port/name``). The CLI calls
:func:`setup` once; the web app uses the same settings module.
"""

from __future__ import annotations

import os

from rmperf.home import Home

_ready = False


def setup(home: Home, *, migrate: bool = True) -> None:
    """Point Django at ``home``'s database, and create or upgrade its tables."""
    global _ready
    if _ready:
        return
    home.ensure()
    os.environ["RMPERF_HOME"] = str(home.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmperf.db.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    _ready = True
