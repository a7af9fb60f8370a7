"""Pay rules (issue 5, item 1): the ``pay:`` section of a scheme and ``compute_pay``.

Hand-computed scenarios of the seeds live in ``tests/scenarios/pay/*.yaml``; here are the
properties (Hypothesis), the loader's errors for a broken section, the resolved rules of the
templates, dated values, the ledger policy and the refusals.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmperf.core.pay.policy import LedgerPolicy, ReserveBand
from rmperf.core.pay.rules import (
    Adjustment,
    AmountRule,
    BandRule,
    BonusRule,
    CommissionRule,
    CutRule,
    Measure,
    PayError,
    PayLine,
    PerformanceRule,
    PoolRule,
    ResolvedPay,
    RewardRule,
    RmFacts,
    Valued,
    compute_pay,
    pool_split,
)
from rmperf.core.periods import Period
from rmperf.core.scheme import SchemeError, load_file, load_scheme, resolve
from rmperf.core.scheme.errors import format_path
from rmperf.schemes.templates import template_path

# --- helpers -------------------------------------------------------------------------------------------

BASE = """\
id: pay-test
version: 1
name: 薪酬测试
memo: 测试方案
total: sum
periods: [month, quarter, year]
inputs:
  profit: {manual: true}
dimensions:
  - key: dev
    name: 开发
    items:
      - {key: a, name: A, input: profit, method: value}
      - {key: b, name: B, input: profit, method: achievement, weight: 1, target: 100}
  - key: care
    name: 维护
    items:
      - {key: c, name: C, input: profit, method: value}
"""


def _resolve_text(text: str, label: str) -> Any:
    p = Period.parse(label)
    return resolve(load_scheme(text), p.start, p.end, p.kind, label=p.label)


def _template(name: str, label: str) -> Any:
    p = Period.parse(label)
    return resolve(load_file(template_path(name)), p.start, p.end, p.kind, label=p.label)


def _result(rm: str, total: Any, dims: dict[str, dict[str, Any]] | None = None, veto: bool = False) -> dict[str, Any]:
    """A ``RmResult.to_dict()``-shaped payload (decimals as text)."""
    dimensions = []
    for key, items in (dims or {}).items():
        rows = []
        for item_key, item in items.items():
            full = item if isinstance(item, dict) else {"score": item}
            target = full.get("target")
            rows.append(
                {
                    "key": item_key,
                    "name_zh": item_key,
                    "score": str(full.get("score", 0)),
                    "value": None if full.get("value") is None else str(full["value"]),
                    "target": None if target is None else {"kind": "absolute", "value": str(target)},
                }
            )
        score = sum((D(r["score"]) for r in rows), D(0))
        dimensions.append({"key": key, "score": str(score), "items": rows})
    return {"rm_id": rm, "total": str(total), "subtotal": str(total), "veto": veto, "dimensions": dimensions}


def _facts(*rms: str, **kw: Any) -> dict[str, RmFacts]:
    return {
        rm: RmFacts(rm_id=rm, org_id=kw.get("org", "S1"), post=kw.get("post", "retail"), **_extra(kw)) for rm in rms
    }


def _extra(kw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in kw.items() if k in ("branch", "subbranch", "grade")}


def _amounts(line: PayLine) -> list[Any]:
    return [line.gross, line.performance, *(c.amount for c in line.components)]


# --- the ledger policy (the colleague's contract) -------------------------------------------------------


def test_ledger_policy_fields_and_defaults() -> None:
    names = [f.name for f in dataclasses.fields(LedgerPolicy)]
    assert names == [
        "reserve_rate",
        "reserve_bands",
        "reserve_release_after_months",
        "reserve_release_share_per_year",
        "clawback_instalments",
        "deferral_posts",
        "deferral_share",
        "deferral_years",
        "spike_window_days",
    ]
    p = LedgerPolicy()
    assert (p.reserve_rate, p.reserve_bands, p.reserve_release_after_months) == (None, (), 36)
    assert p.reserve_release_share_per_year == D(1) / 3
    assert (p.clawback_instalments, p.deferral_posts, p.deferral_share, p.deferral_years) == (3, (), D("0.4"), 3)
    assert p.spike_window_days == 0
    assert [f.name for f in dataclasses.fields(ReserveBand)] == ["upto", "rate", "flat"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.reserve_rate = D("0.1")  # type: ignore[misc]


def test_ledger_section_parses_into_the_policy() -> None:
    text = (
        BASE
        + """\
