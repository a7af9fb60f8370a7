"""The rating forms ``ranking`` (简单排序法) and ``paired`` (一一比较法) in scheme files, computed by hand.

004 §4.3: 简单排序法 orders the RMs best first; 一一比较法 compares every pair and
counts each RM's wins (its worked table: 王 2, 钱 4, 张 2, 赵 1, 李 1). Through a
scheme, the comparisons and rankings come from ``ratings`` rows, within the
item's rank group, several raters blended by role weights (001).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core import ratings
from rmperf.core.scheme import Plan, RmContext, SchemeError, build_plan, evaluate, load_scheme, resolve
from rmperf.core.scheme.errors import format_path
from rmperf.core.scoring import ScoringError
from rmperf.i18n import MESSAGES

D = Decimal
YEAR = (date(2024, 1, 1), date(2024, 12, 31), "year")
DOCS = Path(__file__).parents[2] / "docs" / "scheme-format.md"

SCHEME = """
id: forms
version: 1
name: 排序法与一一比较法
periods: [year]
total: sum
rank_group: [post]
dimensions:
  - key: qual
    name: 定性
    items:
ITEMS
"""

PAIRED = """      - key: cmp
        name: 一一比较
        method: rating
        form: paired
        weight: 20
        raters: {committee: 100}
EXTRA"""

RANKING = """      - key: order
        name: 排序
        method: rating
        form: ranking
        weight: 40
        raters: {supervisor: 60, committee: 40}
EXTRA"""


def plan_of(items: str, extra: str = "", *, header: str = "") -> Plan:
    text = SCHEME.replace("ITEMS", items.replace("EXTRA", extra)).replace(
        "rank_group: [post]", header or "rank_group: [post]"
    )
    return build_plan(resolve(load_scheme(text, source="forms.yaml"), *YEAR))


def row(rm: str, rater: str, role: str, criterion: str, score: object, period: str = "2024") -> dict[str, Any]:
    return {
        "period": period,
        "rm_id": rm,
        "rater_id": rater,
        "rater_role": role,
        "criterion": criterion,
        "score": score,
    }


# --- 一一比较法: 004's table --------------------------------------------------------------------

NAMES = ["王", "钱", "张", "赵", "李"]
#: 004's table, row better than column "+", worse "−" (the "−" follow from one "+" per pair)
TABLE = {
    "王": "0 - - + +",
    "钱": "+ 0 + + +",
    "张": "+ - 0 - +",
    "赵": "- - + 0 -",
    "李": "- - - + 0",
}


def table_rows(
    table: dict[str, str] = TABLE, *, rater: str = "K1", role: str = "committee", prefix: str = ""
) -> list[dict[str, Any]]:
    out = []
    for rm, line in table.items():
        for other, mark in zip(NAMES, line.split(), strict=True):
            if rm != other:
                out.append(row(rm, rater, role, f"{prefix}{other}", 1 if mark == "+" else 0))
    return out


def retail(*names: str, post: str = "retail") -> list[RmContext]:
    return [RmContext(name, post) for name in names]


def test_004_paired_comparison_table_through_a_scheme() -> None:
    plan = plan_of(PAIRED, header="rank_group: []")
    assert plan.needs_ratings
    result = evaluate(plan, retail(*NAMES), {}, ratings=table_rows())
    wins = {rm: result.by_rm(rm).item("cmp").value for rm in NAMES}
    assert wins == {"王": 2, "钱": 4, "张": 2, "赵": 1, "李": 1}  # 004's 得分 column
    scores = {rm: result.by_rm(rm).item("cmp").score for rm in NAMES}
    # 20 × wins ÷ (5 − 1)
    assert scores == {"王": D("10.00"), "钱": D("20.00"), "张": D("10.00"), "赵": D("5.00"), "李": D("5.00")}
    ranks = {rm: result.by_rm(rm).item("cmp").rank for rm in NAMES}
    assert ranks == {"王": 2, "钱": 1, "张": 2, "赵": 4, "李": 4}  # ties share the better rank
    qian = result.by_rm("钱").item("cmp")
    assert qian.rank_n == 5
    assert qian.group == "all"
    assert "钱 > 张, 钱 > 李, 钱 > 王, 钱 > 赵 → 4" in qian.formula
    assert qian.formula.endswith("4/(5 − 1) × 20 = 20")
    assert "王 > 李, 王 > 赵 → 2" in result.by_rm("王").item("cmp").formula


def test_one_row_per_pair_is_enough() -> None:
    plan = plan_of(PAIRED)
    upper = [r for r in table_rows() if NAMES.index(r["rm_id"]) < NAMES.index(r["criterion"])]
    assert len(upper) == 10
    result = evaluate(plan, retail(*NAMES), {}, ratings=upper)
    assert [result.by_rm(rm).item("cmp").value for rm in NAMES] == [2, 4, 2, 1, 1]


def test_the_matrix_equals_the_pure_rule() -> None:
    """The scheme's wins are ``ratings.paired_comparison`` on the same table."""
    matrix = {(a, b): mark for a, line in TABLE.items() for b, mark in zip(NAMES, line.split(), strict=True)}
    pure = ratings.paired_comparison(matrix)
    result = evaluate(plan_of(PAIRED), retail(*NAMES), {}, ratings=table_rows())
    for rm in NAMES:
        assert result.by_rm(rm).item("cmp").value == pure[rm].score
        assert result.by_rm(rm).item("cmp").rank == pure[rm].rank


