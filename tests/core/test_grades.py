"""Grade proposals (003): scenarios hand-computed from 003 附件1's table, with the shipped ladder.

The table (万元; annual simulated profit / annual AUM increment; probation commitment profit / AUM balance):

    见习 trainee      70 / 1000     —
    初级一档 junior   100 / 1500    40 / 1200
    中级二档 mid_2    140 / 2000    50 / 1600
    中级一档 mid_1    180 / 2500    70 / 2000
    高级三档 senior_3 230 / 3200    85 / 2500
    高级二档 senior_2 280 / 3800   100 / 3000
    高级一档 senior_1 350 / 4500   120 / 3500
    资深 principal    450 / 5500   135 / 4000

Promotion: both figures reach a higher grade's standard. Demotion: AUM below the
current standard, or profit below 70 % of it. Corporate deposits count 3 : 1.
The annual evaluation is held in January (here 2026-01-15, judging 2025).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from rmperf.core.pay.grades import (
    GradeAction,
    GradeFigures,
    GradeProposal,
    HireKind,
    Ladder,
    LadderError,
    NotAnEvaluationMonth,
    RmFacts,
    evaluation_of,
    load_ladder,
    load_ladder_file,
    propose_grades,
    show_wan,
)
from rmperf.schemes.ladders import DEFAULT, ladder_path, names

JANUARY = date(2026, 1, 15)  # the annual evaluation of 2025
JULY = date(2025, 7, 10)  # the half-year evaluation of 2025-H1


@pytest.fixture(scope="module")
def ladder() -> Ladder:
    return load_ladder_file(ladder_path(DEFAULT))


def propose(
    ladder: Ladder,
    grade: str,
    profit: str,
    aum: str,
    *,
    corporate: str = "0",
    on: date = JANUARY,
    **facts: object,
) -> GradeProposal:
    """One RM, ``alice``, with the figures in 万元."""
    figures = GradeFigures(D(profit), D(aum), D(corporate), **_split_balance(facts))
    (proposal,) = propose_grades(ladder, [RmFacts("alice", grade, **facts)], {"alice": figures}, on)  # type: ignore[arg-type]
    return proposal


def _split_balance(facts: dict[str, object]) -> dict[str, D]:
    out = {}
    for key in ("aum_balance", "corporate_deposit_balance"):
        if key in facts:
            out[key] = D(str(facts.pop(key)))
    return out


# --- the ladder ---------------------------------------------------------------------------------


def test_the_shipped_ladder_is_003_appendix_1(ladder: Ladder) -> None:
    std = ladder.at(date(2025, 12, 31))
    table = [
        (g.grade, g.simulated_profit.value, g.aum_increment.value, g.committed_profit, g.committed_aum_balance)
        for g in std.grades
    ]
    assert [(g, p, a) for g, p, a, _, _ in table] == [
        ("trainee", 70, 1000),
        ("junior", 100, 1500),
        ("mid_2", 140, 2000),
        ("mid_1", 180, 2500),
        ("senior_3", 230, 3200),
        ("senior_2", 280, 3800),
        ("senior_1", 350, 4500),
        ("principal", 450, 5500),
    ]
    committed = [(cp.value, cb.value) for _, _, _, cp, cb in table if cp is not None and cb is not None]
    assert committed == [(40, 1200), (50, 1600), (70, 2000), (85, 2500), (100, 3000), (120, 3500), (135, 4000)]
    assert table[0][3] is None  # 见习 has no committed standard
    assert std.demotion_profit_share.value == D("0.7")
    assert std.corporate_deposit_ratio.value == 3
    assert std.grace_months == 3
    assert std.living_allowance.value == 800
    assert std.leader_max_steps == 1
    assert {k.value: m for k, (m, _) in std.probation_months.items()} == {"external": 6, "internal": 3, "graduate": 3}
    assert std.lowest_formal_grade == "junior"
    # every value names where it comes from
    assert all(g.simulated_profit.ref.startswith("003 附件1") for g in std.grades)
    # a ladder is not a scheme template: `rmperf run --scheme` never lists it
    from rmperf.schemes.templates import names as template_names

    assert DEFAULT in names()
    assert DEFAULT not in template_names()


def test_a_ladder_file_reports_every_problem_with_file_key_and_line() -> None:
    text = ladder_path(DEFAULT).read_text(encoding="utf-8")
    plain = 'simulated_profit: [{value: 140, ref: "003 附件1 年度模拟利润标准 中级二档 140"}]'
    assert plain in text
    assert "lowest_formal_grade: junior" in text
    # shape first: an unknown key
    with pytest.raises(LadderError) as caught:
        load_ladder(
            text.replace("lowest_formal_grade: junior", "lowest_formal_grade: junior\n  colour: blue"), "a.yaml"
        )
    assert [p.code for p in caught.value.problems] == ["scheme.unknown_key"]
    # a value without its ref
    with pytest.raises(LadderError) as caught:
        load_ladder(text.replace(plain, "simulated_profit: 140"), "b.yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.path, problem.source) == (
        "grades.ref_missing",
        ("grades", 2, "simulated_profit"),
        "b.yaml",
    )
    assert problem.line is not None
    assert "b.yaml" in problem.render("en")
    # grades out of order
    swapped = text.replace("  - grade: mid_2", "  - grade: mid_x").replace("  - grade: junior", "  - grade: mid_2")
    with pytest.raises(LadderError) as caught:
        load_ladder(swapped.replace("  - grade: mid_x", "  - grade: junior"), "c.yaml")
    assert "grades.order" in [p.code for p in caught.value.problems]
    # a standard not above the grade below's
    with pytest.raises(LadderError) as caught:
        load_ladder(text.replace("aum_increment: [{value: 2500, ref:", "aum_increment: [{value: 1900, ref:"), "d.yaml")
    (problem,) = caught.value.problems
    assert (problem.code, problem.path) == ("grades.not_increasing", ("grades", 3, "aum_increment"))
    assert "mid_1" in problem.render("en")
    assert "管理资产新增" in problem.render("zh")


def test_evaluations_are_held_in_january_and_july(ladder: Ladder) -> None:
    assert evaluation_of(JANUARY).period.label == "2025"
    assert evaluation_of(JULY).period.label == "2025-H1"
    with pytest.raises(NotAnEvaluationMonth) as caught:
        propose_grades(ladder, [], {}, date(2025, 10, 1))
    assert "1 月" in caught.value.render("zh")
    assert "month 7" in caught.value.render("en")


# --- promotion ----------------------------------------------------------------------------------


def test_promotion_to_the_highest_grade_whose_two_standards_are_both_met(ladder: Ladder) -> None:
    # mid_2 with 240 / 3300: senior_3 (230 / 3200) met, senior_2 (280 / 3800) not → two grades up
    p = propose(ladder, "mid_2", "240", "3300")
    assert (p.action, p.proposed, p.steps) == (GradeAction.PROMOTE, "senior_3", 2)
    assert "晋升 2 档至高级三档" in p.rule_zh
    assert "promote 2 grade(s) to senior 3" in p.rule_en
    shown = [c.render("zh") for c in p.checks]
    assert "高级三档 模拟利润 240.00 ≥ 230.00 ✓" in shown
    assert "高级三档 管理资产新增 3300.00 ≥ 3200.00 ✓" in shown
    assert "高级二档 模拟利润 240.00 < 280.00 ✗" in shown  # why not higher
    assert any("第十九条" in n.zh for n in p.notes)  # the management-quality and approval conditions
    assert p.is_change
    assert "审批" in p.decision_note.zh
    assert "human decision" in p.decision_note.en


def test_promotion_needs_both_standards_exactly_reached_is_enough(ladder: Ladder) -> None:
    # junior at exactly mid_2's 140 / 2000 → mid_2
    p = propose(ladder, "junior", "140", "2000")
    assert (p.action, p.proposed, p.steps) == (GradeAction.PROMOTE, "mid_2", 1)
    # profit far above, AUM a fen short of mid_2 → stays (junior is kept: 1999.999999 ≥ 1500, 500 ≥ 70)
    p = propose(ladder, "junior", "500", "1999.999999")
    assert (p.action, p.proposed) == (GradeAction.KEEP, "junior")
    assert "中级二档 管理资产新增 1999.999999 < 2000.00 ✗" in [c.render("zh") for c in p.checks]


# --- keep and demotion ---------------------------------------------------------------------------


def test_keep_at_exactly_the_current_standard(ladder: Ladder) -> None:
    p = propose(ladder, "mid_1", "180", "2500")
    assert (p.action, p.proposed, p.steps) == (GradeAction.KEEP, "mid_1", 0)
    assert not p.is_change


def test_demotion_when_the_aum_increment_misses_the_standard(ladder: Ladder) -> None:
    # mid_1 (2500) with AUM 2400: not kept; mid_2 kept (2400 ≥ 2000, 200 ≥ 70 % × 140 = 98) → mid_2
    p = propose(ladder, "mid_1", "200", "2400")
    assert (p.action, p.proposed, p.steps) == (GradeAction.DEMOTE, "mid_2", -1)
    assert "管理资产新增 2400.00 万元 < 中级一档标准 2500.00 万元" in p.rule_zh
    assert "附件1 备注3" in p.rule_zh


def test_demotion_when_the_profit_is_below_70_percent_of_the_current_standard(ladder: Ladder) -> None:
    # senior_3: 70 % × 230 = 161. At 161 exactly the grade is kept; at 160.99 it is not.
    kept = propose(ladder, "senior_3", "161", "3300")
    assert kept.action is GradeAction.KEEP
    p = propose(ladder, "senior_3", "160.99", "3300")
    # mid_1 is kept: 3300 ≥ 2500 and 160.99 ≥ 70 % × 180 = 126
    assert (p.action, p.proposed, p.steps) == (GradeAction.DEMOTE, "mid_1", -1)
    assert "模拟利润 160.99 万元 < 高级三档标准 230.00 万元的 70%(161.00 万元)" in p.rule_zh
    assert "高级三档 模拟利润(降级线) 160.99 < 161.00 ✗" in [c.render("zh") for c in p.checks]


def test_demotion_by_several_grades_to_the_highest_grade_kept(ladder: Ladder) -> None:
    # senior_2 with 150 / 2100: senior_3 (3200) ✗, mid_1 (2500) ✗, mid_2 (2000 ✓, 98 ✓) → mid_2, three down
    p = propose(ladder, "senior_2", "150", "2100")
    assert (p.action, p.proposed, p.steps) == (GradeAction.DEMOTE, "mid_2", -3)
    assert "降 3 档至中级二档" in p.rule_zh


# --- corporate deposits 3 : 1 ------------------------------------------------------------------


def test_corporate_deposits_count_3_to_1_and_can_tip_a_promotion(ladder: Ladder) -> None:
    # mid_2, profit 200, personal AUM 2300: alone → keep (mid_1 needs 2500)
    assert propose(ladder, "mid_2", "200", "2300").action is GradeAction.KEEP
    # + corporate deposits' daily-average increment 600 → 600 ÷ 3 = 200 → 2500 → mid_1
    p = propose(ladder, "mid_2", "200", "2300", corporate="600")
    assert (p.action, p.proposed) == (GradeAction.PROMOTE, "mid_1")
    assert p.counted is not None
    assert (p.counted.corporate_increment_counted, p.counted.aum_increment) == (D("200"), D("2500"))
    assert any("600.00 万元按 3:1 折算为 200.00 万元" in n.zh for n in p.notes)


def test_corporate_deposits_can_tip_a_demotion_into_a_keep(ladder: Ladder) -> None:
    assert propose(ladder, "mid_1", "200", "2400").action is GradeAction.DEMOTE
    p = propose(ladder, "mid_1", "200", "2400", corporate="300")  # 2400 + 100 = 2500
    assert p.action is GradeAction.KEEP
    # a third of a fen is rounded to the fen (万元 to 6 decimals), half up
    q = propose(ladder, "mid_1", "200", "2400", corporate="0.000002")
    assert q.counted is not None
    assert q.counted.corporate_increment_counted == D("0.000001")


# --- probation ---------------------------------------------------------------------------------


def test_probation_ended_since_the_last_evaluation_is_judged_against_the_commitment(ladder: Ladder) -> None:
    ended = {"probation_until": date(2025, 12, 31), "rm_since": date(2025, 7, 1)}
    # mid_2's commitment: 50 / 1600 (balance). Met → confirmed at mid_2, never promoted out of probation
    p = propose(ladder, "mid_2", "300", "4000", aum_balance="1650", **ended)
    assert (p.action, p.proposed, p.steps) == (GradeAction.CONFIRM, "mid_2", 0)
    assert "原则上不晋级" in p.rule_zh
    assert "中级二档 承诺管理资产余额 1650.00 ≥ 1600.00 ✓" in [c.render("zh") for c in p.checks]
    # mid_1's commitment 70 / 2000 missed (60); mid_2's 50 / 1600 met → demoted to mid_2 by appendix 1
    p = propose(ladder, "mid_1", "60", "0", aum_balance="1700", **ended)
    assert (p.action, p.proposed, p.steps) == (GradeAction.PROBATION_DEMOTE, "mid_2", -1)
    assert "第二十三条2(1)" in p.rule_zh
    # below junior's probation standard (40) → dismiss or transfer
    p = propose(ladder, "junior", "30", "0", aum_balance="5000", **ended)
    assert (p.action, p.proposed) == (GradeAction.PROBATION_EXIT, None)
    assert "解聘或转岗" in p.rule_zh


def test_probation_balance_counts_corporate_deposits_3_to_1(ladder: Ladder) -> None:
    ended = {"probation_until": date(2025, 11, 30)}
    assert propose(ladder, "junior", "45", "0", aum_balance="1100", **ended).action is GradeAction.PROBATION_EXIT
    # 1100 + 300 ÷ 3 = 1200 = junior's committed balance
    p = propose(ladder, "junior", "45", "0", aum_balance="1100", corporate_deposit_balance="300", **ended)
    assert p.action is GradeAction.CONFIRM


def test_an_rm_still_on_probation_is_not_regraded_but_may_be_confirmed_early(ladder: Ladder) -> None:
    on = {"probation_until": date(2026, 3, 31)}
    p = propose(ladder, "mid_1", "60", "0", aum_balance="2100", **on)
    assert (p.action, p.proposed) == (GradeAction.ON_PROBATION, "mid_1")
    assert "2026-03-31" in p.rule_zh
    p = propose(ladder, "mid_1", "75", "0", aum_balance="2100", **on)
    assert p.action is GradeAction.EARLY_CONFIRMATION
    assert "第十五条" in p.rule_zh


def test_the_probation_length_follows_how_the_rm_was_hired(ladder: Ladder) -> None:
    since = date(2025, 8, 1)
    # internal (a corporate RM moving to retail): 3 months → ended 2025-10-31 → judged now
    p = propose(ladder, "junior", "45", "0", aum_balance="1300", rm_since=since, hired=HireKind.INTERNAL)
    assert p.action is GradeAction.CONFIRM
    # external: 6 months → until 2026-01-31, after the evaluation day → still on probation
    p = propose(ladder, "junior", "35", "0", aum_balance="1300", rm_since=since, hired=HireKind.EXTERNAL)
    assert p.action is GradeAction.ON_PROBATION  # (45 would meet the commitment: early confirmation)
    assert "2026-01-31" in p.rule_zh
    # unknown: judged as formal, with a note to check
    p = propose(ladder, "junior", "45", "0", rm_since=since)
    assert p.action is GradeAction.GRACE
    assert any("核实是否仍在试用期" in n.zh for n in p.notes)


def test_the_rms_own_commitment_letter_overrides_the_table(ladder: Ladder) -> None:
    ended = {"probation_until": date(2025, 12, 31)}
    p = propose(
        ladder,
        "mid_2",
        "55",
        "0",
        aum_balance="1650",
        committed_profit=D("60"),
        committed_aum_balance=D("1500"),
        **ended,
    )
    assert p.action is GradeAction.PROBATION_DEMOTE  # 55 < 60 of the letter; junior's 40 / 1200 met
    assert p.proposed == "junior"
    assert any("业绩承诺书" in n.zh for n in p.notes)


def test_a_trainee_probation_is_assessed_by_the_retail_department(ladder: Ladder) -> None:
    p = propose(ladder, "trainee", "10", "0", probation_until=date(2025, 10, 31))
    assert p.action is GradeAction.REVIEW
    assert "零售银行部组织考评" in p.rule_zh


# --- below the lowest grade ----------------------------------------------------------------------


def test_grace_months_then_the_living_allowance(ladder: Ladder) -> None:
    # junior, profit 60 < 70 % × 100 = 70: below the lowest formal grade
    first = propose(ladder, "junior", "60", "1600")
    assert (first.action, first.proposed) == (GradeAction.GRACE, "junior")
    assert "给予 3 个月宽限期(尚余 3 个月)" in first.rule_zh
    assert "初级一档待遇" in first.rule_zh
    later = propose(ladder, "junior", "60", "1600", months_below_lowest=2)
    assert later.action is GradeAction.GRACE
    assert "尚余 1 个月" in later.rule_zh
    over = propose(ladder, "junior", "60", "1600", months_below_lowest=3)
    assert over.action is GradeAction.LIVING_ALLOWANCE
    assert "基本生活费 800 元/月" in over.rule_zh
    assert "living allowance of 800 yuan" in over.rule_en
    # back above: kept, and the grace may end
    back = propose(ladder, "junior", "70", "1500", months_below_lowest=3)
    assert back.action is GradeAction.KEEP
    assert any("宽限期可结束" in n.zh for n in back.notes)


def test_an_rm_falling_below_the_lowest_grade_from_higher_up_goes_to_it_with_grace(ladder: Ladder) -> None:
    p = propose(ladder, "mid_1", "50", "1000")
    assert (p.action, p.proposed, p.steps) == (GradeAction.GRACE, "junior", -2)


def test_a_trainee_below_the_trainee_standard_goes_back_to_hr(ladder: Ladder) -> None:
    # trainee 70 / 1000: 48 < 70 % × 70 = 49
    p = propose(ladder, "trainee", "48", "1000")
    assert (p.action, p.proposed) == (GradeAction.RETURN_TO_HR, None)
    assert propose(ladder, "trainee", "49", "1000").action is GradeAction.KEEP
    # a trainee reaching junior's two standards is promoted
    assert propose(ladder, "trainee", "100", "1500").proposed == "junior"


# --- unit leaders ------------------------------------------------------------------------------


def test_an_rm_who_leads_a_unit_moves_one_grade_at_a_time(ladder: Ladder) -> None:
    up = propose(ladder, "mid_2", "240", "3300", manages_people=True)
    assert (up.action, up.proposed, up.steps) == (GradeAction.PROMOTE, "mid_1", 1)
    assert "按业绩可至高级三档" in up.rule_zh
    assert any("经营机构考核办法" in n.zh for n in up.notes)
    down = propose(ladder, "senior_2", "150", "2100", manages_people=True)
    assert (down.action, down.proposed, down.steps) == (GradeAction.DEMOTE, "senior_3", -1)
    assert "逐级下降" in down.rule_zh
    assert "按业绩应至中级二档" in down.rule_zh
    # at the lowest formal grade a leader enters the grace period like anyone else
    assert propose(ladder, "junior", "60", "1600", manages_people=True).action is GradeAction.GRACE


# --- the July half-year evaluation --------------------------------------------------------------


def test_july_judges_the_first_half_against_half_the_annual_standards(ladder: Ladder) -> None:
    # mid_1's half: 90 / 1250; floor 70 % × 90 = 63
    up = propose(ladder, "mid_2", "90", "1250", on=JULY)
    assert (up.period, up.standard_share) == ("2025-H1", D("0.5"))
    assert (up.action, up.proposed) == (GradeAction.PROMOTE, "mid_1")
    assert "年度标准×50%" in up.rule_zh
    assert any("半年评定" in n.zh for n in up.notes)
    assert "中级一档 模拟利润 90.00 ≥ 90.00 ✓" in [c.render("zh") for c in up.checks]
    assert propose(ladder, "mid_1", "63", "1250", on=JULY).action is GradeAction.KEEP
    assert propose(ladder, "mid_1", "62.99", "1250", on=JULY).action is GradeAction.DEMOTE
    assert propose(ladder, "mid_1", "90", "1249.99", on=JULY).action is GradeAction.DEMOTE


# --- the rest -------------------------------------------------------------------------------------


def test_who_gets_a_proposal(ladder: Ladder) -> None:
    rms = [
        RmFacts("bob", "mid_1"),
        RmFacts("alice", "junior"),
        RmFacts("charlie", "mid_2", left_on=date(2025, 12, 20)),
        RmFacts("dave", None),
    ]
    figures = {
        "alice": GradeFigures(D("150"), D("2100")),
        "charlie": GradeFigures(D("150"), D("2100")),
        "dave": GradeFigures(D("150"), D("2100")),
    }
    out = propose_grades(ladder, rms, figures, JANUARY)
    assert [p.rm_id for p in out] == ["alice", "bob", "dave"]  # by rm_id; charlie left
    alice, bob, dave = out
    assert alice.proposed == "mid_2"
    assert (bob.action, bob.figures) == (GradeAction.REVIEW, None)  # no figures in the run
    assert (dave.action, dave.proposed) == (GradeAction.REVIEW, None)
    assert "中级二档" in dave.rule_zh
    for p in out:
        assert p.rule_zh
        assert p.rule_en
        assert p.rule_zh != p.rule_en


def test_figures_are_decimal_and_shown_exactly(ladder: Ladder) -> None:
    p = propose(ladder, "mid_1", "180.123456", "2500.5")
    assert p.figures is not None
    assert p.counted is not None
    for value in (p.figures.simulated_profit, p.counted.aum_increment, *(c.figure for c in p.checks)):
        assert isinstance(value, D)
    assert show_wan(D("180.123456")) == "180.123456"
    assert show_wan(D("2500.5")) == "2500.50"
    assert show_wan(D("-0.0000001")) == "0.00"
    assert show_wan(D("-1.5")) == "-1.50"


def test_the_ladder_in_force_on_the_period_end_is_used(tmp_path: Path) -> None:
    """A standard changed from 2026 leaves the 2025 evaluation untouched and applies to 2026's."""
    text = ladder_path(DEFAULT).read_text(encoding="utf-8")
    dated = text.replace(
        'simulated_profit: [{value: 180, ref: "003 附件1 年度模拟利润标准 中级一档 180"}]',
        'simulated_profit: [{value: 180, from: 2007-07-01, ref: "003 附件1 中级一档 180"}, '
        '{value: 200, from: 2026-01-01, ref: "2026 年标准调整(示例)"}]',
    )
    assert dated != text
    ladder = load_ladder(dated, "dated.yaml")
    rm = [RmFacts("alice", "mid_2")]
    figures = {"alice": GradeFigures(D("190"), D("2600"))}
    assert propose_grades(ladder, rm, figures, JANUARY)[0].proposed == "mid_1"
    assert propose_grades(ladder, rm, figures, date(2027, 1, 4))[0].proposed == "mid_2"


def test_every_grade_and_consequence_message_has_the_same_fields_in_both_languages() -> None:
    import re

    from rmperf.i18n import MESSAGES

    ours = {code: texts for code, texts in MESSAGES.items() if code.startswith(("grades.", "consequences."))}
    assert len(ours) > 60
    for code, (zh, en) in ours.items():
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), code
    # every code the modules name exists
    source = "".join(
        (Path(__file__).parents[2] / "src/rmperf/core/pay" / name).read_text(encoding="utf-8")
        for name in ("grades.py", "consequences.py")
    )
    named = set(re.findall(r'"((?:grades|consequences)\.[a-z_.]+)"', source))
    named |= {f"grades.action.{a.value}" for a in GradeAction}
    assert named - set(MESSAGES) <= {"grades.why", "consequences.evidence"}  # joined texts, not messages
