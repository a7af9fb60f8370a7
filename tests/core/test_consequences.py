"""What the results lead to (002 五(二)(三)): each rule, at its boundary scores, with its evidence.

≥ 90 two years running            → talent pool
60 ≤ score < 70                   → mandatory training
< 60 two quarters running         → warning and improvement plan
< 60 for a year                   → off the RM post, eligible again after a year
< 60 two years running, or a veto → dismissal proposed
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from rmperf.core.pay.consequences import (
    ConsequenceAction,
    ConsequenceRules,
    Proposal,
    Violation,
    previous_quarter,
    proposal_record,
    propose_consequences,
)


def scores(**by_period: str) -> dict[str, dict[str, D]]:
    """alice's scores: ``y2025="91"``, ``q2025_1="55"`` → {"2025": 91, "2025-Q1": 55}."""
    out: dict[str, D] = {}
    for key, value in by_period.items():
        if key.startswith("y"):
            out[key[1:]] = D(value)
        else:
            year, quarter = key[1:].split("_")
            out[f"{year}-Q{quarter}"] = D(value)
    return {"alice": out}


def rules_of(found: list[Proposal]) -> list[str]:
    return [p.rule for p in found]


# --- 1. talent pool -------------------------------------------------------------------------------


def test_talent_pool_at_90_exactly_two_years_running() -> None:
    (p,) = propose_consequences(scores(y2024="90", y2025="95.5"), [], "2025")
    assert (p.rm_id, p.action, p.rule) == ("alice", ConsequenceAction.TALENT_POOL, "talent_pool")
    assert [(e.period, e.score) for e in p.evidence] == [("2024", D("90")), ("2025", D("95.5"))]
    assert "2024 90 分;2025 95.5 分" in p.text_zh
    assert "管理储备人才库" in p.text_zh
    assert "talent pool" in p.text_en


def test_no_talent_pool_below_90_or_for_one_year_alone() -> None:
    assert propose_consequences(scores(y2024="89.99", y2025="95"), [], "2025") == []
    assert propose_consequences(scores(y2025="99"), [], "2025") == []  # no 2024 score: not two years


# --- 2. training ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("59.99", ["off_post"]),  # below 60 is a fail, not 待改进
        ("60", ["training"]),  # 60 is inside 60–70
        ("69.99", ["training"]),
        ("70", []),  # 70 is the next band (decision: 60 ≤ score < 70)
    ],
)
def test_training_for_a_score_from_60_up_to_70(score: str, expected: list[str]) -> None:
    assert rules_of(propose_consequences(scores(y2025=score), [], "2025")) == expected


def test_training_also_for_a_quarter() -> None:
    (p,) = propose_consequences(scores(q2025_3="65"), [], "2025-Q3")
    assert p.action is ConsequenceAction.TRAINING
    assert [e.period for e in p.evidence] == ["2025-Q3"]
    assert "风控合规" in p.text_zh


# --- 3. warning -----------------------------------------------------------------------------------


def test_warning_for_two_quarters_running_below_60() -> None:
    (p,) = propose_consequences(scores(q2025_1="59.99", q2025_2="40"), [], "2025-Q2")
    assert (p.action, p.rule) == (ConsequenceAction.WARNING, "warning")
    assert [(e.period, e.score) for e in p.evidence] == [("2025-Q1", D("59.99")), ("2025-Q2", D("40"))]
    assert "约谈" in p.text_zh
    assert "improvement plan" in p.text_en


def test_no_warning_when_one_quarter_is_60_or_missing() -> None:
    assert propose_consequences(scores(q2025_1="60", q2025_2="40"), [], "2025-Q2") == []
    assert propose_consequences(scores(q2025_2="40"), [], "2025-Q2") == []  # no Q1 score breaks the run
    # only the quarter judged and the one before count: Q1, Q2 failing says nothing at Q3
    assert propose_consequences(scores(q2025_1="40", q2025_2="40", q2025_3="75"), [], "2025-Q3") == []


def test_warning_across_the_year_end_and_over_a_whole_year() -> None:
    (p,) = propose_consequences(scores(q2024_4="50", q2025_1="50"), [], "2025-Q1")
    assert [e.period for e in p.evidence] == ["2024-Q4", "2025-Q1"]
    # a year looks at every pair ending inside it, and lists each failing quarter once
    found = propose_consequences(
        scores(q2024_4="50", q2025_1="50", q2025_2="80", q2025_3="55", q2025_4="58", y2025="70"), [], "2025"
    )
    (warning,) = [p for p in found if p.rule == "warning"]
    assert [e.period for e in warning.evidence] == ["2024-Q4", "2025-Q1", "2025-Q3", "2025-Q4"]
    assert previous_quarter("2025-Q1") == "2024-Q4"