def test_a_contradictory_and_incomplete_matrix_is_refused_naming_the_pairs() -> None:
    rows = [r for r in table_rows() if {r["rm_id"], r["criterion"]} != {"钱", "李"}]  # 钱–李 never compared
    rows = [r for r in rows if not (r["rm_id"] == "赵" and r["criterion"] == "王")]
    rows.append(row("赵", "K1", "committee", "王", 1))  # 王 > 赵 and 赵 > 王
    rows = [r for r in rows if not (r["rm_id"] == "张" and r["criterion"] == "李")]
    rows.append(row("张", "K1", "committee", "李", 0))  # 张 < 李 but 李 < 张: both worse
    with pytest.raises(SchemeError) as caught:
        evaluate(plan_of(PAIRED), retail(*NAMES), {}, ratings=rows)
    (problem,) = caught.value.problems
    assert problem.code == "scheme.ratings_refused"
    assert isinstance(problem.cause, ScoringError)
    assert problem.cause.code == "ratings.rater_matrix"
    found = {(d.code, tuple(sorted((d.params["a"], d.params["b"])))) for d in problem.cause.details}
    assert found == {
        ("ratings.pair_missing", ("李", "钱")),
        ("ratings.pair_inconsistent", ("王", "赵")),
        ("ratings.pair_inconsistent", ("张", "李")),
    }
    zh, en = problem.what("zh"), problem.what("en")
    assert "指标 cmp 的定性评价被拒绝(组 post=retail)" in zh
    assert "李 与 钱 没有比较结果" in zh
    assert "王 与 赵 的两次比较结果相互矛盾" in zh
    assert "李 and 钱 have not been compared" in en
    assert "{" not in zh + en


def test_scores_other_than_one_or_zero_and_pairs_outside_the_group_are_refused() -> None:
    plan = plan_of(PAIRED)
    rms = [*retail("A", "B", "C"), RmContext("X", "corporate")]
    rows = [
        row("A", "K1", "committee", "B", 1),
        row("A", "K1", "committee", "C", "+"),  # not 1/0
        row("B", "K1", "committee", "C", 1),
        row("B", "K1", "committee", "X", 1),  # X ranks with the corporate RMs
        row("B", "K1", "committee", "B", 1),  # the diagonal is 0
    ]
    with pytest.raises(SchemeError) as caught:
        evaluate(plan, rms, {}, ratings=rows)
    (problem,) = caught.value.problems
    assert problem.params["group"] == "post=retail"
    assert isinstance(problem.cause, ScoringError)
    codes = [d.code for d in problem.cause.details]
    assert codes == ["ratings.pair_row_value", "ratings.pair_outside", "ratings.pair_diagonal"]
    # the pair with an unreadable score is not also reported as missing
    assert "ratings.pair_missing" not in codes
    assert "score “+” must be 1 (A better) or 0 (C better)" in problem.what("en")


