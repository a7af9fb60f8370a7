"""Year-end spikes into the pay ledger (003 冲时点): measured by the engine, deferred, shown as such."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.test_engine_spikes import QUARTER_END_SPIKE, home_with_a1

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
dimensions:
  - key: development
    name: 开发
    items:
      - {key: a3, name: 时点增量, input: pi, method: value, factor: 1}
      - {key: a1, name: 日均存量, input: da, method: value, factor: 1}
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
    from rmperf.pay.service import engine_spikes, history, pay_run, spike_items
    from rmperf.runs.service import run_scheme
    from rmperf.store import FactStore

    # A1: 1,000 on 31 Dec, 5,000 on 31 Mar, then 2,000 / 4,500 / 3,000 (tests/test_engine_spikes.py)
    home = home_with_a1(tmp_path, QUARTER_END_SPIKE)
    db.setup(home)
    scheme = tmp_path / "spike.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    assert spike_items(load_scheme(SCHEME)) == {"a3"}
    run = run_scheme(home, DuckDBBackend(FactStore(home)), str(scheme), "2025-Q1", user="t")
    spikes, notes = engine_spikes(home, run.run_id)
    assert notes == []
    # RM 0001: rise 4,000 × 60 % = 2,400, reversed 3,000 × 60 % = 1,800;
    # item scores a3 = 2,400 (point increment 4,000 × 0.6) and a1 = 5,000 × 1 day ÷ 90 days × 0.6 = 33.33…,
    # performance = 3 % × 2,433.33 = 73.00; the a3 share of it: 73.00 × 2,400 ÷ 2,433.33… = 72.00
    s = spikes["0001"]
    assert (s.increase, s.reversed) == (Decimal("2400.00"), Decimal("1800.00"))
    assert s.pay == Decimal("72.00")
    outcome = pay_run(home, run.run_id, spikes=spikes, user="t")
    deferred = [e for e in history(home, rm_id="0001") if e.kind == "deferred" and e.reason == "spike"]
    # deferred: 72.00 × 1,800 ÷ 2,400 = 54.00, shown as a spike deferral
    assert [e.amount for e in deferred] == [Decimal("54.00")]
    assert outcome.balances.total.deferred >= Decimal("54.00")
