"""What the results lead to (考核结果应用, seed 002 五(二)(三)): proposals with their evidence.

Pure: values in, values out. Given each RM's scores per period (``2025``,
``2025-Q3`` … → the run's total, out of 100) and the compliance findings,
:func:`propose_consequences` lists what 002 says the results lead to:

1. **talent pool** (管理储备人才库): the annual score ≥ 90 two years running;
2. **mandatory training** (强制培训): a score of 60 up to, not including, 70
   (待改进) in the period judged;
3. **warning and improvement plan** (约谈, 改进计划书): < 60 two quarters running;
4. **off the RM post** (调整至后台岗位): the annual score < 60; eligible to
   compete for an RM post again after one year;
5. **dismissal proposed** (辞退): the annual score < 60 two years running, or
   a major compliance breach — a violation with the one-vote veto
   (一票否决) dated in the period.

A year period looks at its own annual score, the year before, and every run
of two failing quarters that ends inside it; a quarter period at its own
score, the quarter before and its vetoing violations. A period without a
score breaks a run of years or quarters (it never counts as a fail).

Each :class:`Proposal` names the rule, the periods and scores, and the
violations behind it, in Chinese and English. They are proposals for a
human decision: an RM has the right to one (``decision_note``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from rmperf.core.pay.grades import Said, add_months, say
from rmperf.core.periods import Period, PeriodKind
from rmperf.i18n import get_language, t


@dataclass(frozen=True)
class Violation:
    """A compliance finding (``violations`` table); ``veto`` marks a major breach (一票否决)."""

    rm_id: str
    on: date
    code: str
    description: str | None = None
    veto: bool = False


class ConsequenceAction(StrEnum):
    TALENT_POOL = "talent_pool"  # 纳入管理储备人才库
    TRAINING = "training"  # 强制培训
    WARNING = "warning"  # 约谈并制定改进计划书
    OFF_POST = "off_post"  # 调整至后台岗位
    DISMISSAL = "dismissal"  # 辞退


@dataclass(frozen=True)
class ConsequenceRules:
    """002's thresholds. Bounds: ≥ ``excellent``; ``training_from`` ≤ score < ``training_below``; < ``fail_below``."""

    excellent: Decimal = Decimal(90)
    excellent_years: int = 2
    training_from: Decimal = Decimal(60)
    training_below: Decimal = Decimal(70)
    fail_below: Decimal = Decimal(60)
    fail_quarters: int = 2
    dismissal_years: int = 2
    #: years before an RM moved off the post may compete for it again
    wait_years: int = 1


#: rule → (action, the passage of 002)
RULES: dict[str, tuple[ConsequenceAction, str]] = {
    "talent_pool": (ConsequenceAction.TALENT_POOL, "002 五(二) 晋升:年度考核连续两年“优秀”(得分≥90)"),
    "training": (ConsequenceAction.TRAINING, "002 五(二) 培训:考核“待改进”(得分60-70)者,强制参加专项培训"),
    "warning": (ConsequenceAction.WARNING, "002 五(三) 预警:连续两个季度考核“不合格”(得分<60)"),
    "off_post": (ConsequenceAction.OFF_POST, "002 五(三) 调岗:年度考核“不合格”者调整至后台岗位,重新竞聘需间隔1年"),
    "dismissal_years": (ConsequenceAction.DISMISSAL, "002 五(三) 淘汰:连续两年年度考核“不合格”"),
    "dismissal_breach": (ConsequenceAction.DISMISSAL, "002 五(三) 淘汰:出现重大合规风险(如骗贷、挪用客户资金)"),
}


@dataclass(frozen=True)
class Evidence:
    """A period's score, or a violation, behind a proposal."""

    period: str
    score: Decimal | None = None
    violation: Violation | None = None

    def render(self, lang: str | None = None) -> str:
        if self.violation is not None:
            v = self.violation
            params = {"date": v.on.isoformat(), "code": v.code, "description": v.description or ""}
            return t("consequences.evidence.violation", params, lang).strip()
        score = "—" if self.score is None else format(self.score, "f")
        return t("consequences.evidence.score", {"period": self.period, "score": score}, lang)