def test_several_raters_are_blended_on_their_wins() -> None:
    plan = plan_of(PAIRED.replace("{committee: 100}", "{committee: 50, supervisor: 50}"))
    # the supervisor sees 王 and 钱 the other way round: 王 beats 钱
    flipped = dict(TABLE, 王="0 + - + +", 钱="- 0 + + +")
    rows = [*table_rows(), *table_rows(flipped, rater="S1", role="supervisor")]
    result = evaluate(plan, retail(*NAMES), {}, ratings=rows)
    wang, qian = result.by_rm("王").item("cmp"), result.by_rm("钱").item("cmp")
    # 王: committee 2, supervisor 3 → 2.5 wins → 20 × 2.5/4 = 12.5; 钱: 4 and 3 → 3.5 → 17.5
    assert (wang.value, wang.score) == (D("2.5"), D("12.50"))
    assert (qian.value, qian.score) == (D("3.5"), D("17.50"))
    assert "50% × 3 (supervisor) + 50% × 2 (committee) = 2.5" in wang.formula


def test_a_paired_item_may_name_its_rows_with_a_criterion_prefix() -> None:
    prefixed = PAIRED.replace("key: cmp", "key: cmp2").replace("EXTRA", "        criterion: conduct\n")
    plan = plan_of(PAIRED + prefixed)
    rows = [*table_rows(prefix="conduct:"), *table_rows(TABLE, rater="K2", prefix="team:")]
    result = evaluate(plan, retail(*NAMES), {}, ratings=rows)
    assert [result.by_rm(rm).item("cmp2").value for rm in NAMES] == [2, 4, 2, 1, 1]
    # the other paired item (no prefix) reads rows whose criterion is an RM's id: there are none
    assert result.by_rm("王").item("cmp").exact is None
    assert "scheme.note.no_rating" in [n.code for n in result.by_rm("王").item("cmp").notes]


def test_with_a_prefix_a_comparison_with_an_unknown_rm_is_reported() -> None:
    plan = plan_of(PAIRED.replace("EXTRA", "        criterion: conduct\n"))
    rows = [row("A", "K1", "committee", "conduct:B", 1), row("A", "K1", "committee", "conduct:Z", 1)]
    with pytest.raises(SchemeError) as caught:
        evaluate(plan, retail("A", "B"), {}, ratings=rows)
    cause = caught.value.problems[0].cause
    assert isinstance(cause, ScoringError)
    assert [d.code for d in cause.details] == ["ratings.pair_outside"]
    assert "the comparison of A with Z: Z is not in this group" in cause.render("en")


def test_the_pure_rules_refuse_a_rank_given_twice_and_a_pair_given_twice() -> None:
    weights = {"committee": D(100)}
    rows = [row("A", "K1", "committee", "rank", 1), row("A", "K1", "committee", "rank", 2)]
    with pytest.raises(ScoringError) as caught:
        ratings.ranking_from_rows(rows, ["A", "B"], weights)
    assert [d.code for d in caught.value.details] == ["ratings.rank_duplicate", "ratings.rank_missing"]
    pairs = [{**row("A", "K1", "committee", "", 1), "other": "B"}] * 2
    with pytest.raises(ScoringError) as caught:
        ratings.paired_from_rows(pairs, ["A", "B"], weights)
    assert [d.code for d in caught.value.details] == ["ratings.pair_duplicate"]
    with pytest.raises(ScoringError) as caught:
        ratings.paired_from_rows([], ["A"], weights)
    assert caught.value.code == "ratings.pair_group_small"


def test_an_rm_alone_in_a_group_has_nobody_to_compare_with() -> None:
    plan = plan_of(PAIRED.replace("raters:", "when_missing: full\n        raters:"))
    rms = [*retail("A", "B"), RmContext("C", "corporate")]
    result = evaluate(plan, rms, {}, ratings=[row("A", "K1", "committee", "B", 1)])
    assert result.by_rm("A").item("cmp").score == D("20.00")
    assert result.by_rm("B").item("cmp").score == D("0.00")
    alone = result.by_rm("C").item("cmp")
    assert alone.score == D("20.00")  # when_missing: full
    assert "scheme.note.paired_alone" in [n.code for n in alone.notes]


# --- 简单排序法 ------------------------------------------------------------------------------------

#: supervisor S1: R1, R3, R2, R4; committee K1: R2, R3, R4, R1
TWO_RATERS = [
    row("R1", "S1", "supervisor", "rank", 1),
    row("R3", "S1", "supervisor", "rank", 2),
    row("R2", "S1", "supervisor", "rank", 3),
    row("R4", "S1", "supervisor", "rank", 4),
    row("R2", "K1", "committee", "rank", 1),
    row("R3", "K1", "committee", "rank", 2),
    row("R4", "K1", "committee", "rank", 3),
    row("R1", "K1", "committee", "rank", 4),
]


