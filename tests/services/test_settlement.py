"""003 第三十八条 绩效工资按季清算: a year-to-date scheme's quarter reads the year so far and pays it less what
the year's earlier settlements paid (issue 11 item 6), and 003 附件4 A3's wealth sold and matured in the year.

The minimal bank, with A1 (C1's demand deposit, 60 % to RM 0001, 40 % share to 0002) holding 100,000 from
1 January to 31 March and 200,000 from 1 April to 30 June, and W1, a wealth product C1 bought on 1 February
for 50,000 that matured on 30 April.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.home import Home
from tests.pkgbuilder import minimal_tables, write_package

pytestmark = pytest.mark.django_db
D = Decimal

SCHEME = """
id: ytd-test
version: 1
name: 按年累计结算测试
periods: [quarter, half, year]
window: year_to_date
total: sum
rank_group: []
inputs:
  da: {indicator: daily_average, category: deposit/customer_kind=personal}
  wm: {indicator: wealth_matured_sales, category: personal}
custom:
  a1: da * 0.01 * period_days / year_days
dimensions:
  - key: dev
    name: 开发
    items:
      - {key: a1, name: 日均存量, input: a1, method: value}
      - {key: wm, name: 年内到期理财, input: wm, method: value, factor: 0.1}
pay:
  cycles: [quarter, year]
  settlement: year_to_date
  performance:
    - {key: m, name: 开发绩效, of: points.dev, rate: 0.03}
  base_salary: {per: month, amount: 1000}
