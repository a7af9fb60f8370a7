"""The indicator catalogue (指标目录): every indicator the engine computes, its Chinese and English name and
its unit, in one place.

The scheme checker reads the codes from here (a scheme may only name an indicator that exists), the engine
takes its own groups from here (balances, flows, quality, the spike signal), and every presenter names an
indicator through :func:`name`. A new indicator is added here and computed in the engine in the same change;
``tests/core/test_scheme_format.py`` fails when the engine's groups and this catalogue differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Group = Literal["balances", "flows", "quality", "signals"]


@dataclass(frozen=True)
class IndicatorDef:
    """One indicator: its code, its names (zh, en), its unit and the engine group that computes it."""

    code: str
    zh: str
    en: str
    unit: str
    group: Group = "balances"

    def name(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class InputKey(NamedTuple):
    """The key of a value a run reads: an indicator code and its category (``deposit``,
    ``deposit/customer_kind=personal``; a value of the period before or a share marked ``…@previous``,
    ``…@share_of=branch``). A plain tuple to the scheme's evaluator, never a ``"code:category"`` string."""

    code: str
    category: str = "all"


def _group(group: Group, *defs: IndicatorDef) -> tuple[IndicatorDef, ...]:
    return tuple(IndicatorDef(d.code, d.zh, d.en, d.unit, group) for d in defs)