def test_a_ranking_by_two_raters_with_a_tie() -> None:
    result = evaluate(plan_of(RANKING), retail("R1", "R2", "R3", "R4"), {}, ratings=TWO_RATERS)
    items = {rm: result.by_rm(rm).item("order") for rm in ("R1", "R2", "R3", "R4")}
    # blended position P = 0.6 × supervisor + 0.4 × committee
    assert {rm: i.value for rm, i in items.items()} == {"R1": D("2.2"), "R2": D("2.2"), "R3": D("2"), "R4": D("3.6")}
    # 40 × (4 − P + 1) ÷ 4
    assert {rm: i.score for rm, i in items.items()} == {
        "R1": D("28.00"),
        "R2": D("28.00"),
        "R3": D("30.00"),
        "R4": D("14.00"),
    }
    assert {rm: i.rank for rm, i in items.items()} == {"R1": 2, "R2": 2, "R3": 1, "R4": 4}
    assert items["R1"].formula == (
        "supervisor S1: #1; committee K1: #4; 60% × 1 (supervisor) + 40% × 4 (committee) = 2.2; "
        "(4 − 2.2 + 1)/4 × 40 = 28"
    )


def test_blending_positions_is_blending_the_simple_ranking_shares() -> None:
    """(N − P + 1)/N is linear in P: the share of the blended position is the blend of each rater's share."""
    result = evaluate(plan_of(RANKING), retail("R1", "R2", "R3", "R4"), {}, ratings=TWO_RATERS)
    sup = ratings.simple_ranking(["R1", "R3", "R2", "R4"], full=D(1))
    com = ratings.simple_ranking(["R2", "R3", "R4", "R1"], full=D(1))
    for rm in ("R1", "R2", "R3", "R4"):
        share = D("0.6") * sup[rm].score + D("0.4") * com[rm].score
        assert result.by_rm(rm).item("order").exact == share * 40


def test_a_single_rater_gives_004s_simple_ranking() -> None:
    plan = plan_of(RANKING.replace("{supervisor: 60, committee: 40}", "{supervisor: 100}").replace("40", "100"))
    rows = [row(rm, "S1", "supervisor", "rank", i) for i, rm in enumerate(["王", "钱", "张", "赵", "李"], start=1)]
    result = evaluate(plan, retail(*NAMES), {}, ratings=rows)
    # 004: 王某 最好 … 李某 最差 → 100 × (5 − rank + 1)/5 = 100, 80, 60, 40, 20
    assert [result.by_rm(rm).item("order").score for rm in NAMES] == [D(100), D(80), D(60), D(40), D(20)]


def test_each_rank_group_is_ranked_on_its_own() -> None:
    plan = plan_of(RANKING.replace("{supervisor: 60, committee: 40}", "{supervisor: 100}"))
    rms = [*retail("A", "B"), *retail("C", "D", "E", post="corporate")]
    rows = [
        row("A", "S1", "supervisor", "rank", 2),
        row("B", "S1", "supervisor", "rank", 1),
        row("C", "S1", "supervisor", "rank", 3),
        row("D", "S1", "supervisor", "rank", 1),
        row("E", "S1", "supervisor", "rank", 2),
    ]
    result = evaluate(plan, rms, {}, ratings=rows)
    # retail: N = 2 → B 40, A 40 × 1/2 = 20; corporate: N = 3 → D 40, E 40 × 2/3, C 40 × 1/3
    assert result.by_rm("B").item("order").score == D("40.00")
    assert result.by_rm("A").item("order").score == D("20.00")
    assert result.by_rm("E").item("order").score == D("26.67")
    assert result.by_rm("C").item("order").score == D("13.33")
    assert result.by_rm("C").item("order").group == "post=corporate"
    assert result.by_rm("C").item("order").rank_n == 3


