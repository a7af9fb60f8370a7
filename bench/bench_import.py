"""Benchmark: generate a demo bank package, import it, print what was measured.

    python bench/bench_import.py --size small
    python bench/bench_import.py --size large [--days 31]

Each step runs in a child process so its peak memory (max RSS) is its own.
Nothing here asserts a speed; it prints numbers for the closing notes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path


def run(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a child; return (seconds, peak RSS in bytes of that child alone)."""
    started = time.monotonic()
    child = subprocess.Popen(args, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed with exit code {child.returncode}")
    return seconds, usage.ru_maxrss * 1024


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=None)
    parser.add_argument("--out", type=Path, default=Path("bench/out"))
    parser.add_argument("--keep", action="store_true", help="keep the package and home afterwards")
    opts = parser.parse_args()

    work = opts.out / (f"{opts.size}-{opts.seed}" + (f"-{opts.days}d" if opts.days else ""))
    package, home = work / "package", work / "home"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    env = {**os.environ, "RMPERF_HOME": str(home)}
    env.pop("RMPERF_DATABASE_URL", None)
    cli = [sys.executable, "-m", "rmperf"]

    gen = [*cli, "demo-data", "--size", opts.size, "--seed", str(opts.seed), "--out", str(package)]
    if opts.days:
        gen += ["--days", str(opts.days)]
    gen_s, gen_rss = run(gen, env)
    imp_s, imp_rss = run([*cli, "import", str(package), "--user", "bench"], env)

    import duckdb

    rows = duckdb.sql(f"SELECT count(*) FROM read_parquet('{home}/store/balances/*/*.parquet')").fetchone()
    balance_rows = int(rows[0]) if rows else 0
    result = {
        "size": opts.size,
        "days": opts.days,
        "balance_rows": balance_rows,
        "generate_seconds": round(gen_s, 1),
        "generate_peak_rss_mb": round(gen_rss / 2**20),
        "import_seconds": round(imp_s, 1),
        "import_peak_rss_mb": round(imp_rss / 2**20),
        "import_balance_rows_per_second": round(balance_rows / imp_s) if imp_s else None,
        "package_mb": round(du(package) / 2**20, 1),
        "store_mb": round(du(home / "store") / 2**20, 1),
        "app_db_mb": round((home / "rmperf.sqlite3").stat().st_size / 2**20, 2),
        "cores": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    if not opts.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
