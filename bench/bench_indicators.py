"""Benchmark: full-year recompute of the balance indicators, one daily close, and the floor.

    python bench/bench_indicators.py --home bench/out/large-42/home [--year 2025]

The home must hold an imported demo bank (``bench/bench_import.py --size
large --keep`` leaves one). Each measurement runs in its own child process
so its peak memory is its own. Printed as a table and written to
``bench/results/indicators-<timestamp>.json``. Nothing here asserts a speed.

Measured:
- floor: DuckDB reading the same Parquet files and summing the balance per
  account — the least any correct plan must do. Every balance file is read
  once first (untimed), so all steps run on a warm page cache; the floor is
  measured before and after the full recompute and the faster one is used;
- full: ``compute_balance_indicators`` for the whole year (every RM, pool,
  team and org; every balance indicator);
- close: ``rmperf close`` of one mid-month day (the days before it in that
  month closed first, not timed), and apart the month-end day, which also
  folds the month into segments;
- January by the engine, and January by a straightforward day-by-day pandas
  implementation (``bench/pandas_baseline.py``, float64), for the ratio;
- with ``RMPERF_BENCH_PG_URL=postgresql://…``: January by the same SQL on
  PostgreSQL (``bench/pg_backend.py``: loaded first, load timed apart),
  its figures compared with DuckDB's to the fen. A full year in PostgreSQL
  (300 M rows loaded row by row through COPY) is not attempted: the month
  gives the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

CHILD = r"""
import json, os, sys, time
from pathlib import Path
from datetime import date, timedelta
from rmperf.home import Home
from rmperf import db
home = Home(Path(sys.argv[2])); db.setup(home)
from rmperf.store import FactStore
from rmperf.engine.backend import DuckDBBackend
what, year = sys.argv[1], int(sys.argv[3])
store = FactStore(home)
backend = DuckDBBackend(store)
out = {}
if what == "warm":
    # untimed: every balance file read once, so that the page cache is the same for every step
    backend.query("SELECT count(*), sum(balance), count(DISTINCT date), max(account_id) FROM balances")
elif what == "floor":
    t = time.monotonic()
    backend.query("SELECT count(*), sum(s) FROM (SELECT account_id, sum(balance) s FROM balances GROUP BY 1)")
    out["seconds"] = time.monotonic() - t
    out["rows"] = backend.query("SELECT count(*) FROM balances")[0][0]
elif what == "full":
    from rmperf.core.periods import Period
    from rmperf.engine.indicators import compute_balance_indicators
    t = time.monotonic()
    result = compute_balance_indicators(backend, Period.parse(str(year)))
    out["seconds"] = time.monotonic() - t
    out["values"] = len(result.values)
    out["plan"] = "split (D139)" if backend.split_balances else "general (D138)"
elif what == "month":
    from rmperf.core.periods import Period
    from rmperf.engine.indicators import compute_balance_indicators
    t = time.monotonic()
    compute_balance_indicators(backend, Period.parse(f"{year}-01"))
    out["seconds"] = time.monotonic() - t
elif what == "pandas_month":
    sys.path.insert(0, "bench")
    import pandas_baseline
    from rmperf.contract import TABLES
    files = {t.name: store.files(t.name) for t in TABLES}
    t = time.monotonic()
    pandas_baseline.balance_indicators(files, date(year, 1, 1), date(year, 1, 31))
    out["seconds"] = time.monotonic() - t
elif what == "postgres_month":
    # the same SQL on PostgreSQL: January's balances and the reference tables loaded, then
    # the month's balance indicators computed there and compared with DuckDB's to the fen
    sys.path.insert(0, "bench")
    import pg_backend
    from rmperf.core.periods import Period
    from rmperf.engine.indicators import compute_balance_indicators
    url = os.environ["RMPERF_BENCH_PG_URL"]
    t = time.monotonic()
    pg_backend.load(url, store, [f"{year}-01"])
    out["load_seconds"] = time.monotonic() - t
    pg = pg_backend.PostgresBackend(url, store)
    t = time.monotonic()
    on_pg = compute_balance_indicators(pg, Period.parse(f"{year}-01"))
    out["seconds"] = time.monotonic() - t
    on_duck = compute_balance_indicators(backend, Period.parse(f"{year}-01"))
    a = {(v.owner_kind, v.owner_id, v.indicator, v.category): v.value for v in on_pg.values}
    b = {(v.owner_kind, v.owner_id, v.indicator, v.category): v.value for v in on_duck.values}
    out["values"] = len(b)
    out["mismatches"] = sum(1 for k in set(a) | set(b) if a.get(k) != b.get(k))
