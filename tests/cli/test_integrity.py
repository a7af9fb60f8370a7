"""The ledger, the runs and the store are tamper-evident (issue 12, item 3).

An office officer posts a quarter's pay. Then someone with the database's or the files' keys edits
behind the application's back: the database itself refuses UPDATE and DELETE on the ledger, the
postings, the adjustments, the audit log and the runs; when a trigger is dropped first, the hash
chains and the result hashes show the edit, and nothing is posted or reported as reconciled; a
rewritten store file is refused when a run reads it, and `diff` says so.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import rmperf
from tests.cli.test_pay_cli import MINI_PAY, new_run, ok

RM = "R00002"
#: (table, a column to change) of every append-only table
APPEND_ONLY = (
    ("rmperf_ledgerentry", "amount_fen"),
    ("rmperf_payposting", "entries"),
    ("rmperf_payadjustment", "reason"),
    ("rmperf_auditevent", "actor"),
    ("rmperf_runresult", "total"),
    ("rmperf_run", "result_hash"),
)


def posted(home: Path, env: dict[str, str] | None = None) -> int:
    """A run of the mini pay scheme with the sub-branch's adjustment, posted: every append-only table has rows."""
    run = int(rmperf("run", "--scheme", MINI_PAY, "--period", "2025-Q1", home=home, env=env).stdout.split()[-1])
    for args in (
        ("adjust", "--run", str(run), "--rm", RM, "--share", "-0.1", "--reason", "协作不足", "--by", "李行长"),
        ("pay", "--run", str(run)),
    ):
        done = rmperf(*args, home=home, env=env)
        assert done.returncode == 0, done.stderr
    return run


def sqlite(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "rmperf.sqlite3", isolation_level=None)


@pytest.fixture
def officer_home(cli_bank: Callable[[str], Path]) -> Path:
    return cli_bank("integrity")


def test_the_database_itself_refuses_to_change_or_delete_what_is_append_only(officer_home: Path) -> None:
    posted(officer_home)
    with sqlite(officer_home) as db:
        for table, column in APPEND_ONLY:
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table
            with pytest.raises(sqlite3.DatabaseError, match=r"append-only|fixed once made"):
                db.execute(f"UPDATE {table} SET {column} = {column} || '' WHERE id = (SELECT min(id) FROM {table})")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(f"DELETE FROM {table}")
        # a run's timings are the one thing written after it (its storing step's own)
        db.execute("UPDATE rmperf_run SET timings = '{}'")


def test_an_edit_of_the_ledger_behind_the_applications_back_is_found_and_nothing_reconciles(
    officer_home: Path, tmp_path: Path
) -> None:
    run = posted(officer_home)
    assert "完好" in ok("verify", home=officer_home)
    with sqlite(officer_home) as db:  # the database's owner drops the trigger and pays themselves more
        db.execute("DROP TRIGGER rmperf_ledgerentry_no_update")
        db.execute("UPDATE rmperf_ledgerentry SET amount_fen = amount_fen + 100000 WHERE id = 2")
    verify = rmperf("verify", home=officer_home)
    assert verify.returncode == 1
    assert "台账被绕过系统改动:ledger 第 2 条记录的内容与其校验值不符" in verify.stderr
    sheet = rmperf("paysheet", "--run", str(run), "--out", str(tmp_path / "s.xlsx"), home=officer_home)
    assert sheet.returncode == 1
    assert "与台账一致" not in sheet.stdout
    assert "台账被绕过系统改动" in sheet.stderr
    again = rmperf("pay", "--run", str(new_run(MINI_PAY, "2025-Q2", officer_home)), home=officer_home)
    assert again.returncode == 1
    assert "不记账" in again.stderr


def test_a_removed_ledger_entry_breaks_the_chain(officer_home: Path) -> None:
    posted(officer_home)
    with sqlite(officer_home) as db:
        db.execute("DROP TRIGGER rmperf_ledgerentry_no_delete")
        last = db.execute("SELECT max(id) FROM rmperf_ledgerentry").fetchone()[0]
        db.execute("DELETE FROM rmperf_ledgerentry WHERE id = ?", (last,))  # cut off the chain's end
        db.execute("DELETE FROM rmperf_ledgerentry WHERE id = 3")  # and one in the middle
    verify = rmperf("verify", home=officer_home)
    assert verify.returncode == 1
    assert "第 4 条记录前有记录被删除或插入" in verify.stderr
    assert "记录被截去" in verify.stderr  # the posting's recorded head is no longer in the chain


def test_an_edited_run_result_is_not_posted(officer_home: Path) -> None:
    run = new_run(MINI_PAY, "2025-Q1", officer_home)
    with sqlite(officer_home) as db:
        db.execute("DROP TRIGGER rmperf_runresult_no_update")
        db.execute(
            "UPDATE rmperf_runresult SET payload = json_set(payload, '$.total', '999.00') "
            "WHERE run_id = ? AND rm_id = ?",
            (run, RM),
        )
    done = rmperf("pay", "--run", str(run), home=officer_home)
    assert done.returncode == 1
    assert f"批次 {run} 保存的计算结果与其结果校验值不符" in done.stderr
    assert f"批次 {run} 保存的计算结果" in rmperf("verify", home=officer_home).stderr


