"""The engine's indicator codes, as the scheme checker knows them.

The scheme package is pure and does not import the engine; this is a copy of
the codes of ``rmperf.engine.export.indicator_defs()``. A test
(``tests/test_scheme_format.py``) fails when the two differ, so a new engine
indicator is added here in the same change. A caller that has the engine at
hand may pass its own list to ``load_scheme(indicators=…)``.
"""

from __future__ import annotations

#: code → unit, in the engine's order (balances, flows, quality)
ENGINE_INDICATORS: dict[str, str] = {
    "accumulated_balance": "yuan·days",
    "daily_average": "yuan",
    "point_balance": "yuan",
    "baseline_point": "yuan",
    "point_increment": "yuan",
    "baseline_daily_average": "yuan",
    "daily_average_increment": "yuan",
    "ftp_profit": "yuan",
    "aum": "yuan",
    "aum_increment": "yuan",
    "fee_income": "yuan",
    "loan_loss_provision": "yuan",
    "unpaid_interest_new": "yuan",
    "unpaid_interest_recovered": "yuan",
    "unpaid_interest_net": "yuan",
    "expenses": "yuan",
    "cards_issued": "count",
    "cards_issued_weighted": "count",
    "active_cards": "count",
    "active_cards_5plus": "count",
    "active_customers": "count",
    "active_customers_5plus": "count",
    "new_vip_customers": "count",
    "new_customers": "count",
    "churned_customers": "count",
    "wealth_matured_sales": "yuan",
    "inclusive_customers": "count",
    "new_loans": "yuan",
    "new_loan_count": "count",
    "new_loan_npl_ratio": "ratio",
    "npl_balance": "yuan",
    "npl_reduction": "yuan",
    "post_loan_check_rate": "ratio",
    "post_loan_checks_due": "count",
    "post_loan_checks_on_time": "count",
    "pricing_compliance_rate": "ratio",
    "pricing_compliance_rate_amount": "ratio",
    "first_time_borrowers": "count",
    "first_time_borrower_share": "ratio",
    "agri_loan_share": "ratio",
    "inclusive_loan_share": "ratio",
    "agri_loan_increment": "yuan",
    "inclusive_loan_increment": "yuan",
    "deposit_stickiness": "ratio",
    "visits": "count",
    "village_coverage": "ratio",
    "satisfaction": "score",
    "response_hours": "hours",
    "resolution_rate": "ratio",
    "recommendation_rate": "ratio",
    "violations": "count",
    "violation_points": "points",
    "veto": "count",
    "unrectified_violations": "count",
    "attendance_rate": "ratio",
    "task_completion_rate": "ratio",
    "expected_loss": "yuan",
    "risk_adjusted_profit": "yuan",
    "economic_capital": "yuan",
    "raroc": "ratio",
    "eva": "yuan",
}

ENGINE_CODES: frozenset[str] = frozenset(ENGINE_INDICATORS)