pay:
  unit_price: 10
  ledger:
    reserve_bands:
      - value:
          - {upto: 2000, flat: 200}
          - {upto: 4000, rate: 0.2}
          - {upto: 6000, rate: 0.3}
          - {upto: 8000, rate: 0.4}
          - {rate: 0.5}
        ref: 某行风险保证金分档
    reserve_release_after_months: 36
    reserve_release_share_per_year: 0.3333
    clawback_instalments: 6
    deferral_posts: [corporate]
    deferral_share: [{value: 0.4, from: 2025-01-01}, {value: 0.5, from: 2025-07-01, ref: 延期支付调整}]
    deferral_years: 3
    spike_window_days: 15
"""
    )
    q2 = _resolve_text(text, "2025-Q2").pay.ledger
    assert q2 == LedgerPolicy(
        reserve_rate=None,
        reserve_bands=(
            ReserveBand(D(2000), None, D(200)),
            ReserveBand(D(4000), D("0.2"), None),
            ReserveBand(D(6000), D("0.3"), None),
            ReserveBand(D(8000), D("0.4"), None),
            ReserveBand(None, D("0.5"), None),
        ),
        reserve_release_after_months=36,
        reserve_release_share_per_year=D("0.3333"),
        clawback_instalments=6,
        deferral_posts=("corporate",),
        deferral_share=D("0.4"),
        deferral_years=3,
        spike_window_days=15,
    )
    assert _resolve_text(text, "2025-Q3").pay.ledger.deferral_share == D("0.5")  # dated: in force on 09-30


def test_rural_template_holds_back_ten_percent() -> None:
    pay = _template("rural-2023", "2025-Q2").pay
    assert pay.ledger.reserve_rate == D("0.10")  # 002: 10 %–15 %
    assert pay.ledger.clawback_instalments == 3


# --- the section in the templates ------------------------------------------------------------------------


def test_templates_resolve_their_pay_rules() -> None:
    retail = _template("retail-wealth-2007", "2007").pay
    assert {g: v.value for g, v in retail.base_salary.by_grade.items()} == {
        "junior": 1100,
        "mid_2": 1300,
        "mid_1": 1500,
        "senior_3": 1700,
        "senior_2": 1800,
        "senior_1": 2000,
        "principal": 2200,
    }
    assert retail.base_salary.per == "month"
    assert retail.car_allowance.bands == tuple(
        (D(b), D(v))
        for b, v in [(70, 300), (100, 500), (140, 600), (180, 800), (230, 1300), (280, 1700), (350, 2000), (450, 2400)]
    )
    assert retail.car_allowance.unit == 10000
    assert [(p.key, p.rate.value, p.maintenance) for p in retail.performance] == [
        ("development", D("0.03"), False),
        ("maintenance", D("0.03"), True),
    ]
    assert retail.maintenance_adjustment_limit.value == D("0.5")
    assert retail.car_allowance.of.refs == ("points.development", "points.management")

    rural = _template("rural-2023", "2025-Q2").pay
    assert rural.cycle_shares.shares == {"month": D("0.3"), "quarter": D("0.4"), "year": D("0.3")}
    assert rural.cycle_shares.share.value == D("0.4")
    assert rural.below_60_cut.share.value == D("0.2")
    assert rural.below_60_cut.below.value == 60
    assert rural.over_target_reward.items == ("inclusive", "agri")
    assert D("0.0005") <= rural.over_target_reward.rate.value <= D("0.001")

    ranking = _template("corporate-ranking", "2025-Q2").pay
    assert (ranking.pool.level, ranking.pool.from_table) == ("branch", True)
    assert ranking.pool.points.refs == ("dimension.liabilities", "dimension.benefit")  # 001: 经营 + 效益指标得分
    assert [(a.key, a.sign, a.of.refs) for a in ranking.awards] == [
        ("asset_quality", "signed", ("points.asset_quality",)),
        ("work_quality", "minus", ("points.work_quality",)),
    ]

    lecture = _template("lecture-case", "2025-Q1").pay
    assert lecture.model == "base_commission_bonus"
    assert lecture.pays
    assert lecture.bonus.tiers == ((0, 0), (D("0.5"), D("0.1")), (D("0.8"), D("0.2")), (1, D("0.3")))
    assert not _template("lecture-case", "2025").pay.pays  # pays in quarterly runs only


def test_a_scheme_without_pay_resolves_to_none() -> None:
    assert _template("scorecard-4-1", "2025").pay is None


# --- load errors ----------------------------------------------------------------------------------------------

BROKEN = (
    BASE
    + """\
