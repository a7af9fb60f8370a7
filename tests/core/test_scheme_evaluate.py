"""Evaluating a scheme: hand-computed scores, variants, targets, ranks, adjustments, veto, ratings, speed."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from rmperf.core.scheme import (
    Evaluation,
    Plan,
    RmContext,
    SchemeError,
    build_plan,
    evaluate,
    load_file,
    load_scheme,
    parse_targets,
    parse_values,
    resolve,
)

D = Decimal
SCHEMES = Path(__file__).parents[1] / "schemes"
Q3 = (date(2024, 7, 1), date(2024, 9, 30), "quarter")


def plan_of(text_or_path: str | Path, start: date = Q3[0], end: date = Q3[1], kind: str = "quarter") -> Plan:
    scheme = load_file(text_or_path) if isinstance(text_or_path, Path) else load_scheme(text_or_path)
    return build_plan(resolve(scheme, start, end, kind))


# --- the mini rural scheme, computed by hand ---------------------------------------------------------

RMS = [
    RmContext("R1", "retail", org_id="0101", branch="01", region_type="urban", name="张三"),
    RmContext("R2", "retail", org_id="0102", branch="01", region_type="agri_county", name="李四"),
    RmContext("R3", "retail", org_id="0101", branch="01", region_type="urban", name="王五"),
    RmContext("R4", "corporate", org_id="0201", branch="02", region_type="urban", name="赵六"),
    RmContext("R5", "teller", org_id="0101", branch="01"),  # not an RM post of the scheme? it applies to all
]

R1_VALUES = {
    ("daily_average", "deposit"): D("3000000"),
    ("baseline_daily_average", "deposit"): D("2000000"),
    ("agri_loan_increment", "all"): D("1500000"),
    ("fee_income", "all"): D("88000"),
    ("post_loan_check_rate", "all"): D("0.9"),
    ("violations", "all"): D("1"),
    ("veto", "all"): D("0"),
}
VALUES = {
    "R1": R1_VALUES,
    "R2": {
        ("daily_average", "deposit"): D("1000000"),
        ("baseline_daily_average", "deposit"): D("1000000"),
        ("agri_loan_increment", "all"): D("3000000"),
        ("fee_income", "all"): D("50000"),
        ("post_loan_check_rate", "all"): D("0.96"),
        ("violations", "all"): D("0"),
        ("veto", "all"): D("0"),
    },
    "R3": {**R1_VALUES, ("veto", "all"): D("1")},
    "R4": {("daily_average", "deposit"): D("0"), ("fee_income", "all"): D("100")},
}
PREVIOUS = {"R1": {("fee_income", "all"): D("100000")}, "R3": {("fee_income", "all"): D("100000")}}
TARGETS = {("R1", "agri"): D("2000000"), ("R3", "agri"): D("2000000")}


@pytest.fixture(scope="module")
def mini() -> Evaluation:
    plan = plan_of(SCHEMES / "mini-rural.yaml")
    return evaluate(
        plan,
        RMS[:4],
        VALUES,
        previous=PREVIOUS,
        targets=TARGETS,
        veto_reasons={"R3": "挪用客户资金"},
    )


def test_r1_item_by_item(mini: Evaluation) -> None:
    r1 = mini.by_rm("R1")
    assert r1.variant is None
    # deposit: 300万 against 100 + 0.5 × 200 = 200万 (级差地租), capped at 120 % of 30 points
    deposit = r1.item("deposit")
    assert deposit.value == D("300")
    assert deposit.target is not None
    assert deposit.target.kind == "differential"
    assert deposit.target.value == D("200")
    assert deposit.target.formula == "100 + 0.5 × 200 = 200"
    assert deposit.weight == D("30")
    assert deposit.weight_from == date(2024, 7, 1)
    assert deposit.weight_ref == "测试银发〔2024〕7号"
    assert deposit.score == D("36.00")
    assert deposit.formula == "min(max(300/200, 0), 1.2) × 30 = 36"
    # agri: 150万 against the uploaded 200万 → 0.75 × 20
    agri = r1.item("agri")
    assert agri.target is not None
    assert (agri.target.kind, agri.target.value) == ("table", D("2000000"))
    assert agri.score == D("15.00")
    # fees: 88,000 against last year's 100,000 × 1.1 = 110,000 → ratio 0.8 → linear 0.6 × 10
    fees = r1.item("fees")
    assert fees.target is not None
    assert fees.target.value == D("110000")
    assert fees.score == D("6.00")
    # checks 0.9 is in the 0.8 band → 0.5 × 20; one violation → 20 − 5
    assert r1.item("checks").score == D("10.00")
    assert r1.item("violations").score == D("15.00")
    assert r1.dimension("business").score == D("57.00")
    assert r1.dimension("risk").score == D("25.00")
    assert r1.subtotal == D("82.00")
    assert r1.total == D("82.00")
    assert not r1.veto


def test_r2_gets_the_agricultural_county_variant(mini: Evaluation) -> None:
    r2 = mini.by_rm("R2")
    assert r2.variant == "agri_county"
    assert r2.item("deposit").weight == D("10")
    assert r2.item("agri").weight == D("40")
    # deposit 100万 against 100 + 0.5 × 100 = 150 → 10 × 2/3 = 6.666… → 6.67
    assert r2.item("deposit").score == D("6.67")
    assert r2.item("deposit").exact is not None
    # agri: no row in the table → the default 100万; 300 % is capped at 150 % of 40
    agri = r2.item("agri")
    assert agri.target is not None
    assert agri.target.value == D("1000000")
    assert agri.score == D("60.00")
    # fees: no value a year ago → no target → scored 0 with a note
    fees = r2.item("fees")
    assert fees.target is None
    assert fees.score == D("0.00")
    assert {n.code for n in fees.notes} == {"scheme.note.no_previous", "scheme.note.scored_missing_zero"}
    assert r2.dimension("business").score == D("66.67")
    assert r2.total == D("106.67")


def test_a_veto_sets_the_total_to_zero_and_shows_the_reason(mini: Evaluation) -> None:
    r3 = mini.by_rm("R3")
    assert r3.subtotal == D("82.00")
    assert r3.veto
    assert r3.veto_reason == "挪用客户资金"
    assert r3.total == D("0")
    assert r3.adjustments[-1].kind == "veto"
    assert "一票否决" in r3.adjustments[-1].formula


def test_ranks_within_the_same_post_and_branch(mini: Evaluation) -> None:
    ranks = {r.rm_id: (r.rank, r.rank_n, r.group) for r in mini.results}
    assert ranks["R2"] == (1, 3, "post=retail, branch=01")
    assert ranks["R1"] == (2, 3, "post=retail, branch=01")
    assert ranks["R3"] == (3, 3, "post=retail, branch=01")
    assert ranks["R4"] == (1, 1, "post=corporate, branch=02")


def test_missing_inputs_and_division_by_zero_are_notes_not_errors(mini: Evaluation) -> None:
    r4 = mini.by_rm("R4")
    codes = [n.code for n in r4.notes]
    assert "scheme.note.division_by_zero" in codes  # fee_ratio = fees / 0
    fee_ratio = next(v for v in r4.values if v.name == "fee_ratio")
    assert fee_ratio.value is None
    assert fee_ratio.formula == "100 ÷ 0 = —"
    deposit = r4.item("deposit")
    assert deposit.target is None  # the baseline book is missing
    assert deposit.score == D("0.00")
    assert "—" in r4.item("checks").formula
    # no violations value (the engine had no violations table): the deduction item scores 0, not full marks
    assert r4.item("violations").score == D("0.00")
    assert r4.total == D("0.00")


def test_results_serialise_with_decimals_as_strings(mini: Evaluation) -> None:
    data = mini.to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert '"total": "82.00"' in text
    r1 = next(r for r in data["results"] if r["rm_id"] == "R1")
    deposit = r1["dimensions"][0]["items"][0]
    assert deposit["weight_from"] == "2024-07-01"
    assert deposit["weight_ref"] == "测试银发〔2024〕7号"
    assert deposit["target"]["from"] is None  # base and factor are plain values …
    assert deposit["target"]["ref"] == "测试银发〔2024〕1号"  # … approved by the scheme's memo
    assert deposit["weight"] == "30"
    assert mini.period == "2024-Q3"
    r1_result = mini.by_rm("R1")
    assert r1_result.dimension_scores() == {"business": D("57.00"), "risk": D("25.00")}
    assert list(r1_result.items()) == ["deposit", "agri", "fees", "checks", "violations", "veto"]


def test_the_same_inputs_give_the_same_results() -> None:
    plan = plan_of(SCHEMES / "mini-rural.yaml")
    first = evaluate(plan, RMS[:4], VALUES, previous=PREVIOUS, targets=TARGETS)
    second = evaluate(plan, list(reversed(RMS[:4])), VALUES, previous=PREVIOUS, targets=TARGETS)
    assert first.to_dict() == second.to_dict()


def test_the_scheme_applies_only_to_whom_it_says() -> None:
    text = (
        (SCHEMES / "mini-rural.yaml")
        .read_text(encoding="utf-8")
        .replace("rank_group: [post, branch]", "rank_group: [post, branch]\napplies_to: {posts: [retail]}")
    )
    result = evaluate(plan_of(text), RMS, VALUES, previous=PREVIOUS, targets=TARGETS)
    assert [r.rm_id for r in result.results] == ["R1", "R2", "R3"]
    assert result.skipped == ("R4", "R5")


def test_q2_uses_the_weights_in_force_then() -> None:
    plan = plan_of(SCHEMES / "mini-rural.yaml", date(2024, 4, 1), date(2024, 6, 30))
    r1 = evaluate(plan, RMS[:1], VALUES, previous=PREVIOUS, targets=TARGETS).by_rm("R1")
    assert r1.item("deposit").weight == D("40")
    assert r1.item("deposit").score == D("48.00")  # 1.2 × 40
    assert r1.item("agri").score == D("7.50")  # 0.75 × 10


# --- uploaded tables -----------------------------------------------------------------------------


def test_a_targets_table_is_parsed_for_the_period() -> None:
    plan = plan_of(SCHEMES / "mini-rural.yaml")
    rows = [
        {"rm_id": "R1", "item": "agri", "target": "2,000,000", "period": ""},
        {"rm_id": "R1", "item": "agri", "target": "2500000", "period": "2024-Q3"},
        {"rm_id": "R2", "item": "agri", "target": "900000", "period": "2024-Q2"},
    ]
    assert parse_targets(rows, plan) == {("R1", "agri"): D("2500000")}


def test_a_bad_targets_table_reports_every_row() -> None:
    plan = plan_of(SCHEMES / "mini-rural.yaml")
    rows = [
        {"rm_id": "R1", "item": "agri", "target": "lots"},
        {"rm_id": "R1", "item": "nope", "target": "1"},
        {"rm_id": "", "item": "agri", "target": "1"},
        {"rm_id": "R2", "item": "agri", "target": "1"},
        {"rm_id": "R2", "item": "agri", "target": "2"},
    ]
    with pytest.raises(SchemeError) as caught:
        parse_targets(rows, plan, source="targets.csv")
    found = [(p.code, p.line) for p in caught.value.problems]
    assert found == [
        ("scheme.table_number", 2),
        ("scheme.table_unknown_key", 3),
        ("scheme.table_blank", 4),
        ("scheme.table_duplicate", 6),
    ]
    assert "targets.csv" in caught.value.render("en")
    with pytest.raises(SchemeError):
        parse_targets([{"rm": "R1", "item": "agri", "target": "1"}], plan)


# --- ranks, composite ranks, plus-and-minus (total: sum) ------------------------------------------

RANKING = """
id: ranking
version: 1
name: 排名计分
total: sum
periods: [year]
rank_group: []
inputs:
  dep: daily_average:deposit
  intl: {manual: true, name: 国际结算笔数}
