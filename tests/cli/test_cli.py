"""The command line, run as a user runs it: a fresh home, real processes, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pkgbuilder import minimal_tables, write_package


def rmperf(*args: str, home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "RMPERF_HOME": str(home), "COLUMNS": "200", **(env or {})}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "rmperf", *args], capture_output=True, text=True, env=full_env, timeout=300
    )


def test_import_then_reimport(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    first = rmperf("import", str(pkg), home=tmp_path / "home")
    assert first.returncode == 0, first.stderr
    assert "导入成功" in first.stdout
    again = rmperf("import", str(pkg), home=tmp_path / "home")
    assert again.returncode == 0, again.stderr
    assert "未做任何改动" in again.stderr
    log = rmperf("imports", home=tmp_path / "home")
    assert "committed" in log.stdout
    assert "unchanged" in log.stdout
    assert (tmp_path / "home" / "rmperf.sqlite3").exists()


def test_bad_package_exits_non_zero_with_place_in_chinese(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["balances"][2]["balance"] = "12.345"
    pkg = write_package(tmp_path / "pkg", tables)
    result = rmperf("import", str(pkg), home=tmp_path / "home")
    assert result.returncode == 1
    assert "balances.csv,第 4 行,列 balance(第 3 列):金额 “12.345” 超过 2 位小数" in result.stderr
    assert "数据未做任何改动" in result.stderr
    assert not (tmp_path / "home" / "store" / "balances").exists()


def test_check_is_a_dry_run(tmp_path: Path) -> None:
    tables = minimal_tables()
    pkg = write_package(tmp_path / "ok", tables)
    ok = rmperf("check", str(pkg), home=tmp_path / "home")
    assert ok.returncode == 0, ok.stderr
    assert "校验通过" in ok.stdout
    tables["accounts"][0]["customer_id"] = "C404"
    bad = rmperf("check", str(write_package(tmp_path / "bad", tables)), home=tmp_path / "home")
    assert bad.returncode == 1
    assert "accounts.csv,第 2 行,列 customer_id(第 2 列):customer_id “C404” 在表 customers 中不存在" in bad.stderr
    assert not (tmp_path / "home" / "store" / "accounts").exists()


def test_english_messages(tmp_path: Path) -> None:
    tables = minimal_tables()
    tables["managers"][0]["post"] = "teller"
    pkg = write_package(tmp_path / "pkg", tables)
    result = rmperf("--lang", "en", "import", str(pkg), home=tmp_path / "home")
    assert result.returncode == 1
    assert "managers.csv, line 2, column post (#4): unknown value “teller”" in result.stderr
    assert "Nothing was stored" in result.stderr


def test_home_option_moves_the_data(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    other = tmp_path / "elsewhere"
    result = rmperf("--home", str(other), "import", str(pkg), home=tmp_path / "home")
    assert result.returncode == 0, result.stderr
    assert (other / "store" / "balances").is_dir()
    assert not (tmp_path / "home").exists()


@pytest.mark.postgres
def test_postgresql_application_database(tmp_path: Path, pg_database: str) -> None:
    """The same import on PostgreSQL (started by `make test`)."""
    import psycopg

    pkg = write_package(tmp_path / "pkg", minimal_tables())
    env = {"RMPERF_DATABASE_URL": pg_database}
    first = rmperf("import", str(pkg), home=tmp_path / "home", env=env)
    assert first.returncode == 0, first.stderr
    again = rmperf("import", str(pkg), home=tmp_path / "home", env=env)
    assert again.returncode == 0
    assert "未做任何改动" in again.stderr
    assert not (tmp_path / "home" / "rmperf.sqlite3").exists()
    with psycopg.connect(pg_database) as conn:
        statuses = [r[0] for r in conn.execute("SELECT status FROM rmperf_dataimport ORDER BY id")]
        files = conn.execute("SELECT count(*) FROM rmperf_storedfile").fetchone()
    assert statuses == ["committed", "unchanged"]
    assert files is not None
    assert files[0] == 10  # 7 reference tables, balances in two files (CNY, USD accounts), the filing (D139)


def test_indicators_and_explain_commands(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    home = tmp_path / "home"
    assert rmperf("import", str(pkg), home=home).returncode == 0
    shown = rmperf("indicators", "--period", "2025-01", "--rm", "0001", "--category", "deposit", home=home)
    assert shown.returncode == 0, shown.stderr
    assert "积数" in shown.stdout
    assert "1,320.06" in shown.stdout
    out = tmp_path / "values.csv"
    written = rmperf("indicators", "--period", "2025-01", "--out", str(out), home=home)
    assert written.returncode == 0, written.stderr
    assert "rm,0001,accumulated_balance,积数,deposit,yuan·days,1320.06" in out.read_text(encoding="utf-8-sig")
    explained = rmperf(
        "--lang",
        "en",
        "explain",
        "--period",
        "2025-01",
        "--rm",
        "0001",
        "--indicator",
        "accumulated_balance",
        home=home,
    )
    assert explained.returncode == 0, explained.stderr
    assert "A2" in explained.stdout
    assert "499,000.00" in explained.stdout
    assert "1,320.06" in explained.stdout
    base = ("explain", "--period", "2025-01", "--rm", "0001", "--indicator")
    # a ratio opens to its parts: A2, opened on 1 January under RM 0002, is priced within 5 % of its guide
    ratio = rmperf(
        "explain", "--period", "2025-01", "--rm", "0002", "--indicator", "pricing_compliance_rate", home=home
    )
    assert ratio.returncode == 0, ratio.stderr
    assert "分子 = 1.00" in ratio.stdout
    assert "分母 = 1.00" in ratio.stdout
    assert "A2" in ratio.stdout
    stickiness = rmperf(*base, "deposit_stickiness", home=home)  # a coefficient of variation
    assert stickiness.returncode != 0
    assert "没有账户级明细" in stickiness.stderr
    unwindowed = rmperf(*base, "spike_reversal", home=home)
    assert unwindowed.returncode != 0
    assert "--window" in unwindowed.stderr
    # January's window runs past the two stored days: said, not a traceback
    early = rmperf(*base, "spike_reversal", "--window", "5", home=home)
    assert early.returncode == 1
    assert "没有 spike_reversal" in early.stderr
    assert "Traceback" not in early.stderr


def test_close_then_indicators_from_accumulators(tmp_path: Path) -> None:
    pkg = write_package(tmp_path / "pkg", minimal_tables())
    home = tmp_path / "home"
    assert rmperf("import", str(pkg), home=home).returncode == 0
    for day in ("2025-01-01", "2025-01-02"):
        closed = rmperf("close", "--date", day, home=home)
        assert closed.returncode == 0, closed.stderr
    assert "unchanged" in rmperf("close", "--date", "2025-01-02", home=home).stdout
    # January has 31 days, only two are closed: auto falls back to a scan, close refuses
    refused = rmperf("indicators", "--period", "2025-01", "--source", "close", home=home)
    assert refused.returncode != 0
    assert "尚未日终" in refused.stderr
    assert "rmperf close" in refused.stderr
    scanned = rmperf("indicators", "--period", "2025-01", "--rm", "0001", home=home)
    assert "1,320.06" in scanned.stdout


def test_all_indicator_groups_export(tmp_path: Path) -> None:
    from rmperf.demo import generate

    generate("tiny", 3, tmp_path / "pkg")
    home = tmp_path / "home"
    assert rmperf("import", str(tmp_path / "pkg"), home=home).returncode == 0
    out = tmp_path / "all.csv"
    done = rmperf("indicators", "--period", "2025-Q1", "--out", str(out), home=home)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8-sig")
    for code in ("daily_average", "fee_income", "cards_issued", "post_loan_check_rate", "raroc", "veto"):
        assert f",{code}," in text, code
    bad = rmperf("indicators", "--period", "2025-Q1", "--group", "everything", home=home)
    assert bad.returncode != 0


#: targets for rural-2023's table-target items, the same for every RM (tests that only need a run)
RURAL_TARGETS = {
    "deposit_dai": "1000000",
    "inclusive": "500000",
    "agri": "500000",
    "first_time": "0.2",
    "insurance": "0.5",
    "merchants": "10",
}


def targets_csv(path: Path, rm_ids: list[str], targets: dict[str, str] | None = None) -> Path:
    """A targets table (rm_id, item, target) giving each RM every item of ``targets``."""
    rows = ["rm_id,item,target"]
    for rm in rm_ids:
        rows += [f"{rm},{item},{value}" for item, value in (targets or RURAL_TARGETS).items()]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def tiny_rms(package: Path, posts: tuple[str, ...] = ()) -> list[str]:
    """The RM ids of a generated package's managers table (of ``posts`` only, when given)."""
    import csv as _csv

    with (package / "managers.csv").open(encoding="utf-8") as fh:
        return [row["rm_id"] for row in _csv.DictReader(fh) if not posts or row["post"] in posts]
