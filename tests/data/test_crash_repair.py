"""Crash leftovers are cleaned up (issue 12, item 7).

The office's import is killed (``kill -9``, a power cut) at each point of its life: after it began,
after the package was checked, after its first Parquet file was moved into the store but before the
catalog was committed, and just after the commit. Each time the store stays as it was (or as the
commit made it), and what the dead import left — its row at ``running``, its staging folder, the
files the catalog never got — is found and removed by ``rmperf repair`` or by the next import,
which say what they removed. The store's size counts only catalogued files, and ``rmperf verify``
finds everything intact.
"""

from __future__ import annotations

import signal
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import rmperf
from tests.pkgbuilder import minimal_tables, write_package

POINTS = ("import.started", "import.validated", "import.placed", "import.committed")


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "rmperf.sqlite3", isolation_level=None)


def statuses(home: Path) -> list[str]:
    with db(home) as con:
        return [s for (s,) in con.execute("SELECT status FROM rmperf_dataimport ORDER BY id")]


def catalogued(home: Path) -> set[str]:
    with db(home) as con:
        return {p for (p,) in con.execute("SELECT path FROM rmperf_storedfile")}


def on_disk(home: Path) -> set[str]:
    """The files of the store's table folders (``STORE_ID`` is the store's own)."""
    store = home / "store"
    if not store.exists():
        return set()
    return {str(p.relative_to(store)) for p in store.rglob("*") if p.is_file() and p.name != "STORE_ID"}


def staging(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "staging").iterdir()) if (home / "staging").exists() else []


@pytest.fixture
def packages(tmp_path: Path) -> tuple[Path, Path]:
    """The first package, and a second in which an RM's name is restated and the sub-branches renamed."""
    first = write_package(tmp_path / "first", minimal_tables())
    tables = minimal_tables()
    tables["managers"][0]["name"] = "张三丰"
    for org in tables["orgs"]:
        org["name"] += "(更名)"
    second = write_package(tmp_path / "second", tables)
    return first, second


def killed(point: str, package: Path, home: Path) -> None:
    done = rmperf("import", str(package), home=home, env={"RMPERF_FAULT": point})
    assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr)


@pytest.mark.parametrize("point", POINTS)
def test_a_killed_import_leaves_nothing_that_repair_does_not_remove(
    point: str, packages: tuple[Path, Path], tmp_path: Path
) -> None:
    first, second = packages
    home = tmp_path / "home"
    assert rmperf("import", str(first), home=home).returncode == 0
    before = catalogued(home)
    killed(point, second, home)

    # what the dead import left
    assert statuses(home)[-1] == ("committed" if point == "import.committed" else "running")
    assert [n for n in staging(home) if n.startswith("import-")]
    leftovers = on_disk(home) - catalogued(home)
    assert bool(leftovers) == (point == "import.placed")
    # readers never saw it: the catalog is the first import's, or the committed second's
    assert (catalogued(home) == before) == (point != "import.committed")

    repaired = rmperf("repair", home=home)
    assert repaired.returncode == 0, repaired.stderr
    assert "已清理" in repaired.stdout
    assert f"未登记的存储文件 {len(leftovers)} 个" in repaired.stdout
    assert "running" not in statuses(home)
    if point != "import.committed":
        assert statuses(home)[-1] == "failed"
    assert staging(home) == []
    assert on_disk(home) == catalogued(home)
    assert (home / "store" / "STORE_ID").exists()
    assert rmperf("verify", home=home).returncode == 0
    assert "没有需要清理的遗留" in rmperf("repair", home=home).stdout

    # the import done again stores the second package (or finds it stored)
    again = rmperf("import", str(second), home=home)
    assert again.returncode == 0, again.stderr
    assert statuses(home)[-1] in ("committed", "unchanged")
    assert on_disk(home) == catalogued(home)


def test_the_next_import_cleans_up_and_says_so(packages: tuple[Path, Path], tmp_path: Path) -> None:
    first, _ = packages
    home = tmp_path / "home"
    killed("import.placed", first, home)  # the very first import of a new home
    orphans = on_disk(home) - catalogued(home)
    assert orphans
    assert catalogued(home) == set()
    done = rmperf("import", str(first), home=home)
    assert done.returncode == 0, done.stderr
    said = done.stdout + done.stderr
    assert "开始前清理了中断导入的遗留" in said
    assert "导入 #1 标记为失败" in said
    assert statuses(home) == ["failed", "committed"]
    assert on_disk(home) == catalogued(home)
    assert not orphans & on_disk(home) - catalogued(home)
    # the store's size is of catalogued files only
    summary = rmperf("summary", home=home).stdout
    with db(home) as con:
        (size,) = con.execute("SELECT sum(bytes) FROM rmperf_storedfile").fetchone()
    assert f"{size / 1e6:,.1f} MB" in summary


def test_repair_waits_for_a_running_import(packages: tuple[Path, Path], tmp_path: Path) -> None:
    """While an import holds the lock, repair touches nothing and says why."""
    import fcntl

    home = tmp_path / "home"
    first, _ = packages
    assert rmperf("import", str(first), home=home).returncode == 0
    with (home / "import.lock").open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        busy = rmperf("repair", home=home)
    assert busy.returncode == 1
    assert "另一个导入正在进行" in busy.stderr