#: code → definition, in the engine's order (balances, flows, quality, signals)
CATALOGUE: dict[str, IndicatorDef] = {
    d.code: d
    for d in (
        # 余额类 (日均、时点、积数、FTP、AUM)
        *_group(
            "balances",
            IndicatorDef("accumulated_balance", "积数", "accumulated balance", "yuan·days"),
            IndicatorDef("daily_average", "日均余额", "daily average", "yuan"),
            IndicatorDef("point_balance", "时点余额", "point-in-time balance", "yuan"),
            IndicatorDef("baseline_point", "年初时点", "baseline point balance", "yuan"),
            IndicatorDef("point_increment", "时点增量", "point-in-time increment", "yuan"),
            IndicatorDef("baseline_daily_average", "年初日均", "baseline daily average", "yuan"),
            IndicatorDef("daily_average_increment", "日均增量", "daily-average increment", "yuan"),
            IndicatorDef("ftp_profit", "FTP利差模拟利润", "FTP spread profit", "yuan"),
            IndicatorDef("aum", "管理资产", "assets under management", "yuan"),
            IndicatorDef("aum_increment", "管理资产增量", "AUM increment", "yuan"),
        ),
        # 流量类 (收入、费用、发卡、客户)
        *_group(
            "flows",
            IndicatorDef("fee_income", "中间业务收入", "fee and commission income", "yuan"),
            IndicatorDef("loan_loss_provision", "贷款损失准备", "loan-loss provision", "yuan"),
            IndicatorDef("unpaid_interest_new", "本期新发生欠息", "new unpaid interest", "yuan"),
            IndicatorDef("unpaid_interest_recovered", "本期收回欠息", "unpaid interest recovered", "yuan"),
            IndicatorDef("unpaid_interest_net", "应收欠息净增", "net increase of unpaid interest", "yuan"),
            IndicatorDef("expenses", "营销费用/分摊成本", "marketing expenses and allocated costs", "yuan"),
            IndicatorDef("cards_issued", "发卡量", "cards issued", "count"),
            IndicatorDef("cards_issued_weighted", "折算发卡量", "cards issued, quality-weighted", "count"),
            IndicatorDef("active_cards", "有效动户(卡)", "newly active cards", "count"),
            IndicatorDef("active_cards_5plus", "月均交易5次以上动户(卡)", "newly active cards, busy", "count"),
            IndicatorDef("active_customers", "新增活跃客户", "new active customers", "count"),
            IndicatorDef(
                "active_customers_5plus", "月均交易5次以上新增活跃客户", "new active customers, busy", "count"
            ),
            IndicatorDef("new_vip_customers", "新增贵宾户", "new VIP customers", "count"),
            IndicatorDef("new_customers", "新增客户", "new customers", "count"),
            IndicatorDef("churned_customers", "流失客户", "churned customers", "count"),
            IndicatorDef(
                "wealth_matured_sales", "年内到期理财销售额", "wealth products sold and matured within the year", "yuan"
            ),
            IndicatorDef("inclusive_customers", "管户普惠客户数", "inclusive-finance customers served", "count"),
        ),
        # 质量类 (信贷质量、服务、合规、风险调整)
        *_group(
            "quality",
            IndicatorDef("new_loans", "新发放贷款", "new loans (amount)", "yuan"),
            IndicatorDef("new_loan_count", "新发放贷款笔数", "new loans (count)", "count"),
            IndicatorDef("new_loan_npl_ratio", "新发放贷款不良率", "NPL ratio of new loans", "ratio"),
            IndicatorDef("npl_balance", "不良贷款余额", "NPL balance", "yuan"),
            IndicatorDef("npl_reduction", "不良贷款压降", "NPL reduction", "yuan"),
            IndicatorDef("post_loan_check_rate", "贷后检查完成率", "post-loan check completion", "ratio"),
            IndicatorDef("post_loan_checks_due", "贷后检查应查笔数", "post-loan checks due", "count"),
            IndicatorDef("post_loan_checks_on_time", "贷后检查按时完成笔数", "post-loan checks on time", "count"),
            IndicatorDef("pricing_compliance_rate", "定价偏离合规率", "pricing compliance (count)", "ratio"),
            IndicatorDef(
                "pricing_compliance_rate_amount", "定价偏离合规率(金额)", "pricing compliance (amount)", "ratio"
            ),
            IndicatorDef("first_time_borrowers", "首贷户数", "first-time borrowers", "count"),
            IndicatorDef("first_time_borrower_share", "首贷户占比", "first-time borrower share", "ratio"),
            IndicatorDef("agri_loan_share", "涉农贷款占比", "agricultural loan share", "ratio"),
            IndicatorDef("inclusive_loan_share", "普惠小微贷款占比", "inclusive SME loan share", "ratio"),
            IndicatorDef("agri_loan_increment", "涉农贷款增量", "agricultural loan increment", "yuan"),
            IndicatorDef("inclusive_loan_increment", "普惠小微贷款增量", "inclusive SME loan increment", "yuan"),
            IndicatorDef(
                "deposit_stickiness", "存款稳定性(月日均存款波动系数)", "deposit volatility coefficient", "ratio"
            ),
            IndicatorDef("visits", "走访次数", "visits", "count"),
            IndicatorDef("village_coverage", "行政村覆盖率", "village coverage", "ratio"),
            IndicatorDef("satisfaction", "满意度", "satisfaction score", "score"),
            IndicatorDef("response_hours", "平均响应时长", "average response time", "hours"),
            IndicatorDef("resolution_rate", "问题解决率", "resolution rate", "ratio"),
            IndicatorDef("recommendation_rate", "推荐率", "recommendation rate", "ratio"),
            IndicatorDef("violations", "违规次数", "violations", "count"),
            IndicatorDef("violation_points", "违规扣分", "violation points", "points"),
            IndicatorDef("veto", "一票否决", "veto findings", "count"),
            IndicatorDef("unrectified_violations", "未整改违规", "unrectified violations", "count"),
            IndicatorDef("attendance_rate", "出勤率", "attendance rate", "ratio"),
            IndicatorDef("task_completion_rate", "任务完成率", "task completion rate", "ratio"),
            IndicatorDef("expected_loss", "预期损失", "expected loss", "yuan"),
            IndicatorDef("risk_adjusted_profit", "风险调整后利润", "risk-adjusted profit", "yuan"),
            IndicatorDef("economic_capital", "经济资本", "economic capital", "yuan"),
            IndicatorDef("raroc", "经济资本回报率", "RAROC", "ratio"),
            IndicatorDef("eva", "经济增加值", "economic value added", "yuan"),
        ),
        # 信号 (not a scheme's input: the period-end spike the ledger defers)
        IndicatorDef("spike_reversal", "时点冲高回落", "period-end spike reversed", "yuan", "signals"),
    )
}

#: the codes a scheme may read (every group but the signals)
SCHEME_CODES: frozenset[str] = frozenset(c for c, d in CATALOGUE.items() if d.group != "signals")


def of_group(group: Group) -> dict[str, IndicatorDef]:
    """The indicators one engine group computes, in catalogue order."""
    return {c: d for c, d in CATALOGUE.items() if d.group == group}


def name(code: str, lang: str = "zh") -> str:
    """An indicator's name in ``lang``; an unknown code (a custom indicator) is its own name."""
    found = CATALOGUE.get(code)
    return found.name(lang) if found is not None else code


def unit(code: str) -> str | None:
    return found.unit if (found := CATALOGUE.get(code)) is not None else None
