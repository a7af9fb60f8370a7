"""Where data lives: the home folder (default ``./var``).

Layout (see the README)::

    var/
      rmperf.sqlite3        application database (unless RMPERF_DATABASE_URL)
      store/                columnar store of imported facts (Parquet)
        <table>/v<import>/part-0.parquet            reference snapshots
        <table>/month=YYYY-MM/i<import>-<n>.parquet  daily facts
      staging/              work area of a running import (removed after)
      tmp/                  DuckDB spill space
      import.lock           serialises imports
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_HOME = Path("var")


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        """``--home`` wins over ``RMPERF_HOME``, which wins over ``./var``."""
        chosen = home or os.environ.get("RMPERF_HOME") or DEFAULT_HOME
        return cls(Path(chosen).expanduser().absolute())

    @property
    def store(self) -> Path:
        return self.root / "store"

    @property
    def staging(self) -> Path:
        return self.root / "staging"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def lock_file(self) -> Path:
        return self.root / "import.lock"

    @property
    def sqlite_path(self) -> Path:
        return self.root / "rmperf.sqlite3"

    @property
    def database_url(self) -> str:
        return os.environ.get("RMPERF_DATABASE_URL") or f"sqlite:///{self.sqlite_path}"

    def store_id(self) -> str:
        """This store's identity (a UUID kept in ``store/STORE_ID``), created on first use.

        The catalog rows of a store carry it, so one application database
        (a shared PostgreSQL) can serve several homes without mixing them.
        """
        marker = self.store / "STORE_ID"
        if not marker.exists():
            import uuid

            self.store.mkdir(parents=True, exist_ok=True)
            tmp = marker.with_suffix(".tmp")
            tmp.write_text(str(uuid.uuid4()), encoding="ascii")
            os.replace(tmp, marker)
        return marker.read_text(encoding="ascii").strip()

    def ensure(self) -> None:
        """Create the home's folders, readable by their owner only (0700): pay and customer data."""
        for path in (self.root, self.store, self.staging, self.tmp):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)