elif what == "close":
    # a typical day: the last month's days up to the day before are closed (untimed),
    # then one mid-month day is timed; then the month-end day, which also folds
    # the month's day files into segments, is timed apart
    from rmperf.engine.close import DailyClose
    close = DailyClose(home, backend)
    last = backend.query("SELECT max(date) FROM balances")[0][0]
    first = last.replace(day=1)
    day = last - timedelta(days=1)
    close.rebuild(day - timedelta(days=1), first=first)
    t = time.monotonic()
    r = close.close(day)
    out["seconds"] = time.monotonic() - t
    out["rows"] = r.rows
    out["day"] = day.isoformat()
    t = time.monotonic()
    close.close(last)
    out["month_end_seconds"] = time.monotonic() - t
print("RESULT " + json.dumps(out, default=str))
"""


def measure(what: str, home: Path, year: int) -> dict[str, object]:
    import tempfile

    # the child's output goes to a file: a pipe that nobody reads while we wait would block it
    with tempfile.TemporaryFile("w+") as sink:
        child = subprocess.Popen([sys.executable, "-c", CHILD, what, str(home), str(year)], stdout=sink, env=os.environ)
        _, status, usage = os.wait4(child.pid, 0)
        sink.seek(0)
        output = sink.read()
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{what} failed")
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    result: dict[str, object] = json.loads(line[len("RESULT ") :])
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    opts = parser.parse_args()
    # the floor is measured before and after the full recompute, both warm; the ratio uses the faster
    steps = ["warm", "floor", "full", "floor_again", "close", "month", "pandas_month"]
    if os.environ.get("RMPERF_BENCH_PG_URL"):
        steps.append("postgres_month")
    results = {what: measure(what.removesuffix("_again"), opts.home, opts.year) for what in steps}
    rows = int(results["floor"]["rows"])  # type: ignore[call-overload]
    floor = min(float(results[k]["seconds"]) for k in ("floor", "floor_again"))  # type: ignore[arg-type]
    full, close = (float(results[k]["seconds"]) for k in ("full", "close"))  # type: ignore[arg-type]
    summary = {
        "balance_rows": rows,
        "floor_seconds": round(floor, 2),
        "floor_runs_seconds": [round(float(results[k]["seconds"]), 2) for k in ("floor", "floor_again")],  # type: ignore[arg-type]
        "floor_rows_per_second": round(rows / floor),
        "full_year_seconds": round(full, 2),
        "full_over_floor": round(full / floor, 2),
        "full_peak_rss_mb": results["full"]["peak_rss_mb"],
        "full_balances_plan": results["full"]["plan"],
        "close_seconds": round(close, 2),
        "full_over_close": round(full / close, 1),
        "close_peak_rss_mb": results["close"]["peak_rss_mb"],
        "close_month_end_seconds": round(float(results["close"]["month_end_seconds"]), 2),  # type: ignore[arg-type]
        "january_duckdb_seconds": results["month"]["seconds"],
        "january_pandas_day_by_day_seconds": results["pandas_month"]["seconds"],
        "pandas_over_duckdb_january": round(
            float(results["pandas_month"]["seconds"]) / float(results["month"]["seconds"]),  # type: ignore[arg-type]
            1,
        ),
        "pandas_peak_rss_mb": results["pandas_month"]["peak_rss_mb"],
        **(
            {
                "january_postgres_seconds": round(float(results["postgres_month"]["seconds"]), 2),  # type: ignore[arg-type]
                "postgres_load_seconds": round(float(results["postgres_month"]["load_seconds"]), 2),  # type: ignore[arg-type]
                "postgres_over_duckdb_january": round(
                    float(results["postgres_month"]["seconds"]) / float(results["month"]["seconds"]),  # type: ignore[arg-type]
                    1,
                ),
                "postgres_mismatches": results["postgres_month"]["mismatches"],
            }
            if "postgres_month" in results
            else {"postgres": "not measured (set RMPERF_BENCH_PG_URL)"}
        ),
        "cores": os.cpu_count(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    width = max(len(k) for k in summary)
    for key, value in summary.items():
        print(f"{key:<{width}}  {value}")
    opts.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (opts.out / f"indicators-{stamp}.json").write_text(json.dumps({"summary": summary, "raw": results}, indent=2))


if __name__ == "__main__":
    main()