def test_a_broken_ranking_is_refused_with_every_problem() -> None:
    rows = [
        row("R1", "S1", "supervisor", "rank", 1),
        row("R2", "S1", "supervisor", "rank", 1),  # shares position 1
        row("R3", "S1", "supervisor", "rank", "2.5"),  # not a whole position
        # R4 not ranked by S1
        row("R1", "K1", "committee", "rank", 1),
        row("R2", "K1", "committee", "rank", 2),
        row("R3", "K1", "committee", "rank", 3),
        row("R4", "K1", "committee", "rank", 9),  # beyond N
        row("R1", "X1", "committee", "rank", 1),
        row("R2", "X1", "peer", "rank", 2),  # one rater, two roles
    ]
    with pytest.raises(SchemeError) as caught:
        evaluate(plan_of(RANKING), retail("R1", "R2", "R3", "R4"), {}, ratings=rows)
    (problem,) = caught.value.problems
    cause = problem.cause
    assert isinstance(cause, ScoringError)
    assert cause.code == "ratings.rows_invalid"
    assert [d.code for d in cause.details] == [
        "ratings.rater_roles_group",
        "ratings.rater_ranking",
        "ratings.rater_ranking",
    ]
    k1, s1 = cause.details[1], cause.details[2]
    # R4 at 9 is reported once, as a bad position, not also as unranked
    assert (k1.params["rater_id"], [d.code for d in k1.details]) == ("K1", ["ratings.rank_value"])
    assert (s1.params["rater_id"], [d.code for d in s1.details]) == (
        "S1",
        ["ratings.rank_value", "ratings.rank_shared", "ratings.rank_missing"],
    )
    en = problem.what("en")
    assert "R4: position “9” must be a whole number from 1 to 4" in en
    assert "R1, R2 share position 1" in en
    assert "rater X1 appears under several roles: committee, peer" in en


def test_a_missing_role_is_refused_or_renormalised() -> None:
    only_supervisor = [r for r in TWO_RATERS if r["rater_role"] == "supervisor"]
    with pytest.raises(SchemeError) as caught:
        evaluate(plan_of(RANKING), retail("R1", "R2", "R3", "R4"), {}, ratings=only_supervisor)
    cause = caught.value.problems[0].cause
    assert isinstance(cause, ScoringError)
    assert cause.code == "ratings.role_missing"
    plan = plan_of(RANKING, "        missing_raters: renormalise\n")
    result = evaluate(plan, retail("R1", "R2", "R3", "R4"), {}, ratings=only_supervisor)
    assert result.by_rm("R1").item("order").score == D("40.00")  # the supervisor alone: R1 first
    assert result.by_rm("R2").item("order").score == D("20.00")


def test_without_rows_the_item_scores_by_when_missing() -> None:
    result = evaluate(plan_of(RANKING), retail("R1", "R2"), {}, ratings=[])
    item = result.by_rm("R1").item("order")
    assert item.exact is None
    assert item.score == D("0.00")
    assert [n.code for n in item.notes] == ["scheme.note.no_rating", "scheme.note.scored_missing_zero"]


def test_a_ranking_item_reads_its_own_criterion_and_period() -> None:
    plan = plan_of(RANKING, "        criterion: 综合排序\n")
    rows = [{**r, "criterion": "综合排序"} for r in TWO_RATERS]
    rows += [row("R1", "S1", "supervisor", "rank", 4, period="2023")]  # another period: ignored
    result = evaluate(plan, retail("R1", "R2", "R3", "R4"), {}, ratings=rows)
    assert result.by_rm("R3").item("order").score == D("30.00")


def test_forced_distribution_still_reads_grade_rows() -> None:
    items = """      - {key: grade, name: 强制分配, method: rating, form: forced_distribution, weight: 100}
"""
    plan = plan_of(items)
    rows = [row(f"R{i}", "K1", "committee", "grade", g) for i, g in enumerate([5, 4, 4, 3, 3, 3, 3, 2, 2, 1])]
    result = evaluate(plan, retail(*(f"R{i}" for i in range(10))), {}, ratings=rows)
    assert result.by_rm("R0").item("grade").score == D("100.00")


# --- loading: what each form takes --------------------------------------------------------------


def problems_of(text: str) -> list[tuple[str, str]]:
    with pytest.raises(SchemeError) as caught:
        load_scheme(text, source="forms.yaml")
    return [(p.code, format_path(p.path)) for p in caught.value.problems]


