"""What a crashed import leaves behind, found and removed (issue 12, item 7; D169).

An import killed (``kill -9``, a power cut) stores nothing: the catalog is committed in one
transaction after its files are in place, and readers see only catalogued files. But it leaves
its import row at ``running``, its staging folder (tens of MB of DuckDB work files), and, when it
died between moving its Parquet files into the store and committing the catalog, files the catalog
does not know. :func:`repair` removes all of it. It must run holding the import lock (the next
import calls it, and ``rmperf repair``): while the lock is held no import of this home is running,
so a ``running`` row, an import staging folder and an uncatalogued file are all a dead import's.
A dry run's (``rmperf check``) staging folder names its process, and is removed once that process
is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rmperf.home import Home
from rmperf.ingest.problems import Place, Problem, Severity


@dataclass
class Repaired:
    """What :func:`repair` found and removed."""

    imports: list[int] = field(default_factory=list)  #: import rows marked failed
    staging: list[str] = field(default_factory=list)  #: staging folders removed
    orphans: list[str] = field(default_factory=list)  #: store files removed (relative to the store)
    orphan_bytes: int = 0

    def __bool__(self) -> bool:
        return bool(self.imports or self.staging or self.orphans)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def check_staging_name() -> str:
    """The staging folder name of a dry run: it names its process, so a dead one's can be told."""
    return f"check-{os.getpid()}-{os.urandom(4).hex()}"


def _dead_staging(path: Path) -> bool:
    if path.name.startswith("import-"):
        return True  # the lock is held: no import is running
    parts = path.name.split("-")
    if path.name.startswith("check-") and len(parts) == 3 and parts[1].isdigit():
        return not _alive(int(parts[1]))
    return False


def orphans(home: Home) -> list[Path]:
    """Files in the store's table folders that the catalog does not reference.

    The store's own files (``STORE_ID`` at its top) are not in a table folder and are never touched.
    """
    from rmperf.db.models import StoredFile

    if not home.store.is_dir():
        return []
    known = set(StoredFile.objects.filter(store=home.store_id()).values_list("path", flat=True))
    found = []
    for folder in (p for p in home.store.iterdir() if p.is_dir() and not p.is_symlink()):
        for path in folder.rglob("*"):
            if (path.is_file() or path.is_symlink()) and str(path.relative_to(home.store)) not in known:
                found.append(path)
    return sorted(found)


def repair(home: Home, *, keep: Path | None = None) -> Repaired:
    """Mark dead imports failed, remove their staging folders and every uncatalogued store file.

    Call it holding the import lock (``importer.import_lock``); ``keep`` is the caller's own
    staging folder, if it made one already.
    """
    from rmperf.db.chain import audit
    from rmperf.db.models import DataImport
    from rmperf.ingest.problems import error

    done = Repaired()
    running = DataImport.objects.filter(store=home.store_id(), status=DataImport.Status.RUNNING)
    done.imports = sorted(running.values_list("id", flat=True))
    if done.imports:
        DataImport.objects.filter(id__in=done.imports).update(
            status=DataImport.Status.FAILED,
            finished_at=datetime.now(UTC),
            errors=[error("import.crashed").as_dict()],
            error_count=1,
        )
    if home.staging.is_dir():
        for path in sorted(home.staging.iterdir()):
            if path != keep and _dead_staging(path):
                shutil.rmtree(path, ignore_errors=True)
                done.staging.append(path.name)
    for path in orphans(home):
        with contextlib.suppress(OSError):
            size = path.lstat().st_size
            path.unlink()
            done.orphans.append(str(path.relative_to(home.store)))
            done.orphan_bytes += size
    for folder in (p for p in home.store.iterdir() if p.is_dir()) if home.store.is_dir() else ():
        _remove_empty_folders(folder)
    if done:
        audit(
            "rmperf",
            "data.repair",
            "store",
            home.store_id(),
            detail={
                "imports": done.imports,
                "staging": done.staging,
                "orphans": len(done.orphans),
                "orphan_bytes": done.orphan_bytes,
            },
            reason="crash leftovers",
        )
    return done


def _remove_empty_folders(root: Path) -> None:
    if not root.is_dir():
        return
    for folder in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()  # only if empty


def repaired_warning(done: Repaired) -> Problem:
    """The import's warning that says what it removed before it began."""
    return Problem(
        Severity.WARNING,
        "import.repaired",
        Place(),
        {
            "imports": ", ".join(f"#{i}" for i in done.imports) or "-",
            "staging": len(done.staging),
            "files": len(done.orphans),
            "mb": f"{done.orphan_bytes / 1e6:,.1f}",
        },
    )
