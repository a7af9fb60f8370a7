"""``rmperf serve`` and ``rmperf worker``: the web application behind gunicorn, and the task worker.

The secret that signs sessions comes from ``RMPERF_SECRET_KEY``; without it, one is made once in the
home (``home/secret_key``, its owner's alone), so sessions outlive a restart and no secret is ever in
the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from rmperf.home import Home


def secret_key(home: Home) -> str:
    """``RMPERF_SECRET_KEY``, or the home's own key (made on first use, mode 0600)."""
    given = os.environ.get("RMPERF_SECRET_KEY")
    if given:
        return given
    path = home.root / "secret_key"
    if not path.exists():
        home.ensure()
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(50))
    return Path(path).read_text().strip()


def prepare(home: Home) -> None:
    """Point the process at ``home`` with its secret, before Django reads its settings."""
    os.environ["RMPERF_HOME"] = str(home.root)
    os.environ["RMPERF_SECRET_KEY"] = secret_key(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rmperf.db.settings")


def serve(home: Home, host: str = "127.0.0.1", port: int = 8000, workers: int = 2, threads: int = 4) -> None:
    """Serve the web application with gunicorn until interrupted."""
    from gunicorn.app.base import BaseApplication

    prepare(home)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "timeout": 120,
                "preload_app": True,
                "accesslog": "-",
            }.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from rmperf.web.wsgi import application

            return application

    Server().run()


def worker(home: Home) -> None:
    """Run the queued tasks (imports, runs, pay posting) until interrupted (django-tasks' db_worker)."""
    prepare(home)
    from django.core.management import call_command

    from rmperf import db

    db.setup(home)
    call_command("db_worker")