# --- 4. off the post ------------------------------------------------------------------------------


def test_off_the_post_for_a_year_below_60_eligible_again_after_a_year() -> None:
    (p,) = propose_consequences(scores(y2025="59.99"), [], "2025")
    assert (p.action, p.rule) == (ConsequenceAction.OFF_POST, "off_post")
    assert p.eligible_again_from == date(2027, 1, 1)  # proposed on 2026-01-01 (the day after), plus one year
    assert "后台岗位" in p.text_zh
    assert "2027-01-01" in p.text_zh
    later = propose_consequences(scores(y2025="50"), [], "2025", as_of=date(2026, 2, 15))
    assert later[0].eligible_again_from == date(2027, 2, 15)
    assert propose_consequences(scores(y2025="60"), [], "2025")[0].rule == "training"  # 60 is no fail


# --- 5. dismissal ---------------------------------------------------------------------------------


def test_dismissal_for_two_years_running_below_60() -> None:
    found = propose_consequences(scores(y2024="59.99", y2025="45"), [], "2025")
    assert rules_of(found) == ["off_post", "dismissal_years"]
    dismissal = found[1]
    assert dismissal.action is ConsequenceAction.DISMISSAL
    assert [(e.period, e.score) for e in dismissal.evidence] == [("2024", D("59.99")), ("2025", D("45"))]
    assert "建议辞退" in dismissal.text_zh
    assert rules_of(propose_consequences(scores(y2024="60", y2025="45"), [], "2025")) == ["off_post"]


def test_dismissal_for_a_major_compliance_breach_a_veto_violation_in_the_period() -> None:
    veto = Violation("alice", date(2025, 2, 14), "MISAPPROPRIATION", "挪用客户资金", veto=True)
    minor = Violation("alice", date(2025, 3, 1), "LATE_REPORT", "报送迟延", veto=False)
    earlier = Violation("alice", date(2024, 12, 30), "FRAUD", "骗贷", veto=True)
    (p,) = propose_consequences(scores(y2025="88"), [veto, minor, earlier], "2025")
    assert (p.action, p.rule) == (ConsequenceAction.DISMISSAL, "dismissal_breach")
    assert [e.violation for e in p.evidence] == [veto]
    assert "2025-02-14 违规 MISAPPROPRIATION 挪用客户资金" in p.text_zh
    assert "one-vote-veto" in p.text_en
    # the quarter it happened in, not the next one
    assert rules_of(propose_consequences({}, [veto], "2025-Q1")) == ["dismissal_breach"]
    assert propose_consequences({}, [veto], "2025-Q2") == []
    # a finding without the veto is no major breach
    assert propose_consequences(scores(y2025="88"), [minor], "2025") == []


# --- all together ---------------------------------------------------------------------------------


def test_an_rm_who_matches_no_rule_gets_no_proposal() -> None:
    many = {
        "alice": {"2024": D("75"), "2025": D("89.99"), "2025-Q3": D("70"), "2025-Q4": D("60")},
        "bob": {"2025": D("60"), "2025-Q4": D("59")},
    }
    found = propose_consequences(many, [], "2025")
    assert [(p.rm_id, p.rule) for p in found] == [("bob", "training")]


def test_proposals_are_for_a_human_decision_and_flatten_for_a_sheet() -> None:
    (p,) = propose_consequences(scores(y2025="50"), [], "2025")
    assert "须由人作出决定" in p.decision_note.zh
    assert "right to one" in p.decision_note.en
    row = proposal_record(p, "zh")
    assert row["action_text"] == "调离客户经理岗位"
    assert row["evidence"] == "2025 50 分"
    assert row["eligible_again_from"] == "2027-01-01"
    assert row["ref"].startswith("002 五(三)")


def test_thresholds_are_parameters_and_periods_are_years_or_quarters() -> None:
    strict = ConsequenceRules(training_below=D("75"))
    assert rules_of(propose_consequences(scores(y2025="72"), [], "2025", rules=strict)) == ["training"]
    with pytest.raises(ValueError, match="2025-06"):
        propose_consequences({}, [], "2025-06")