dimensions:
  - key: operating
    name: 经营指标
    items:
      - {key: dep_rank, name: 存款日均排名, input: dep, weight: 2, method: rank}
      - key: dep_composite
        name: 存款综合排名
        input: dep
        weight: 1
        method: composite_rank
        contribution: 1
        progress: 0
        plan: 0
        target: 100
  - key: extra
    name: 加扣分
    items:
      - key: plus_minus
        name: 加扣分
        method: plus_minus
        parts:
          - {input: intl, per: 0.5, label: 国际结算}
          - {input: violations, per: -2, label: 违规}
        cap: 3
"""


def test_a_values_table_feeds_manual_inputs() -> None:
    plan = plan_of(RANKING, date(2024, 1, 1), date(2024, 12, 31), "year")
    rows = [{"rm_id": "R1", "input": "intl", "value": "3"}, {"rm_id": "R2", "input": "intl", "value": "10"}]
    assert parse_values(rows, plan) == {"R1": {"intl": D("3")}, "R2": {"intl": D("10")}}
    with pytest.raises(SchemeError) as caught:
        parse_values([{"rm_id": "R1", "input": "dep", "value": "3"}], plan)
    assert [p.code for p in caught.value.problems] == ["scheme.table_unknown_key"]


def test_rank_scores_are_n_minus_rank_plus_one_times_the_weight() -> None:
    plan = plan_of(RANKING, date(2024, 1, 1), date(2024, 12, 31), "year")
    rms = [RmContext(f"R{i}", "corporate") for i in range(1, 5)]
    values = {
        "R1": {("daily_average", "deposit"): D("100"), ("violations", "all"): D("1")},
        "R2": {("daily_average", "deposit"): D("300"), ("violations", "all"): D("0")},
        "R3": {("daily_average", "deposit"): D("200"), ("violations", "all"): D("0")},
        "R4": {("daily_average", "deposit"): D("300"), ("violations", "all"): D("0")},
    }
    manual = {"R1": {"intl": D("3")}, "R2": {"intl": D("10")}}
    result = evaluate(plan, rms, values, manual=manual)
    scores = {r.rm_id: r.item("dep_rank").score for r in result.results}
    # 300 and 300 share rank 1; 200 is 3rd; 100 is 4th: (4 − rank + 1) × 2
    assert scores == {"R1": D("2.00"), "R2": D("8.00"), "R3": D("4.00"), "R4": D("8.00")}
    r3 = result.by_rm("R3").item("dep_rank")
    assert (r3.rank, r3.rank_n, r3.group) == (3, 4, "all")
    assert r3.formula == "(4 − 3 + 1) × 2 = 4"
    # with contribution alone the composite rank is the rank of the value
    composite = {r.rm_id: r.item("dep_composite").score for r in result.results}
    assert composite == {"R1": D("1.00"), "R2": D("4.00"), "R3": D("2.00"), "R4": D("4.00")}
    assert "Σ" in result.by_rm("R1").item("dep_composite").formula
    # plus-and-minus: 3 × 0.5 − 1 × 2 = −0.5; 10 × 0.5 = 5 capped at 3; nothing recorded → 0 with a note
    pm = {r.rm_id: r.item("plus_minus").score for r in result.results}
    assert pm == {"R1": D("-0.50"), "R2": D("3.00"), "R3": D("0.00"), "R4": D("0.00")}
    assert [n.code for n in result.by_rm("R3").item("plus_minus").notes] == ["scheme.note.missing_input"]
    # total: sum of everything
    assert result.by_rm("R2").total == D("15.00")
    assert result.by_rm("R2").rank == 1


def test_composite_rank_uses_progress_against_last_year() -> None:
    text = RANKING.replace("contribution: 1\n        progress: 0", "contribution: 0\n        progress: 1")
    plan = plan_of(text, date(2024, 1, 1), date(2024, 12, 31), "year")
    assert plan.needs_previous
    rms = [RmContext("A", "corporate"), RmContext("B", "corporate")]
    values = {"A": {("daily_average", "deposit"): D("300")}, "B": {("daily_average", "deposit"): D("120")}}
    previous = {"A": {("daily_average", "deposit"): D("300")}, "B": {("daily_average", "deposit"): D("100")}}
    result = evaluate(plan, rms, values, previous=previous)
    # B grew 20 %, A 0 %: B ranks first on progress although A is bigger
    assert result.by_rm("B").item("dep_composite").score == D("2.00")
    assert result.by_rm("A").item("dep_composite").score == D("1.00")


# --- adjustments ------------------------------------------------------------------------------------

ADJUSTED = """
id: adjusted
version: 1
name: 调整
periods: [year]
rank_group: []
inputs:
  exp_k: {manual: true}
  profit: risk_adjusted_profit