def test_the_new_forms_check_their_parameters_all_at_once() -> None:
    items = """      - {key: a, name: a, method: rating, form: paired, weight: 20, scale_max: 5, criteria: {x: 100}}
      - {key: b, name: b, method: rating, form: ranking, weight: 20, raters: {supervisor: 60, committee: 30},
         distribution: [50, 50], grade_shares: [1, 0.5], criterion: " "}
      - {key: c, name: c, method: rating, form: ranking, weight: 20, raters: {supervisor: 100, boss: 0}}
      - {key: d, name: d, method: rating, form: pairs, weight: 40, raters: {supervisor: 100}}
"""
    found = problems_of(SCHEME.replace("ITEMS", items))
    expected = [
        ("scheme.missing", "dimensions[0].items[0].raters"),
        ("scheme.rating_form_param", "dimensions[0].items[0].criteria"),
        ("scheme.rating_form_param", "dimensions[0].items[0].scale_max"),
        ("scheme.rating_form_param", "dimensions[0].items[1].distribution"),
        ("scheme.rating_form_param", "dimensions[0].items[1].grade_shares"),
        ("scheme.rating_criterion_blank", "dimensions[0].items[1].criterion"),
        ("scheme.percent_sum", "dimensions[0].items[1].raters"),
        ("scheme.not_allowed", "dimensions[0].items[3].form"),
    ]
    for problem in expected:
        assert problem in found, (problem, found)
    assert any(path.startswith("dimensions[0].items[2].raters") for code, path in found)  # role "boss"
    with pytest.raises(SchemeError) as caught:
        load_scheme(SCHEME.replace("ITEMS", items), source="forms.yaml")
    text = caught.value.render("en")
    assert "forms.yaml, line" in text
    assert "form: paired does not use scale_max; it takes raters, missing_raters, criterion, group" in text
    assert "'ranking' or 'paired'" in text


def test_two_items_may_not_read_the_same_rows() -> None:
    items = """      - {key: a, name: a, method: rating, form: paired, weight: 20, raters: {committee: 100}}
      - {key: b, name: b, method: rating, form: paired, weight: 20, raters: {committee: 100}}
      - {key: c, name: c, method: rating, form: ranking, weight: 20, raters: {committee: 100}}
      - {key: d, name: d, method: rating, form: forced_distribution, weight: 20, criterion: rank}
      - {key: e, name: e, method: rating, form: paired, weight: 10, raters: {committee: 100}, criterion: x}
      - {key: f, name: f, method: rating, form: ranking, weight: 10, raters: {committee: 100}, criterion: x}
"""
    with pytest.raises(SchemeError) as caught:
        load_scheme(SCHEME.replace("ITEMS", items), source="forms.yaml")
    found = [(p.code, format_path(p.path), p.params["item"], p.params["other"]) for p in caught.value.problems]
    assert found == [
        ("scheme.rating_rows_shared", "dimensions[0].items[1]", "b", "a"),
        ("scheme.rating_rows_shared", "dimensions[0].items[3].criterion", "d", "c"),
    ]
    assert "rows whose criterion is the other RM's id" in caught.value.problems[0].what("en")
    # e (rows x:<id>) and f (rows x) do not collide; neither do scale items sharing criteria among themselves


def test_the_examples_in_the_format_reference_load() -> None:
    """The ranking and paired examples of docs/scheme-format.md are valid items."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## Qualitative ratings") : text.index("## Adjustments")]
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", section, re.S) if re.search(r"form: (ranking|paired)", b)]
    assert len(blocks) == 2
    for block in blocks:
        items = "\n".join("      " + line if line else line for line in block.splitlines())
        load_scheme(SCHEME.replace("ITEMS", items), source="docs/scheme-format.md")


# --- messages ---------------------------------------------------------------------------------------


def test_every_new_code_has_both_languages() -> None:
    sources = [
        Path(ratings.__file__),
        Path(ratings.__file__).parent / "scheme" / "load.py",
        Path(ratings.__file__).parent / "scheme" / "evaluate.py",
    ]
    pattern = r'"((?:ratings\.(?:rank|pair|rater)|scheme\.rating|scheme\.note\.paired)[a-z_.]*)"'
    codes = {code for path in sources for code in re.findall(pattern, path.read_text(encoding="utf-8"))}
    assert {"ratings.rank_shared", "ratings.rater_matrix", "scheme.rating_form_param"} <= codes
    for code in codes:
        assert code in MESSAGES, code
        zh, en = MESSAGES[code]
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), code