def test_an_edited_audit_event_is_found(officer_home: Path) -> None:
    posted(officer_home)
    with sqlite(officer_home) as db:
        db.execute("DROP TRIGGER rmperf_auditevent_no_update")
        db.execute("UPDATE rmperf_auditevent SET actor = 'nobody' WHERE id = 1")
    verify = rmperf("verify", home=officer_home)
    assert verify.returncode == 1
    assert "审计日志被绕过系统改动:第 1 条记录的内容与其校验值不符" in verify.stderr


def test_a_rewritten_store_file_is_refused_and_diff_says_so(officer_home: Path) -> None:
    first = new_run(MINI_PAY, "2025-Q1", officer_home)
    second = new_run(MINI_PAY, "2025-Q1", officer_home)
    store = officer_home / "store" / "balances"
    victim = sorted(store.rglob("*.parquet"))[0]
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the same size: only its content says
    victim.write_bytes(bytes(data))
    done = rmperf("run", "--scheme", MINI_PAY, "--period", "2025-Q1", home=officer_home)
    assert done.returncode == 1
    assert "在导入后被改动(内容校验值与目录记录不符)" in done.stderr
    diff = rmperf("diff", str(first), str(second), home=officer_home)
    assert "在导入后被改动" in diff.stderr
    assert "输入、方案和代码均未变化" not in diff.stdout
    assert rmperf("verify", home=officer_home).returncode == 1


def test_the_same_data_gives_the_same_input_hash_in_any_home(cli_bank: Callable[[str], Path]) -> None:
    hashes = []
    for name in ("bank-a", "bank-b"):
        home = cli_bank(name)
        new_run(MINI_PAY, "2025-Q1", home)
        with sqlite(home) as db:
            hashes.append(db.execute("SELECT input_hash, result_hash FROM rmperf_run").fetchone())
    assert hashes[0] == hashes[1]


def test_the_homes_files_are_readable_by_their_owner_only(officer_home: Path) -> None:
    posted(officer_home)
    for path in [officer_home, *officer_home.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))


# --- PostgreSQL ---------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_refuses_to_change_or_delete_what_is_append_only(
    tmp_path: Path, tiny_package: Path, pg_database: str
) -> None:
    import psycopg

    env = {"RMPERF_DATABASE_URL": pg_database}
    home = tmp_path / "home"
    assert rmperf("import", str(tiny_package), home=home, env=env).returncode == 0
    posted(home, env)
    with psycopg.connect(pg_database, autocommit=True) as db:
        for table, column in APPEND_ONLY:
            value = f"{column} + 1" if column in ("amount_fen", "entries") else f"reverse({column})"
            with pytest.raises(psycopg.errors.RaiseException, match="Cannot update"):
                db.execute(f"UPDATE {table} SET {column} = {value} WHERE id = (SELECT min(id) FROM {table})")
            with pytest.raises(psycopg.errors.RaiseException, match=r"Cannot (update or )?delete"):
                db.execute(f"DELETE FROM {table}")
    assert rmperf("verify", home=home, env=env).returncode == 0


@pytest.mark.postgres
def test_the_application_role_can_post_pay_but_not_take_history_away(
    tmp_path: Path, tiny_package: Path, pg_database: str
) -> None:
    """The schema's owner migrates and grants; the application runs as ``rmperf_app`` (make test creates it)."""
    import psycopg

    owner = {"RMPERF_DATABASE_URL": pg_database}
    home = tmp_path / "home"
    assert rmperf("import", str(tiny_package), home=home, env=owner).returncode == 0
    granted = rmperf("db-grant", "rmperf_app", home=home, env=owner)
    assert granted.returncode == 0, granted.stderr
    app_url = pg_database.replace("rmperf:rmperf@", "rmperf_app:rmperf_app@")
    app = {"RMPERF_DATABASE_URL": app_url}
    posted(home, app)  # runs, adjusts and posts as the application
    with psycopg.connect(app_url, autocommit=True) as db:
        for table, _ in APPEND_ONLY:
            for statement in (f"TRUNCATE {table}", f"DROP TABLE {table}", f"ALTER TABLE {table} DISABLE TRIGGER ALL"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    db.execute(statement)
            with pytest.raises(psycopg.Error):
                db.execute(f"DELETE FROM {table}")
    assert rmperf("verify", home=home, env=app).returncode == 0


def test_the_models_and_their_migrations_agree(django_db_blocker: Any) -> None:
    """Every model change has its migration (the triggers and chains included)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("makemigrations", "rmperf", "--check", "--dry-run", verbosity=0)