"""


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def bank(tmp_path: Path) -> tuple[Home, Path]:
    from rmperf import db
    from rmperf.ingest.importer import import_package

    tables = minimal_tables()
    # 0001 joined on 1 January 2025 on a six-month probation (003 第十五条): it ends on 30 June
    tables["managers"][0].update({"rm_since": "2025-01-01", "probation_until": "2025-06-30"})
    tables["accounts"].append(
        {
            "account_id": "W1",
            "customer_id": "C1",
            "category": "wealth",
            "product": "WM_WMP",
            "currency": "CNY",
            "opened_on": "2025-02-01",
            "closed_on": "2025-04-30",
        }
    )
    rows = [{"date": "2024-12-31", "account_id": "A1", "balance": "1000.00"}]
    for day in _days(date(2025, 1, 1), date(2025, 6, 30)):
        rows.append({"date": day.isoformat(), "account_id": "A1", "balance": "100000.00" if day.month <= 3 else
                     "200000.00"})  # fmt: skip
        if date(2025, 2, 1) <= day <= date(2025, 4, 30):
            rows.append({"date": day.isoformat(), "account_id": "W1", "balance": "50000.00"})
    tables["balances"] = [r for r in tables["balances"] if r["account_id"] != "A1"] + rows
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", tables), home).status == "committed"
    db.setup(home)
    scheme = tmp_path / "ytd.yaml"
    scheme.write_text(SCHEME, encoding="utf-8")
    return home, scheme


def _run(home: Home, scheme: Path, period: str) -> int:
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.runs.service import run_scheme
    from rmperf.store import FactStore

    return run_scheme(home, DuckDBBackend(FactStore(home)), str(scheme), period, user="t").run_id


def _line(outcome: object, rm: str) -> dict[str, Decimal]:
    line = next(x for x in outcome.lines if x.rm_id == rm)  # type: ignore[attr-defined]
    return {c.label_zh: c.amount for c in line.components}


def test_the_quarters_settle_the_year_to_date(bank: tuple[Home, Path]) -> None:
    from rmperf.db.models import Run
    from rmperf.pay.service import LedgerError, pay_run

    home, scheme = bank
    q1 = _run(home, scheme, "2025-Q1")
    # Q1 (90 days): 0001 holds 60 % of 100,000 → daily average 60,000; a1 = 60,000 × 1 % × 90 ÷ 365 = 147.95;
    # W1 has not matured by 31 March: wm 0. M = 3 % × 147.95 = 4.4385 → 4.44; base salary 3 × 1,000
    first = pay_run(home, q1, user="t")
    assert _line(first, "0001") == {"开发绩效": D("4.44"), "基础工资": D("3000.00")}

    q2 = _run(home, scheme, "2025-Q2")
    run = Run.objects.get(pk=q2)
    assert any(n.startswith("window_year_to_date:2025-01-01:2025-06-30") for n in run.notes)
    payload = next(r.payload for r in run.results.all() if r.rm_id == "0001")
    values = {v["name"]: v["value"] for v in payload["values"]}
    # the year so far (181 days): 积数 90 × 60,000 + 91 × 120,000 = 16,320,000; a1 = 16,320,000 × 1 % ÷ 365
    assert D(values["period_days"]) == 181
    assert D(values["a1"]).quantize(D("0.01")) == D("447.12")
    # W1, sold on 1 February for 50,000 and matured on 30 April: 60 % credited to its seller
    assert D(values["wm"]) == D("30000.00")
    second = pay_run(home, q2, user="t")
    line = _line(second, "0001")
    # YTD M = 3 % × (447.12 + 3,000.00) = 103.41, less Q1's 4.44; base salary 6 months less the 3 paid
    assert line == {"开发绩效": D("98.97"), "基础工资": D("3000.00")}
    # the July evaluation's half year reads the same days but pays nothing (cycles: quarter, year)
    h1 = _run(home, scheme, "2025-H1")
    assert Run.objects.get(pk=h1).results.get(rm_id="0001").payload["values"] == payload["values"]
    assert all(c.amount == 0 for x in pay_run(home, h1, user="t").lines for c in x.components)
    # a settlement cannot be posted behind a later one: the later one already counts the year so far
    corrected_q1 = _run(home, scheme, "2025-Q1")
    with pytest.raises(LedgerError) as refused:
        pay_run(home, corrected_q1, user="t")
    assert refused.value.code == "ledger.settlement_order"
    assert "2025-Q2" in refused.value.render("en")


def test_a_window_of_the_year_to_date_is_refused_for_a_plain_settlement() -> None:
    from rmperf.core.scheme import load_scheme
    from rmperf.core.scheme.errors import SchemeError

    with pytest.raises(SchemeError) as refused:
        load_scheme(SCHEME.replace("window: year_to_date\n", ""), source="ytd.yaml")
    assert [p.code for p in refused.value.problems] == ["scheme.pay_settlement_window"]


def test_a_probation_ending_in_the_first_half_is_judged_in_july(bank: tuple[Home, Path]) -> None:
    """003 第十七条 / 第十条: a probation that ends on 30 June is judged against the committed standard at the
    July (half-year) evaluation — which needs the retail wealth scheme's H1 run — not sent to the grace period."""
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.pay import grades_service as svc
    from rmperf.runs.service import run_scheme
    from rmperf.store import FactStore

    home, _ = bank
    backend = DuckDBBackend(FactStore(home))
    h1 = run_scheme(home, backend, "retail-wealth-2007", "2025-H1", user="t").run_id
    report = svc.grade_report(home, "2025-H1", run_id=h1)
    proposal = next(p for p in report.proposals if p.rm_id == "0001")
    assert report.on == date(2025, 7, 1)
    assert proposal.action.value in ("confirm", "probation_demote", "probation_exit")
    assert "2025-06-30" in proposal.rule_zh
    assert any(c.measure == "committed_profit" for c in proposal.checks)


def test_a_breakdown_and_the_matured_wealth_open_to_their_accounts(bank: tuple[Home, Path]) -> None:
    """A run's figure of a breakdown (daily average of personal customers' deposits) and of wealth sold and
    matured in the year opens to the accounts behind it, over the year so far, as the run read it."""
    from rmperf.services.context import Actor, Context
    from rmperf.services.explain import explain_run

    home, scheme = bank
    q2 = _run(home, scheme, "2025-Q2")
    explained = explain_run(Context(home, Actor.local_operator("t")), q2, "0001")
    assert explained.mismatches == []
    opened = {i.name: i for i in explained.inputs}
    da = opened["da"].explanation
    assert da is not None
    assert opened["da"].category == "deposit/customer_kind=personal"
    # A1 is C1's (a personal customer): 16,320,000 ÷ 181 = 90,165.75 over the year so far
    assert [(c.account_id, c.value) for c in da.accounts] == [("A1", D("90165.75"))]
    wm = opened["wm"].explanation
    assert wm is not None
    assert [(c.account_id, c.value) for c in wm.accounts] == [("W1", D("30000.00"))]