@dataclass(frozen=True)
class Proposal:
    """A consequence proposed for one RM, with the rule and the evidence; a human decides."""

    rm_id: str
    period: str
    action: ConsequenceAction
    rule: str
    evidence: tuple[Evidence, ...]
    said: Said
    ref: str
    #: off the post: the earliest day the RM may compete for an RM post again (one year after ``as_of``)
    eligible_again_from: date | None = None
    decision_note: Said = field(default_factory=lambda: say("consequences.decision"))

    @property
    def text_zh(self) -> str:
        return self.said.zh

    @property
    def text_en(self) -> str:
        return self.said.en

    def render(self, lang: str | None = None) -> str:
        return self.said.render(lang)

    def evidence_text(self, lang: str | None = None) -> str:
        sep = "; " if (lang or get_language()) == "en" else ";"
        return sep.join(e.render(lang) for e in self.evidence)


def previous_quarter(label: str) -> str:
    """``2025-Q1`` → ``2024-Q4``."""
    year, _, q = label.partition("-Q")
    n = int(q)
    return f"{int(year) - 1}-Q4" if n == 1 else f"{year}-Q{n - 1}"


def quarters_of(year: int) -> list[str]:
    return [f"{year}-Q{n}" for n in range(1, 5)]


def propose_consequences(
    scores: Mapping[str, Mapping[str, Decimal]],
    violations: Iterable[Violation],
    period: str,
    *,
    rules: ConsequenceRules | None = None,
    as_of: date | None = None,
) -> list[Proposal]:
    """The consequences 002 gives for ``period`` (a year or a quarter), per RM, in rm_id then rule order.

    ``scores``: rm_id → period label → total (out of 100). ``violations``:
    every finding; only those with ``veto`` dated in ``period`` count.
    ``as_of``: the day the proposals are made (default: the day after the
    period), from which the one-year wait of an RM moved off the post runs.
    """
    rules = rules or ConsequenceRules()
    judged = Period.parse(period)
    if judged.kind not in (PeriodKind.YEAR, PeriodKind.QUARTER):
        raise ValueError(t("consequences.period_kind", {"period": period}))
    as_of = as_of or judged.end + timedelta(days=1)
    breaches: dict[str, list[Violation]] = {}
    for v in violations:
        if v.veto and judged.contains(v.on):
            breaches.setdefault(v.rm_id, []).append(v)
    out: list[Proposal] = []
    for rm_id in sorted(set(scores) | set(breaches)):
        own = scores.get(rm_id, {})
        found = _judge(rm_id, own, judged, rules, as_of)
        found += _breach(rm_id, judged, sorted(breaches.get(rm_id, []), key=lambda v: (v.on, v.code)))
        out += found
    return out