pay:
  rounding: half_down
  bogus: 1
  unit_price: -5
  weighted_base: {base: 1000}
  model: salary
  performance:
    - {key: m, name: M, of: points.nowhere, rate: 0.03}
    - {key: m, name: N, of: total, rate: 3}
  over_target_reward: {rate: 0.002, items: [nope, a]}
  pool: {amount: 1000, from_table: true}
  commission: {of: value.b, tiers: [[0.5, 0.05], [0.3, 0.08]]}
  maintenance_adjustment_limit: 0.5
  ledger: {deferral_share: 0.3, deferral_years: 2, reserve_rate: 0.1, reserve_bands: [{upto: 2000, flat: 200}]}
"""
)


def test_a_broken_pay_section_reports_every_problem_with_its_path() -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(BROKEN, source="broken.yaml")
    found = {(p.code, format_path(p.path)) for p in caught.value.problems}
    assert found >= {
        ("scheme.not_allowed", "pay.rounding"),
        ("scheme.unknown_key", "pay.bogus"),
        ("scheme.negative", "pay.unit_price"),
        ("scheme.pay_one_score_rule", "pay.weighted_base"),
        ("scheme.pay_model_needs", "pay.model"),
        ("scheme.pay_model_forbids", "pay.commission"),
        ("scheme.pay_unknown_ref", "pay.performance[0].of"),
        ("scheme.duplicate_id", "pay.performance[1].key"),
        ("scheme.pay_range", "pay.performance[1].rate"),
        ("scheme.pay_range", "pay.over_target_reward.rate"),
        ("scheme.pay_unknown_item", "pay.over_target_reward.items[0]"),
        ("scheme.pay_item_no_target", "pay.over_target_reward.items[1]"),
        ("scheme.pay_pool_source", "pay.pool"),
        ("scheme.pay_bands_order", "pay.commission.tiers[1][0]"),
        ("scheme.pay_tiers_start", "pay.commission.tiers[0][0]"),
        ("scheme.pay_target_needed", "pay.commission"),
        ("scheme.pay_adjust_needs_maintenance", "pay.maintenance_adjustment_limit"),
        ("scheme.pay_reserve_both", "pay.ledger.reserve_bands"),
        ("scheme.pay_deferral_share", "pay.ledger.deferral_share"),
        ("scheme.pay_deferral_years", "pay.ledger.deferral_years"),
    }
    assert all(p.line is not None and p.source == "broken.yaml" for p in caught.value.problems)
    text = caught.value.render("zh")
    assert "pay.ledger.deferral_share" in text
    assert "不得低于 40 %" in text
    assert "rate must be between 0.0005 and 0.001" in caught.value.render("en")


@pytest.mark.parametrize(
    ("section", "code", "path"),
    [
        ("pay: {}\n", "scheme.pay_empty", "pay"),
        ("pay: [1]\n", "scheme.not_mapping_value", "pay"),
        (
            "pay:\n  cycle_shares: {budget: 1000, shares: {month: 0.3, quarter: 0.4, year: 0.2}}\n",
            "scheme.pay_shares_sum",
            "pay.cycle_shares.shares",
        ),
        ("pay:\n  cycles: [half]\n  unit_price: 1\n", "scheme.pay_cycle_kind", "pay.cycles[0]"),
        ("pay:\n  bonus: {tiers: [[0, 0.1]], target_amount: 100}\n", "scheme.pay_bonus_needs_commission", "pay.bonus"),
        ("pay:\n  commission: {of: total}\n", "scheme.pay_commission_rate", "pay.commission"),
        ("pay:\n  base_salary: {per: month}\n", "scheme.pay_amount_table", "pay.base_salary"),
        ("pay:\n  below_60_cut: 1.5\n", "scheme.pay_range", "pay.below_60_cut"),
        ("pay:\n  measures: {total: [points.dev]}\n  unit_price: 1\n", "scheme.pay_measure_name", "pay.measures.total"),
        (
            "pay:\n  measures: {sp: [points.dev, nope]}\n  unit_price: 1\n",
            "scheme.pay_unknown_ref",
            "pay.measures.sp.sum[1]",
        ),
        (
            "pay:\n  car_allowance: {of: total, per: month, bands: [[10, 1], [10, 2]]}\n",
            "scheme.pay_bands_order",
            "pay.car_allowance.bands[1][0]",
        ),
        (
            "pay:\n  unit_price: 1\n  ledger: {reserve_bands: [{rate: 0.1}, {upto: 5, rate: 0.2}]}\n",
            "scheme.pay_reserve_band_order",
            "pay.ledger.reserve_bands",
        ),
        (
            "pay:\n  unit_price: 1\n  ledger: {deferral_posts: [janitor]}\n",
            "scheme.not_allowed",
            "pay.ledger.deferral_posts[0]",
        ),
        (
            "pay:\n  unit_price: [{value: 1, from: 2025-07-01}, {value: 2, from: 2025-01-01}]\n",
            "scheme.dated_order",
            "pay.unit_price[1].from",
        ),
    ],
)
def test_pay_section_errors(section: str, code: str, path: str) -> None:
    with pytest.raises(SchemeError) as caught:
        load_scheme(BASE + section)
    assert (code, path) in {(p.code, format_path(p.path)) for p in caught.value.problems}, caught.value.render("en")


def test_the_rest_of_a_file_is_still_checked_next_to_a_broken_pay_section() -> None:
    text = BASE.replace(
        "{key: c, name: C, input: profit, method: value}", "{key: c, name: C, input: profit, method: valu}"
    )
    text += "pay: {bogus: 1}\n"
    with pytest.raises(SchemeError) as caught:
        load_scheme(text)
    codes = {p.code for p in caught.value.problems}
    assert {"scheme.unknown_method", "scheme.unknown_key"} <= codes


# --- dated values ----------------------------------------------------------------------------------------------


def test_pay_values_are_dated_and_keep_their_ref() -> None:
    text = (
        BASE
        + """\
