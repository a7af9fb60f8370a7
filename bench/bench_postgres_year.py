"""Benchmark: the full year's balance indicators by the same SQL on PostgreSQL (slow: about 12 minutes on large).

    RMPERF_BENCH_PG_URL=postgresql://… python bench/bench_postgres_year.py --home bench/out/large-42/home

Loads every month of the year and the reference tables into PostgreSQL
(``bench/pg_backend.py``; the load is timed apart), computes the year's
balance indicators there, and prints both times. Compare with
``full_year_seconds`` of ``bench/bench_indicators.py`` on the same home.
Written to ``bench/results/postgres-year-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    opts = parser.parse_args()
    import pg_backend

    from rmperf import db
    from rmperf.core.periods import Period
    from rmperf.engine.indicators import compute_balance_indicators
    from rmperf.home import Home
    from rmperf.store import FactStore

    home = Home(opts.home)
    db.setup(home)
    url = os.environ["RMPERF_BENCH_PG_URL"]
    store = FactStore(home)
    started = time.monotonic()
    pg_backend.load(url, store, [f"{opts.year}-{m:02d}" for m in range(1, 13)])
    load = time.monotonic() - started
    started = time.monotonic()
    result = compute_balance_indicators(pg_backend.PostgresBackend(url, store), Period.parse(str(opts.year)))
    summary = {
        "postgres_year_seconds": round(time.monotonic() - started, 2),
        "postgres_load_seconds": round(load, 2),
        "values": len(result.values),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for key, value in summary.items():
        print(f"{key:<24}  {value}")
    opts.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (opts.out / f"postgres-year-{stamp}.json").write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