def _judge(
    rm_id: str, own: Mapping[str, Decimal], judged: Period, rules: ConsequenceRules, as_of: date
) -> list[Proposal]:
    out: list[Proposal] = []
    label = judged.label

    def proposal(rule: str, evidence: list[Evidence], said: Said, eligible: date | None = None) -> Proposal:
        action, ref = RULES[rule]
        return Proposal(rm_id, label, action, rule, tuple(evidence), said, ref, eligible)

    def evidence_of(labels: Iterable[str]) -> list[Evidence]:
        return [Evidence(p, own[p]) for p in labels]

    def joined(evidence: list[Evidence]) -> Said:
        return Said(
            "consequences.evidence",
            ";".join(e.render("zh") for e in evidence),
            "; ".join(e.render("en") for e in evidence),
        )

    years = [str(judged.year - k) for k in range(max(rules.excellent_years, rules.dismissal_years) - 1, -1, -1)]
    score = own.get(label)
    # 1. talent pool: ≥ 90 in each of the last ``excellent_years`` annual appraisals
    if judged.kind is PeriodKind.YEAR:
        run = years[-rules.excellent_years :]
        if all(y in own and own[y] >= rules.excellent for y in run):
            ev = evidence_of(run)
            out.append(
                proposal(
                    "talent_pool",
                    ev,
                    say(
                        "consequences.rule.talent_pool",
                        threshold=_plain(rules.excellent),
                        n=len(run),
                        evidence=joined(ev),
                    ),
                )
            )
    # 2. training: 60 ≤ the period's own score < 70
    if score is not None and rules.training_from <= score < rules.training_below:
        ev = evidence_of([label])
        out.append(
            proposal(
                "training",
                ev,
                say(
                    "consequences.rule.training",
                    low=_plain(rules.training_from),
                    high=_plain(rules.training_below),
                    evidence=joined(ev),
                ),
            )
        )
    # 3. warning: every run of ``fail_quarters`` failing quarters that ends inside the period
    ends = quarters_of(judged.year) if judged.kind is PeriodKind.YEAR else [label]
    failing: list[str] = []
    for end in ends:
        window = [end]
        while len(window) < rules.fail_quarters:
            window.insert(0, previous_quarter(window[0]))
        if all(q in own and own[q] < rules.fail_below for q in window):
            failing += [q for q in window if q not in failing]
    if failing:
        ev = evidence_of(sorted(failing, key=_quarter_key))
        out.append(
            proposal(
                "warning",
                ev,
                say(
                    "consequences.rule.warning",
                    threshold=_plain(rules.fail_below),
                    n=rules.fail_quarters,
                    evidence=joined(ev),
                ),
            )
        )
    if judged.kind is PeriodKind.YEAR:
        # 4. off the post: the annual score < 60
        if score is not None and score < rules.fail_below:
            ev = evidence_of([label])
            eligible = add_months(as_of, 12 * rules.wait_years)
            out.append(
                proposal(
                    "off_post",
                    ev,
                    say(
                        "consequences.rule.off_post",
                        threshold=_plain(rules.fail_below),
                        years=rules.wait_years,
                        eligible=eligible,
                        evidence=joined(ev),
                    ),
                    eligible,
                )
            )
        # 5a. dismissal: < 60 in each of the last ``dismissal_years`` annual appraisals
        run = years[-rules.dismissal_years :]
        if all(y in own and own[y] < rules.fail_below for y in run):
            ev = evidence_of(run)
            out.append(
                proposal(
                    "dismissal_years",
                    ev,
                    say(
                        "consequences.rule.dismissal_years",
                        threshold=_plain(rules.fail_below),
                        n=len(run),
                        evidence=joined(ev),
                    ),
                )
            )
    return out


def _breach(rm_id: str, judged: Period, found: list[Violation]) -> list[Proposal]:
    """5b. dismissal: a vetoing violation (major compliance breach) dated in the period."""
    if not found:
        return []
    ev = tuple(Evidence(judged.label, violation=v) for v in found)
    said = Said(
        "consequences.rule.dismissal_breach",
        t("consequences.rule.dismissal_breach", {"evidence": ";".join(e.render("zh") for e in ev)}, "zh"),
        t("consequences.rule.dismissal_breach", {"evidence": "; ".join(e.render("en") for e in ev)}, "en"),
    )
    action, ref = RULES["dismissal_breach"]
    return [Proposal(rm_id, judged.label, action, "dismissal_breach", ev, said, ref)]


def _plain(value: Decimal) -> str:
    """A threshold as written: ``90``, ``59.5``."""
    return format(value.normalize(), "f")


def _quarter_key(label: str) -> tuple[int, int]:
    year, _, q = label.partition("-Q")
    return int(year), int(q)


def proposal_record(p: Proposal, lang: str | None = None) -> dict[str, str]:
    """One flat row for CSV/XLSX."""
    return {
        "rm_id": p.rm_id,
        "period": p.period,
        "action": p.action.value,
        "action_text": t(f"consequences.action.{p.action.value}", None, lang),
        "rule": p.rule,
        "evidence": p.evidence_text(lang),
        "text_zh": p.text_zh,
        "text_en": p.text_en,
        "ref": p.ref,
        "eligible_again_from": p.eligible_again_from.isoformat() if p.eligible_again_from else "",
        "decision": p.decision_note.render(lang),
    }


__all__ = [
    "RULES",
    "ConsequenceAction",
    "ConsequenceRules",
    "Evidence",
    "Proposal",
    "Violation",
    "previous_quarter",
    "proposal_record",
    "propose_consequences",
    "quarters_of",
]