pay:
  unit_price:
    - {value: 100, from: 2025-01-01, ref: 某行〔2025〕1号}
    - {value: 120, from: 2025-07-01, ref: 某行〔2025〕9号}
"""
    )
    results = [_result("R1", "50")]
    q2 = compute_pay(_resolve_text(text, "2025-Q2").pay, results, _facts("R1"))[0]
    q3 = compute_pay(_resolve_text(text, "2025-Q3").pay, results, _facts("R1"))[0]
    assert (q2.gross, q2.components[0].ref, q2.components[0].formula) == (
        D("5000.00"),
        "某行〔2025〕1号",
        "50 × 100 = 5000.00",
    )
    assert (q3.gross, q3.components[0].ref) == (D("6000.00"), "某行〔2025〕9号")
    with pytest.raises(SchemeError) as caught:
        _resolve_text(text.replace("from: 2025-01-01", "from: 2025-02-01"), "2025-01")
    assert caught.value.problems[0].code == "scheme.no_value_in_force"


# --- 000's three schemes ------------------------------------------------------------------------------------------


def test_score_to_pay_the_three_schemes_of_000() -> None:
    results = [_result("R1", "85.5"), _result("R2", "59")]
    unit = ResolvedPay("t", "2025-Q1", "quarter", unit_price=Valued(D(100)))
    assert [line.gross for line in compute_pay(unit, results, _facts("R1", "R2"))] == [D("8550.00"), D("5900.00")]
    weighted = ResolvedPay("t", "2025-Q1", "quarter", weighted_base=_weighted(D(5000)))
    # 5000 × 85.5 ÷ 100 = 4275; 5000 × 59 ÷ 100 = 2950
    assert [line.gross for line in compute_pay(weighted, results, _facts("R1", "R2"))] == [D("4275.00"), D("2950.00")]
    bands = ((D(60), D("0.6")), (D(80), D(1)), (D(90), D("1.2")))
    graded = ResolvedPay(
        "t",
        "2025-Q1",
        "quarter",
        grade_bands=BandRule("分档", "bands", Measure.of("total"), bands, base=Valued(D(3000))),
    )
    lines = compute_pay(graded, results, _facts("R1", "R2"))
    assert [line.gross for line in lines] == [D("3000.00"), D("0.00")]  # 85.5 ≥ 80 → 1 × 3000; 59 < 60 → 0
    assert lines[0].components[0].formula == "85.5 ≥ 80: 1 × 3000 = 3000.00"


def _weighted(base: D) -> Any:
    from rmperf.core.pay.rules import WeightedBaseRule

    return WeightedBaseRule(Valued(base))


# --- 002: the year's budget adds up ---------------------------------------------------------------------------------


CYCLE = (
    BASE
    + """\
