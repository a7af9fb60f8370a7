"""The demo bank generator writes a complete, consistent, reproducible data package."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmperf import contract
from rmperf.demo import GenerationSummary, generate, planted_patterns

AMOUNT_TYPES = {contract.ColType.AMOUNT}


def _connect(package: Path) -> duckdb.DuckDBPyConnection:
    """DuckDB with one all-text view per CSV table and a typed ``balances`` view."""
    con = duckdb.connect()
    for table in contract.TABLES:
        if table.name == "balances":
            continue
        path = package / f"{table.name}.csv"
        con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM read_csv('{path}', header=true, all_varchar=true)")
    con.execute(
        f"CREATE VIEW balances AS SELECT * FROM read_parquet('{package}/balances/*/*.parquet', "
        "hive_partitioning=true, hive_types={'month': VARCHAR})"
    )
    return con


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def package_problems(package: Path) -> list[str]:
    """Every contract rule the package breaks (empty list = valid)."""
    problems: list[str] = []
    con = _connect(package)
    for table in contract.TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table.name}").fetchall()]
        extra = set(cols) - set(table.column_index) - {"month"}
        missing = {c.name for c in table.required_columns} - set(cols)
        if extra or missing:
            problems.append(f"{table.name}: extra {extra} missing {missing}")
            continue
        if table.key:
            key = ", ".join(table.key)
            dup = _one(con, f"SELECT count(*) FROM (SELECT {key} FROM {table.name} GROUP BY ALL HAVING count(*) > 1)")
            if dup:
                problems.append(f"{table.name}: {dup} duplicate keys {table.key}")
        for col in table.columns:
            if col.name not in cols:
                continue
            name = f"{table.name}.{col.name}"
            value = f"{col.name}::VARCHAR"
            present = f"{col.name} IS NOT NULL AND {value} <> ''"
            if col.required:
                n = _one(con, f"SELECT count(*) FROM {table.name} WHERE NOT ({present})")
                if n:
                    problems.append(f"{name}: {n} empty required values")
            checks = {
                contract.ColType.DATE: f"NOT regexp_full_match({value}, '\\d{{4}}-\\d{{2}}-\\d{{2}}')"
                f" OR try_cast({value} AS DATE) IS NULL",
                contract.ColType.MONTH: f"NOT regexp_full_match({value}, '\\d{{4}}-\\d{{2}}')",
                contract.ColType.AMOUNT: f"NOT regexp_full_match({value}, '-?\\d+(\\.\\d{{1,2}})?')",
                contract.ColType.RATE: f"try_cast({value} AS DOUBLE) NOT BETWEEN -0.5 AND 1",
                contract.ColType.FX: f"NOT regexp_full_match({value}, '\\d+(\\.\\d{{1,8}})?')",
                contract.ColType.SHARE: f"try_cast({value} AS DECIMAL(9,6)) NOT BETWEEN 0.000001 AND 1",
                contract.ColType.INT: f"NOT regexp_full_match({value}, '\\d+')",
                contract.ColType.BOOL: f"{value} NOT IN ('true', 'false')",
                contract.ColType.CURRENCY: f"NOT regexp_full_match({value}, '[A-Z]{{3}}')",
            }
            if col.type is contract.ColType.ENUM:
                allowed = ", ".join(f"'{v}'" for v in col.values)
                checks[col.type] = f"{value} NOT IN ({allowed})"
            if col.type in checks and table.name != "balances":  # Parquet columns are typed
                bad = _one(con, f"SELECT count(*) FROM {table.name} WHERE {present} AND ({checks[col.type]})")
                if bad:
                    problems.append(f"{name}: {bad} badly formatted values")
            if col.ref is not None:
                target, target_col = col.ref
                dangling = _one(
                    con,
                    f"SELECT count(*) FROM {table.name} WHERE {present} AND {value} NOT IN "
                    f"(SELECT {target_col} FROM {target})",
                )
                if dangling:
                    problems.append(f"{name}: {dangling} dangling references to {target}")
    problems += _semantic_problems(con)
    return problems


def _semantic_problems(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Rules across rows and tables: shares, intervals, org tree, FX coverage."""
    queries = {
        "more than one head office": "SELECT count(*) <> 1 FROM orgs WHERE level = 'head'",
        "valid_to not after valid_from": "SELECT count(*) FROM assignments "
        "WHERE valid_to <> '' AND valid_to::DATE <= valid_from::DATE",
        "shares over 1 on a day": """
            WITH a AS (SELECT customer_id, coalesce(account_id, '') AS acc, share::DECIMAL(9,6) AS share,
                              valid_from::DATE AS f, coalesce(try_cast(valid_to AS DATE), DATE '9999-12-31') AS t
                       FROM assignments)
            , starts AS (SELECT DISTINCT customer_id, acc, f FROM a)
            SELECT count(*) FROM (
                SELECT x.customer_id, x.acc, x.f FROM starts x JOIN a y
                  ON x.customer_id = y.customer_id AND x.acc = y.acc AND y.f <= x.f AND y.t > x.f
                GROUP BY ALL HAVING sum(y.share) > 1)""",
        "balance outside the open interval": """
            SELECT count(*) FROM balances b JOIN accounts a USING (account_id)
            WHERE b.date < a.opened_on::DATE OR (a.closed_on <> '' AND b.date > a.closed_on::DATE)""",
        "balance row missing inside the open interval": """
            WITH span AS (SELECT min(date) AS lo, max(date) AS hi FROM balances),
            want AS (SELECT account_id,
                       greatest(opened_on::DATE, lo) AS f,
                       least(coalesce(try_cast(closed_on AS DATE), hi), hi) AS t
                     FROM accounts, span),
            got AS (SELECT account_id, count(*) AS n FROM balances GROUP BY ALL)
            SELECT count(*) FROM want LEFT JOIN got USING (account_id)
            WHERE coalesce(n, 0) <> greatest(date_diff('day', f, t) + 1, 0)""",
        "balance not positive": "SELECT count(*) FROM balances WHERE balance <= 0",
        "month partition differs from the date": "SELECT count(*) FROM balances WHERE strftime(date, '%Y-%m') <> month",
        "loan event on a non-loan": """
            SELECT count(*) FROM (SELECT account_id FROM loan_grades UNION ALL SELECT account_id FROM loan_checks
                                  UNION ALL SELECT account_id FROM loan_interest)
            JOIN accounts USING (account_id) WHERE category <> 'loan'""",
        "FX rate missing before first use": """
            WITH used AS (SELECT a.currency, min(b.date) AS first FROM balances b JOIN accounts a USING (account_id)
                          WHERE a.currency <> 'CNY' GROUP BY ALL
                          UNION ALL SELECT currency, min(date::DATE) FROM fees WHERE currency <> 'CNY' GROUP BY ALL)
            SELECT count(*) FROM used LEFT JOIN (SELECT currency, min(date::DATE) AS r FROM fx_rates GROUP BY ALL)
              USING (currency) WHERE r IS NULL OR r > first""",
        "card_activity before the card was issued": """
            SELECT count(*) FROM card_activity JOIN cards USING (card_id)
            WHERE strptime(month || '-01', '%Y-%m-%d') + INTERVAL 1 MONTH <= issued_on::DATE""",
        "received interest without anything due, ever": """
            SELECT count(*) FROM loan_interest WHERE due::DECIMAL(18,2) < 0 OR received::DECIMAL(18,2) < 0""",
        "number of vetoes not 1 or 2": "SELECT count(*) NOT IN (1, 2) FROM violations WHERE veto = 'true'",
    }
    return [f"{name}: {result}" for name, sql in queries.items() if (result := _one(con, sql))]


