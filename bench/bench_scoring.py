"""Benchmark: scoring and ranking after the indicators, at a bank's scale (3,000 RMs × 30 items).

Prints the seconds ``evaluate`` takes (load, resolve and plan apart) and the
peak memory. Run from the repository root: ``python bench/bench_scoring.py``.
"""

from __future__ import annotations

import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.test_scheme_evaluate import big_scheme, plan_of

from rmperf.core.scheme import RmContext, evaluate


def main() -> None:
    started = time.perf_counter()
    plan = plan_of(big_scheme())
    planned = time.perf_counter() - started
    rms = [RmContext(f"R{i:05d}", ("retail", "corporate")[i % 2], branch=f"B{i % 12}") for i in range(3000)]
    codes = ("daily_average", "point_balance", "fee_income", "new_loans", "aum", "visits")
    values = {
        rm.rm_id: {(c, "all"): Decimal(i * 37 % 2500) + Decimal("0.25") for c in codes} for i, rm in enumerate(rms)
    }
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        result = evaluate(plan, rms, values)
        runs.append(time.perf_counter() - t)
    print(f"rms                 {len(result.results)}")
    print(f"items per rm        {len(plan.base.items)}")
    print(f"load+plan seconds   {planned:.2f}")
    print(f"evaluate seconds    {min(runs):.2f} (best of 3; {', '.join(f'{r:.2f}' for r in runs)})")
    print(f"peak rss mb         {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}")


if __name__ == "__main__":
    main()