pay:
  cycle_shares:
    budget: {by_post: {retail: 60000, corporate: 90000}}
    shares: {month: 0.3, quarter: 0.4, year: 0.3}
"""
)


def test_cycle_shares_pay_the_whole_budget_over_a_year_at_full_marks() -> None:
    facts = {"R1": RmFacts("R1", "S1", "retail"), "R2": RmFacts("R2", "S1", "corporate")}
    results = [_result("R1", "100"), _result("R2", "100")]
    labels = [f"2025-{m:02d}" for m in range(1, 13)] + [f"2025-Q{q}" for q in range(1, 5)] + ["2025"]
    totals = {"R1": D(0), "R2": D(0)}
    by_kind: dict[str, D] = {}
    for label in labels:
        pay = _resolve_text(CYCLE, label).pay
        for line in compute_pay(pay, results, facts):
            totals[line.rm_id] += line.gross
            if line.rm_id == "R1":
                by_kind[pay.kind] = by_kind.get(pay.kind, D(0)) + line.gross
    assert totals == {"R1": D("60000.00"), "R2": D("90000.00")}
    assert by_kind == {"month": D("18000.00"), "quarter": D("24000.00"), "year": D("18000.00")}  # 30 / 40 / 30


# --- refusals -----------------------------------------------------------------------------------------------------


def test_floats_are_refused_never_converted() -> None:
    pay = ResolvedPay("t", "2025-Q1", "quarter", unit_price=Valued(D(100)))
    bad = _result("R1", "85")
    bad["total"] = 85.5
    with pytest.raises(PayError) as caught:
        compute_pay(pay, [bad], _facts("R1"))
    assert caught.value.code == "pay.not_decimal"
    assert "浮点数" in caught.value.render("zh")


def test_unknown_and_duplicate_rms_are_refused_together() -> None:
    pay = ResolvedPay("t", "2025-Q1", "quarter", unit_price=Valued(D(100)))
    with pytest.raises(PayError) as caught:
        compute_pay(pay, [_result("R1", "1"), _result("R1", "2"), _result("R9", "3")], _facts("R1"))
    assert caught.value.code == "pay.problems"
    assert [d.code for d in caught.value.details] == ["pay.duplicate_rm", "pay.unknown_rm"]


def _maintenance_pay(limit: D | None) -> ResolvedPay:
    return ResolvedPay(
        "t",
        "2025-Q1",
        "quarter",
        performance=(
            PerformanceRule("n", "维护绩效", "Maintenance", Measure.of("points.care"), Valued(D("0.03")), True),
        ),
        maintenance_adjustment_limit=Valued(limit, "003 附件5") if limit is not None else None,
    )


def test_adjustments_are_refused_beyond_the_limit_without_a_reason_or_when_not_allowed() -> None:
    results = [_result("R1", "0", {"care": {"c": "100000"}})]  # maintenance pay 3000
    ok = compute_pay(
        _maintenance_pay(D("0.5")), results, _facts("R1"), adjustments={"R1": Adjustment("好", amount=D(1500))}
    )
    assert ok[0].component("adjustment")[0].amount == D("1500.00")
    assert ok[0].gross == D("4500.00")
    cases = [
        (D("0.5"), Adjustment("好", amount=D("1500.01")), "pay.adjustment_beyond_limit"),
        (D("0.5"), Adjustment("好", share=D("-0.51")), "pay.adjustment_beyond_limit"),
        (D("0.5"), Adjustment("", share=D("0.1")), "pay.adjustment_no_reason"),
        (D("0.5"), Adjustment("好", share=D("0.1"), amount=D(1)), "pay.adjustment_amount_or_share"),
        (D("0.5"), Adjustment("好", amount=1.5), "pay.not_decimal"),  # type: ignore[arg-type]
        (None, Adjustment("好", share=D("0.1")), "pay.adjustment_not_allowed"),
    ]
    for limit, adjustment, code in cases:
        with pytest.raises(PayError) as caught:
            compute_pay(_maintenance_pay(limit), results, _facts("R1"), adjustments={"R1": adjustment})
        assert caught.value.code == code, (adjustment, caught.value.code)
    with pytest.raises(PayError) as caught:
        compute_pay(
            ResolvedPay(
                "t", "2025-Q1", "quarter", unit_price=Valued(D(1)), maintenance_adjustment_limit=Valued(D("0.5"))
            ),
            results,
            _facts("R1"),
            adjustments={"R1": Adjustment("好", share=D("0.1"))},
        )
    assert caught.value.code == "pay.adjustment_no_maintenance"


def test_rounding_mode_is_the_schemes() -> None:
    results = [_result("R1", "0.125")]
    up = ResolvedPay("t", "2025-Q1", "quarter", unit_price=Valued(D(1)))
    even = dataclasses.replace(up, rounding="half_even")
    assert compute_pay(up, results, _facts("R1"))[0].gross == D("0.13")
    assert compute_pay(even, results, _facts("R1"))[0].gross == D("0.12")


# --- properties -----------------------------------------------------------------------------------------------------

RM_IDS = st.lists(st.from_regex(r"R[0-9]{1,3}", fullmatch=True), min_size=1, max_size=25, unique=True)
POINTS = st.one_of(
    st.just(D(0)),
    st.sampled_from([D(1), D(7), D("33.33")]),  # ties
    st.decimals(min_value=0, max_value=D(10) ** 6, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=D("0.0001"), max_value=D(1), places=4, allow_nan=False, allow_infinity=False),
)
POOLS = st.one_of(
    st.sampled_from([D("0.00"), D("0.01"), D("0.02"), D("0.99"), D(1)]),  # tiny
    st.decimals(min_value=0, max_value=D(10) ** 6, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=D(10) ** 15, places=2, allow_nan=False, allow_infinity=False),  # huge
    st.decimals(min_value=0, max_value=D(10) ** 6, places=6, allow_nan=False, allow_infinity=False),  # sub-fen
)


@settings(max_examples=300, deadline=None)
@given(pool=POOLS, rms=RM_IDS, data=st.data())
def test_pool_parts_always_sum_to_the_pool_to_the_fen(pool: D, rms: list[str], data: st.DataObject) -> None:
    points = {rm: data.draw(POINTS) for rm in rms}
    parts = pool_split(pool, points)
    assert set(parts) == set(points)
    assert all(isinstance(v, D) and v.as_tuple().exponent == -2 and v >= 0 for v in parts.values())
    whole = pool.quantize(D("0.01"), rounding="ROUND_HALF_UP")
    if sum(points.values(), D(0)) > 0:
        assert sum(parts.values(), D(0)) == whole
        total = sum(points.values(), D(0))
        for rm, v in parts.items():  # each part within a fen of its exact share
            assert abs(v - whole * points[rm] / total) < D("0.01")
    else:
        assert all(v == 0 for v in parts.values())  # nobody scored: the pool stays undistributed


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pool=POOLS, rms=RM_IDS, data=st.data())
def test_compute_pay_pool_shares_sum_to_each_pool(pool: D, rms: list[str], data: st.DataObject) -> None:
    branches = {rm: data.draw(st.sampled_from(["BA", "BB"])) for rm in rms}
    results = [_result(rm, data.draw(POINTS)) for rm in rms]
    facts = {rm: RmFacts(rm, "S", "corporate", branch=branches[rm]) for rm in rms}
    pay = ResolvedPay("t", "2025-Q2", "quarter", pool=PoolRule("branch", from_table=True))
    pools = {"BA": pool, "BB": pool / 3}
    lines = compute_pay(pay, results, facts, pools=pools)
    for branch in ("BA", "BB"):
        mine = [line for line in lines if branches[line.rm_id] == branch]
        points = sum((D(r["total"]) for r in results if branches[r["rm_id"]] == branch), D(0))
        paid = sum((c.amount for line in mine for c in line.component("pool")), D(0))
        if mine and points > 0:
            assert paid == pools[branch].quantize(D("0.01"), rounding="ROUND_HALF_UP")
        else:
            assert paid == 0


#: every rule at once, so that every kind of component is computed
EVERYTHING = ResolvedPay(
    "t",
    "2025-Q2",
    "quarter",
    performance=(
        PerformanceRule("m", "开发", "Dev", Measure.of("points.dev"), Valued(D("0.03"))),
        PerformanceRule("n", "维护", "Care", Measure.of("points.care"), Valued(D("0.03")), True),
    ),
    base_salary=AmountRule("基础工资", "Base", "month", by_grade={"junior": Valued(D(1100)), "mid_1": Valued(D(1500))}),
    car_allowance=BandRule(
        "车贴",
        "Car",
        Measure("sp", ("points.dev", "points.care")),
        ((D(70), D(300)), (D(100), D(500))),
        per="month",
        unit=D(10000),
    ),
    commission=CommissionRule(
        Measure.of("value.b"), tiers=((D(0), D("0.05")), (D(1), D("0.08"))), target=Measure.of("target.b")
    ),
    bonus=BonusRule(((D(0), D(0)), (D("0.5"), D("0.1")), (D("0.8"), D("0.2")), (D(1), D("0.3")))),
    pool=PoolRule("bank", amount=Valued(D("100000.005"))),
    below_60_cut=CutRule(Valued(D("0.2"))),
    over_target_reward=RewardRule(Valued(D("0.0007")), ("b",)),
    maintenance_adjustment_limit=Valued(D("0.5")),
)
FIGURES = st.decimals(min_value=-1000, max_value=D(10) ** 7, places=4, allow_nan=False, allow_infinity=False)


@st.composite
def runs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, RmFacts], dict[str, Adjustment]]:
    rms = draw(st.lists(st.from_regex(r"R[0-9]{1,2}", fullmatch=True), min_size=1, max_size=8, unique=True))
    results = []
    for rm in rms:
        dims = {
            "dev": {"a": draw(FIGURES), "b": {"score": draw(FIGURES), "value": draw(FIGURES), "target": draw(FIGURES)}},
            "care": {"c": draw(FIGURES)},
        }
        total = draw(st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False))
        results.append(_result(rm, total, dims, veto=draw(st.booleans())))
    grades = st.sampled_from(["junior", "mid_1", "trainee"])
    facts = {rm: RmFacts(rm, "S1", "retail", grade=draw(grades)) for rm in rms}
    adjustments = {
        rm: Adjustment("团队协作", "行长", share=draw(st.decimals(min_value=D("-0.5"), max_value=D("0.5"), places=3)))
        for rm in rms
        if draw(st.booleans())
    }
    return results, facts, adjustments


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(run=runs())
def test_no_pay_figure_is_ever_a_float_and_recomputing_gives_the_same_pay(
    run: tuple[list[dict[str, Any]], dict[str, RmFacts], dict[str, Adjustment]],
) -> None:
    results, facts, adjustments = run
    lines = compute_pay(EVERYTHING, results, facts, adjustments=adjustments)
    assert [line.rm_id for line in lines] == sorted(facts)
    for line in lines:
        for amount in _amounts(line):
            assert type(amount) is D, (line.rm_id, amount)
            assert amount.as_tuple().exponent == -2, (line.rm_id, amount)
        assert line.gross == sum((c.amount for c in line.components), D(0))
        assert all(
            c.kind in ("base", "performance", "allowance", "reward", "cut", "adjustment", "pool")
            for c in line.components
        )
        assert all(c.formula.endswith(format(c.amount, "f")) or c.kind == "pool" for c in line.components)
    pooled = sum((c.amount for line in lines for c in line.component("pool")), D(0))
    # a vetoed RM (一票否决) takes no share of the pool: it is undistributed when no one else scored
    scored = sum((D(r["total"]) for r in results if not r["veto"]), D(0)) > 0
    assert pooled == (D("100000.01") if scored else D(0))  # 100000.005 rounded half-up once, then split exactly
    again = compute_pay(
        EVERYTHING, list(reversed(results)), dict(reversed(list(facts.items()))), adjustments=adjustments
    )
    assert again == lines


def test_pay_lines_through_the_whole_pipeline_are_decimal() -> None:
    """A template evaluated by the scheme engine, its results as stored (to_dict), then paid."""
    from rmperf.core.scheme import RmContext, build_plan, evaluate

    resolved = _template("lecture-case", "2025-Q1")
    plan = build_plan(resolved)
    rms = [RmContext(rm_id=f"R{i}", post="corporate", org_id="S1") for i in (1, 2)]
    values = {
        "R1": {
            ("ftp_profit", "deposit"): D("250000"),
            ("ftp_profit", "loan"): D("100000"),
            ("fee_income", "all"): D("50000"),
        },
        "R2": {("ftp_profit", "deposit"): D("90000"), ("ftp_profit", "loan"): D(0), ("fee_income", "all"): D("10000")},
    }
    targets = {("R1", "profit"): D("400000"), ("R2", "profit"): D("400000")}
    evaluation = evaluate(
        plan, rms, values, targets=targets, manual={"R1": {"experience": D(0)}, "R2": {"experience": D(0)}}
    )
    results = [r.to_dict() for r in evaluation.results]
    lines = compute_pay(resolved.pay, results, {r.rm_id: RmFacts(r.rm_id, "S1", "corporate") for r in rms})
    # R1: profit 400000 (100 %): commission 20000, bonus 30 % = 6000, base 10000
    # R2: profit 100000 (25 %): commission 5000, bonus 0, base 10000
    assert [line.gross for line in lines] == [D("36000.00"), D("15000.00")]


def test_signed_awards_add_take_and_take_a_share_of_performance_pay() -> None:
    """001's 得奖数 as pay components: + (an award), − (a deduction), ± (either), and 002's 倒扣 as a share."""
    from rmperf.core.pay.rules import AwardRule, Measure, ResolvedPay, RmFacts, Valued, compute_pay

    pay = ResolvedPay(
        "s",
        "2025-Q1",
        "quarter",
        unit_price=Valued(D(100)),
        awards=(
            AwardRule("plus", "奖", "award", Measure.of("input.p"), "plus", Valued(D(10))),
            AwardRule("minus", "扣", "deduction", Measure.of("input.m"), "minus", Valued(D(10)), cap=Valued(D(25))),
            AwardRule("npl", "倒扣", "penalty", Measure.of("input.x"), "minus", Valued(D("0.5")), base="performance"),
        ),
    )
    result = {
        "rm_id": "R1",
        "total": "80",
        "subtotal": "80",
        "veto": False,
        "dimensions": [],
        "values": [{"name": "p", "value": "-3"}, {"name": "m", "value": "4"}, {"name": "x", "value": "3"}],
    }
    (line,) = compute_pay(pay, [result], {"R1": RmFacts("R1", "O", "retail")})
    amounts = {c.label_zh: c.amount for c in line.components}
    assert amounts["按分计酬(得分 × 单价)"] == D("8000.00")
    assert amounts["奖"] == D("0.00")  # plus: a negative figure awards nothing
    assert amounts["扣"] == D("-25.00")  # 4 × 10 = 40, capped at 25
    # 3 points × 50 % of the performance pay would take 12,000: a deduction takes at most the pay itself
    assert amounts["倒扣"] == D("-8000.00")
    assert line.gross == D("-25.00")


def test_003_grace_living_allowance_and_probation_change_pay() -> None:
    """003 第二十七条1 and 第十六条 with the retail wealth template's year (12 months):

    - a senior_1 RM in the grace period: base salary at 初级一档's 1,100 a month, not 2,000 → 13,200;
    - the same RM after the grace months: only 800 a month of living allowance → 9,600, nothing else;
    - on probation: base salary at the non-RM standard 1,000 a month → 12,000, and the bonus is the higher of
      the non-RM standard (1,500 a month → 18,000) and the performance pay: M + N = 3 % of 100,000 and
      3 % of 200,000 = 9,000 → topped up by 9,000;
    - a trainee on probation keeps the ordinary rules (003 第十六条2): no top-up.
    """
    from dataclasses import replace

    from rmperf.core.pay.rules import RmFacts, compute_pay

    pay = _template("retail-wealth-2007", "2025").pay
    result = {
        "rm_id": "R1",
        "total": "9000",
        "subtotal": "9000",
        "veto": False,
        "dimensions": [
            {"key": "development", "score": "3000", "items": [{"key": "a1", "score": "100000", "value": "1"}]},
            {"key": "management", "score": "6000", "items": [{"key": "b1", "score": "200000", "value": "1"}]},
        ],
    }
    base = RmFacts("R1", "O", "retail", grade="senior_1")

    def line(facts: RmFacts) -> dict[str, D]:
        (out,) = compute_pay(pay, [result], {"R1": facts})
        return {c.label_zh: c.amount for c in out.components}

    ordinary = line(base)
    assert ordinary["基础工资"] == D("24000.00")
    assert ordinary["开发绩效 M"] + ordinary["维护绩效 N"] == D("9000.00")
    assert line(replace(base, status="grace"))["基础工资"] == D("13200.00")
    assert line(replace(base, status="living_allowance")) == {"基本生活费": D("9600.00")}
    probation = line(replace(base, status="probation"))
    assert probation["基础工资"] == D("12000.00")
    assert probation["试用期奖金补足(非理财客户经理奖金标准与绩效工资孰高)"] == D("9000.00")
    trainee = line(replace(base, grade="trainee", status="probation"))
    assert "试用期奖金补足(非理财客户经理奖金标准与绩效工资孰高)" not in trainee
