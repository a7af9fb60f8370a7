"""Year-end spikes into the pay ledger (003 冲时点): measured by the engine, deferred, shown as such."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.engine.test_engine_spikes import QUARTER_END_SPIKE, home_with_a1

pytestmark = pytest.mark.django_db

SCHEME = """
id: spike-test
version: 1
name: 冲时点测试
periods: [quarter]
total: sum
rank_group: []
inputs:
  pi: point_increment:deposit
  da: daily_average:deposit
  pb: point_balance:deposit
  bp: baseline_point:deposit
custom:
  managed: pb - bp
dimensions:
  - key: development
    name: 开发
    items:
      - {key: a3, name: 时点增量, input: pi, method: value, factor: 1}
      - {key: a1, name: 日均存量, input: da, method: value, factor: 1}
      - {key: b2, name: 管理资产增量, input: managed, method: value, factor: 1}
pay:
  performance:
    - {key: m, name: 开发绩效, of: points.development, rate: 0.03}
  ledger:
    spike_window_days: 3
"""


def test_the_pay_on_a_reversed_quarter_end_rise_is_deferred(tmp_path: Path) -> None:
    from rmperf import db
    from rmperf.core.scheme import load_scheme
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.pay.service import engine_spikes, history, pay_run, spike_inputs
    from rmperf.runs.service import run_scheme
    from rmperf.store import FactStore

    # A1: 1,000 on 31 Dec, 5,000 on 31 Mar, then 2,000 / 4,500 / 3,000 (tests/engine/test_engine_spikes.py)
    home = home_with_a1(tmp_path, QUARTER_END_SPIKE)
    db.setup(home)
    scheme = tmp_path / "spike.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    # every input that reads a period-end deposit balance, whatever item or formula uses it (A3 and B2 alike)
    assert spike_inputs(load_scheme(SCHEME)) == [("point_balance", "deposit"), ("point_increment", "deposit")]
    run = run_scheme(home, DuckDBBackend(FactStore(home)), str(scheme), "2025-Q1", user="t")
    spikes, notes = engine_spikes(home, run.run_id)
    assert notes == []
    # RM 0001 holds 60 %: rise 4,000 × 60 % = 2,400, reversed 3,000 × 60 % = 1,800.
    # As run: a3 = 2,400 (point increment), b2 = 3,000 − 600 = 2,400 (period-end − year-start point),
    # a1 = 33.33 (the daily average, untouched by a one-day rise): performance 3 % × 4,833.33 = 145.00.
    # Without the reversed 1,800 in the period-end balances: a3 = 600, b2 = 600, a1 = 33.33:
    # 3 % × 1,233.33 = 37.00. Deferred: 145.00 − 37.00 = 108.00.
    s = spikes["0001"]
    assert (s.increase, s.reversed) == (Decimal("2400.00"), Decimal("1800.00"))
    assert s.pay == Decimal("145.00")
    assert s.deferred == Decimal("108.00")
    outcome = pay_run(home, run.run_id, spikes=spikes, user="t")
    deferred = [e for e in history(home, rm_id="0001") if e.kind == "deferred" and e.reason == "spike"]
    assert [e.amount for e in deferred] == [Decimal("108.00")]
    assert outcome.balances.total.deferred >= Decimal("108.00")