def _digests(package: Path) -> dict[str, str]:
    return {
        str(p.relative_to(package)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(package.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, GenerationSummary]:
    out = tmp_path_factory.mktemp("tiny") / "package"
    return out, generate("tiny", 7, out)


def test_tiny_package_has_every_table(tiny: tuple[Path, GenerationSummary]) -> None:
    package, summary = tiny
    for table in contract.TABLES:
        if table.name == "balances":
            assert sorted(p.name for p in (package / "balances").iterdir()) == [
                "month=2025-01",
                "month=2025-02",
                "month=2025-03",
            ]
        else:
            assert (package / f"{table.name}.csv").is_file(), table.name
        assert summary.rows[table.name] > 0, table.name
    assert summary.first_balance_date.isoformat() == "2025-01-01"
    assert summary.last_balance_date.isoformat() == "2025-03-31"


def test_tiny_package_follows_the_contract(tiny: tuple[Path, GenerationSummary]) -> None:
    assert package_problems(tiny[0]) == []


def test_csv_files_are_plain_utf8_with_unix_newlines(tiny: tuple[Path, GenerationSummary]) -> None:
    for path in tiny[0].glob("*.csv"):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r" not in data, path.name
        data.decode("utf-8")


def test_balances_are_decimal_fen_without_a_month_column(tiny: tuple[Path, GenerationSummary]) -> None:
    package, summary = tiny
    for part in sorted((package / "balances").glob("*/part-0.parquet")):
        schema = pa.parquet.read_schema(part)
        assert schema.names == ["date", "account_id", "balance"]
        assert schema.field("date").type == pa.date32()
        assert schema.field("account_id").type == pa.string()
        assert schema.field("balance").type == pa.decimal128(18, 2)
    rows = ds.dataset(package / "balances", format="parquet", partitioning="hive").count_rows()
    assert rows == summary.rows["balances"]


def test_planted_patterns_are_there(tiny: tuple[Path, GenerationSummary]) -> None:
    con = _connect(tiny[0])
    grades = {r[0] for r in con.execute("SELECT DISTINCT grade FROM managers").fetchall()}
    assert grades == set(contract.GRADES)
    posts = {r[0] for r in con.execute("SELECT DISTINCT post FROM managers").fetchall()}
    assert posts == set(contract.POSTS)
    regions = {r[0] for r in con.execute("SELECT DISTINCT region_type FROM orgs WHERE region_type <> ''").fetchall()}
    assert regions == set(contract.REGION_TYPES)
    assert _one(con, "SELECT count(*) FROM assignments WHERE valid_to <> ''")  # re-assignments
    assert _one(con, "SELECT count(*) FROM assignments WHERE kind = 'share' AND account_id IS NULL")  # shared
    assert _one(con, "SELECT count(*) FROM assignments WHERE account_id <> ''")  # account level
    assert _one(con, "SELECT count(DISTINCT currency) FROM accounts") == 4
    assert _one(con, "SELECT count(DISTINCT valid_from) FROM ftp_rates WHERE valid_from >= '2025'") == 3


def test_planted_patterns_match_the_files(tiny: tuple[Path, GenerationSummary]) -> None:
    plants = planted_patterns("tiny", 7)
    con = _connect(tiny[0])
    # the spiker's customers' CNY deposits jump in the last days of the quarter: by a tenth or more of a
    # retail book of several 亿 (a quarter to three quarters of each demand account)
    spiker = plants.spiker_rms[0]
    on_day = """SELECT sum(balance) FROM balances b JOIN accounts a USING (account_id)
                JOIN assignments s ON s.customer_id = a.customer_id AND s.account_id IS NULL
                WHERE s.rm_id = '{rm}' AND s.kind = 'manage' AND a.category = 'deposit'
                  AND a.currency = 'CNY' AND b.date = DATE '{day}'"""
    before = _one(con, on_day.format(rm=spiker, day="2025-03-20"))
    at_end = _one(con, on_day.format(rm=spiker, day="2025-03-31"))
    assert isinstance(before, Decimal)
    assert isinstance(at_end, Decimal)
    assert at_end > before * Decimal("1.1")
    for move in plants.reassignments:
        ended = _one(
            con,
            f"SELECT count(*) FROM assignments WHERE customer_id = '{move.customer_id}' "
            f"AND rm_id = '{move.from_rm}' AND valid_to = '{move.on}'",
        )
        assert ended == 1
    account, month = plants.turning_npl_loans[0]
    grades = con.execute(
        f"SELECT grade FROM loan_grades WHERE account_id = '{account}' AND date >= '{month}' ORDER BY date"
    ).fetchall()
    assert grades
    assert grades[0][0] == "substandard"
    assert plants.veto_rms == tuple(
        r[0] for r in con.execute("SELECT rm_id FROM violations WHERE veto = 'true' ORDER BY rm_id").fetchall()
    )


def test_same_seed_gives_identical_bytes(tmp_path: Path, tiny: tuple[Path, GenerationSummary]) -> None:
    again = tmp_path / "again"
    generate("tiny", 7, again)
    assert _digests(again) == _digests(tiny[0])


def test_different_seed_gives_different_bytes(tmp_path: Path, tiny: tuple[Path, GenerationSummary]) -> None:
    other = tmp_path / "other"
    generate("tiny", 8, other)
    first, second = _digests(tiny[0]), _digests(other)
    assert first.keys() == second.keys()
    assert first["accounts.csv"] != second["accounts.csv"]
    assert first["balances/month=2025-01/part-0.parquet"] != second["balances/month=2025-01/part-0.parquet"]


def test_days_limits_only_the_balances(tmp_path: Path, tiny: tuple[Path, GenerationSummary]) -> None:
    short = generate("tiny", 7, tmp_path / "short", days=10)
    assert short.last_balance_date.isoformat() == "2025-01-10"
    full, cut = _digests(tiny[0]), _digests(tmp_path / "short")
    assert {k for k in cut if k.endswith(".csv")} == {k for k in full if k.endswith(".csv")}
    assert all(cut[k] == full[k] for k in cut if k.endswith(".csv"))
    con = _connect(tmp_path / "short")
    first_days = con.execute("SELECT * FROM balances ORDER BY date, account_id").fetchall()
    con_full = _connect(tiny[0])
    full_days = con_full.execute(
        "SELECT * FROM balances WHERE date <= DATE '2025-01-10' ORDER BY date, account_id"
    ).fetchall()
    assert first_days == full_days


def test_replaces_an_old_package_but_nothing_else(tmp_path: Path, tiny: tuple[Path, GenerationSummary]) -> None:
    out = tmp_path / "package"
    generate("tiny", 8, out, days=40)
    generate("tiny", 7, out)
    assert _digests(out) == _digests(tiny[0])
    (out / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError, match=r"keep\.txt"):
        generate("tiny", 1, out)
    assert (out / "keep.txt").read_text() == "mine"
    with pytest.raises(ValueError, match="unknown demo size"):
        generate("huge", 1, tmp_path / "new")


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_any_seed_gives_a_valid_package(tmp_path_factory: pytest.TempPathFactory, seed: int) -> None:
    out = tmp_path_factory.mktemp("seed") / "package"
    summary = generate("tiny", seed, out)
    assert all(summary.rows[t.name] > 0 for t in contract.TABLES)
    assert package_problems(out) == []


@pytest.mark.slow
def test_small_has_the_documented_size(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("small") / "package"
    calls: list[tuple[str, int, int]] = []
    summary = generate("small", 3, out, progress=lambda label, done, total: calls.append((label, done, total)))
    assert summary.rms == 120
    assert summary.customers == 20_000
    assert 35_000 <= summary.accounts <= 50_000
    assert summary.first_balance_date.isoformat() == "2025-01-01"
    assert summary.last_balance_date.isoformat() == "2025-12-31"
    assert len(list((out / "balances").iterdir())) == 12
    assert 9_000_000 <= summary.rows["balances"] <= 16_000_000
    assert ("balances", 365, 365) in calls
    assert package_problems(out) == []
