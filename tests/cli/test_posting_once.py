"""Pay is posted once, whatever runs at the same time (issue 12, item 4).

Two officers press "post" on the same run at the same moment, again and again. The ledger ends with one
posting of its entries: the second waits for the first (PostgreSQL: an advisory lock; SQLite: a
transaction that takes the write lock when it begins), then finds the run already posted. A database
still busy after the wait says so in a sentence; it never posts twice, and never shows a traceback.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli import rmperf
from tests.cli.test_pay_cli import MINI_PAY

ROUNDS = 6


def pay_twice_at_once(
    run: int, home: Path, env: dict[str, str] | None = None
) -> list[subprocess.CompletedProcess[str]]:
    full = {**os.environ, "RMPERF_HOME": str(home), "COLUMNS": "200", **(env or {})}
    full.pop("DJANGO_SETTINGS_MODULE", None)
    both = [
        subprocess.Popen(
            [sys.executable, "-m", "rmperf", "pay", "--run", str(run), "--user", f"officer-{i}"],
            env=full,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in (1, 2)
    ]
    out = []
    for p in both:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def check_once(done: list[subprocess.CompletedProcess[str]], postings: int, entries: set[int]) -> None:
    for d in done:
        assert "Traceback" not in d.stderr
        assert d.returncode == 0 or "数据库正忙" in d.stderr, d.stderr
    assert postings == 1
    assert len(entries) == 1  # one set of entries, not two


def new_run(home: Path, period: str, env: dict[str, str] | None = None) -> int:
    done = rmperf("run", "--scheme", MINI_PAY, "--period", period, home=home, env=env)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def test_two_postings_at_once_post_once_on_sqlite(cli_bank: Callable[[str], Path]) -> None:
    home = cli_bank("posting-once")
    for _ in range(ROUNDS):
        run = new_run(home, "2025-Q1")  # each round a corrected run of the quarter: its posting corrects the last
        done = pay_twice_at_once(run, home)
        with sqlite3.connect(home / "rmperf.sqlite3") as db:
            postings = db.execute("SELECT count(*) FROM rmperf_payposting WHERE run_id = ?", (run,)).fetchone()[0]
            entries = {
                n for (n,) in db.execute("SELECT entries FROM rmperf_payposting WHERE run_id = ?", (run,)).fetchall()
            }
        check_once(done, postings, entries)
    assert rmperf("verify", home=home).returncode == 0


@pytest.mark.postgres
def test_two_postings_at_once_post_once_on_postgresql(
    tmp_path: Path,
    tiny_package: Path,
    pg_database: str,
) -> None:
    import psycopg

    env = {"RMPERF_DATABASE_URL": pg_database}
    home = tmp_path / "home"
    assert rmperf("import", str(tiny_package), home=home, env=env).returncode == 0
    for _ in range(ROUNDS):
        run = new_run(home, "2025-Q1", env)
        done = pay_twice_at_once(run, home, env)
        with psycopg.connect(pg_database) as db:
            rows = db.execute("SELECT entries FROM rmperf_payposting WHERE run_id = %s", (run,)).fetchall()
        check_once(done, len(rows), {n for (n,) in rows})
    assert rmperf("verify", home=home, env=env).returncode == 0