dimensions:
  - key: conduct
    name: 定性
    weight: 30
    items:
      - key: rating
        name: 量表评价
        method: rating
        weight: 30
        criteria:
          quantity: 10
          quality: 15
          knowledge: 15
          cooperation: 20
          loyalty: 15
          creativity: 15
          discipline: 10
        raters: {supervisor: 100}
  - key: results
    name: 定量
    weight: 70
    items:
      - {key: profit, name: 利润, input: profit, weight: 70, target: 1000, method: achievement}
adjustments:
ADJUSTMENTS
"""

FORM_47 = {
    "quantity": 5,
    "quality": 4,
    "knowledge": 4,
    "cooperation": 5,
    "loyalty": 5,
    "creativity": 5,
    "discipline": 5,
}


def rating_rows(rm_id: str, form: dict[str, int], period: str = "2024") -> list[dict[str, object]]:
    return [
        {"period": period, "rm_id": rm_id, "rater_id": "S1", "rater_role": "supervisor", "criterion": c, "score": s}
        for c, s in form.items()
    ]


def test_the_rating_scale_of_004_gives_4_7_out_of_5() -> None:
    plan = plan_of(ADJUSTED.replace("ADJUSTMENTS", "  team: {share: 0}"), date(2024, 1, 1), date(2024, 12, 31), "year")
    assert plan.needs_ratings
    rms = [RmContext("W", "retail")]
    result = evaluate(plan, rms, {"W": {("risk_adjusted_profit", "all"): D("1000")}}, ratings=rating_rows("W", FORM_47))
    rating = result.by_rm("W").item("rating")
    assert rating.value == D("4.7")
    assert rating.score == D("28.20")  # 4.7 / 5 × 30
    assert result.by_rm("W").total == D("98.20")


def test_experience_adjustment_within_two_tenths() -> None:
    text = ADJUSTED.replace("ADJUSTMENTS", "  experience: {input: exp_k}")
    plan = plan_of(text, date(2024, 1, 1), date(2024, 12, 31), "year")
    rms = [RmContext("A", "retail"), RmContext("B", "retail"), RmContext("C", "retail")]
    values = {rm.rm_id: {("risk_adjusted_profit", "all"): D("800")} for rm in rms}
    rows = [*rating_rows("A", FORM_47), *rating_rows("B", FORM_47), *rating_rows("C", FORM_47)]
    manual = {"A": {"exp_k": D("0.1")}, "B": {"exp_k": D("0.3")}}
    result = evaluate(plan, rms, values, ratings=rows, manual=manual)
    # subtotal 28.2 + 56 = 84.2
    assert result.by_rm("A").subtotal == D("84.20")
    assert result.by_rm("A").total == D("92.62")  # 84.2 × 1.1
    assert result.by_rm("B").total == D("84.20")  # 0.3 is beyond ±0.2: refused with a note
    assert "scheme.note.experience_range" in [n.code for n in result.by_rm("B").notes]
    assert "scheme.note.experience_missing" in [n.code for n in result.by_rm("C").notes]


def test_split_and_team_blend() -> None:
    adjustments = "  split: {qualitative: [conduct], share: 0.5}\n  team: {share: 0.2}"
    plan = plan_of(ADJUSTED.replace("ADJUSTMENTS", adjustments), date(2024, 1, 1), date(2024, 12, 31), "year")
    rms = [RmContext("A", "retail", team="T1"), RmContext("B", "retail", team="T1"), RmContext("C", "retail")]
    values = {
        "A": {("risk_adjusted_profit", "all"): D("1000")},
        "B": {("risk_adjusted_profit", "all"): D("500")},
        "C": {("risk_adjusted_profit", "all"): D("1000")},
    }
    rows = [*rating_rows("A", FORM_47), *rating_rows("B", FORM_47), *rating_rows("C", FORM_47)]
    result = evaluate(plan, rms, values, ratings=rows)
    a, b, c = (result.by_rm(x) for x in "ABC")
    # split: qualitative 28.2/30 = 94 %, quantitative 70/70 = 100 % (A) or 35/70 = 50 % (B), half each
    assert [adj.kind for adj in a.adjustments] == ["split", "team"]
    assert a.adjustments[0].after == D("97.00")
    assert b.adjustments[0].after == D("72.00")
    # team T1: mean of 97 and 72 = 84.5; A = 0.8 × 97 + 0.2 × 84.5 = 94.5
    assert a.total == D("94.50")
    assert b.total == D("74.50")
    assert c.total == D("97.00")
    assert "scheme.note.no_team" in [n.code for n in c.notes]


def test_a_broken_forced_distribution_is_refused_and_says_how() -> None:
    scale_form = ADJUSTED[ADJUSTED.index("        criteria:") : ADJUSTED.index("  - key: results")]
    text = ADJUSTED.replace("ADJUSTMENTS", "  team: {share: 0}").replace(
        scale_form, "        form: forced_distribution\n"
    )
    plan = plan_of(text, date(2024, 1, 1), date(2024, 12, 31), "year")
    rms = [RmContext(f"R{i:02d}", "retail") for i in range(10)]
    values = {rm.rm_id: {("risk_adjusted_profit", "all"): D("1000")} for rm in rms}

    def rows(grades: list[int]) -> list[dict[str, object]]:
        return [
            {
                "period": "2024",
                "rm_id": f"R{i:02d}",
                "rater_id": "C",
                "rater_role": "committee",
                "criterion": "grade",
                "score": g,
            }
            for i, g in enumerate(grades)
        ]

    good = evaluate(plan, rms, values, ratings=rows([5, 4, 4, 3, 3, 3, 3, 2, 2, 1]))
    assert good.by_rm("R00").item("rating").score == D("30.00")  # grade A → full share
    assert good.by_rm("R09").item("rating").score == D("6.00")  # grade E → 1/5
    with pytest.raises(SchemeError) as caught:
        evaluate(plan, rms, values, ratings=rows([5, 5, 5, 3, 3, 3, 3, 2, 2, 1]))
    (problem,) = caught.value.problems
    assert problem.code == "scheme.ratings_refused"
    text_en = problem.render("en")
    assert "rating" in text_en
    assert problem.cause is not None


# --- speed --------------------------------------------------------------------------------------


def big_scheme(items: int = 30) -> str:
    codes = ["daily_average", "point_balance", "fee_income", "new_loans", "aum", "visits"]
    lines = []
    per_dim = items // 3
    for d in range(3):
        weight = [34, 33, 33][d]
        lines.append(f"  - key: d{d}\n    name: 维度{d}\n    weight: {weight}\n    items:")
        base = weight // per_dim
        weights = [base] * per_dim
        weights[0] += weight - base * per_dim
        for i in range(per_dim):
            n = d * per_dim + i
            code = codes[n % len(codes)]
            method = ["achievement", "linear", "bands", "rank", "deduction"][n % 5]
            extra = {
                "achievement": "target: 1000, cap: 1.2",
                "linear": "x0: 0, y0: 0, x1: 2000, y1: 1",
                "bands": "bands: [[0, 0.2], [500, 0.6], [1500, 1]]",
                "rank": "normalize: true",
                "deduction": "per: 0.001",
            }[method]
            source = "mix" if n % 7 == 0 else code
            head = f"key: i{n}, name: 指标{n}, input: {source}, weight: {weights[i]}"
            lines.append(f"      - {{{head}, method: {method}, {extra}}}")
    return f"""
id: big
version: 1
name: 大方案
periods: [quarter]
rank_group: [post, branch]
custom:
  mix: where(daily_average > 0, fee_income / daily_average * 1000, 0) + tiers(visits, [[0, 0], [10, 100]])
dimensions:
{chr(10).join(lines)}
"""


def test_three_thousand_rms_with_thirty_items() -> None:
    """The bank's scale: 12 rank groups of 250. (How fast: ``bench/bench_scoring.py``.)"""
    plan = plan_of(big_scheme())
    assert len(plan.base.items) == 30
    rms = [RmContext(f"R{i:05d}", ("retail", "corporate")[i % 2], branch=f"B{i % 12}") for i in range(3000)]
    values = {
        rm.rm_id: {
            (code, "all"): D(i * 37 % 2500) + D("0.25")
            for code in ("daily_average", "point_balance", "fee_income", "new_loans", "aum", "visits")
        }
        for i, rm in enumerate(rms)
    }
    result = evaluate(plan, rms, values)
    assert len(result.results) == 3000
    assert all(r.rank_n == 250 for r in result.results)  # 12 groups of post × branch
