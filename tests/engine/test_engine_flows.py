"""Money-flow and customer indicators: by hand on a readable package, conservation on the demo bank, two engines.

The hand package is tests/pkgbuilder.minimal_tables() plus the optional
tables and a few accounts and customers (``flow_tables`` below); every
expected figure has its arithmetic in a comment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from rmperf.core.periods import Period
from rmperf.engine.backend import DuckDBBackend
from rmperf.engine.flows import FlowParams, FlowResult, compute_flow_indicators
from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import Rows, minimal_tables, write_package

# the store's catalog is in the (test) application database
pytestmark = pytest.mark.django_db

RM1, RM2, RM3 = ("rm", "0001"), ("rm", "0002"), ("rm", "0003")
POOL_S2 = ("pool", "S2")
S1, S2, B1, H = ("org", "S1"), ("org", "S2"), ("org", "B1"), ("org", "H")


def flow_tables() -> dict[str, Rows]:
    """minimal_tables() plus the optional tables and the accounts and customers the cases need.

    Owners (see minimal_tables): C1 = 0001 manage 0.6 + 0002 share 0.4 (home S1);
    C2 = 0002 until 1 Jan, 0001 from 2 Jan (S1); C3 = 0003 (S2). Added: C4 (S2, no
    assignment: public pool), C5 (S1, 0001 and 0002 both manage 0.5), account-level
    row A4 → 0003 (share 1).
    """
    t = minimal_tables()
    t["customers"] += [
        {"customer_id": "C4", "kind": "personal", "org_id": "S2"},
        {"customer_id": "C5", "kind": "corporate", "org_id": "S1"},
    ]

    def account(aid: str, cid: str, category: str, product: str, opened: str) -> dict[str, str]:
        return {
            "account_id": aid,
            "customer_id": cid,
            "category": category,
            "product": product,
            "currency": "CNY",
            "opened_on": opened,
        }

    t["accounts"] += [
        account("A4", "C1", "wealth", "WM_FUND", "2024-03-01"),
        account("A5", "C1", "loan", "LOAN_PERSONAL", "2024-09-01"),
        account("A6", "C4", "deposit", "DEP_DEMAND", "2025-01-15"),
        account("A7", "C2", "deposit", "DEP_CORP_DEMAND", "2024-06-01"),
        account("A8", "C5", "deposit", "DEP_DEMAND", "2025-01-20"),
    ]
    t["assignments"] += [
        {"customer_id": "C1", "account_id": "A4", "rm_id": "0003", "share": "1", "valid_from": "2024-01-01"},
        {"customer_id": "C5", "rm_id": "0002", "share": "0.5", "valid_from": "2025-01-20"},
        {"customer_id": "C5", "rm_id": "0001", "share": "0.5", "valid_from": "2025-01-20"},
    ]
    t["balances"] += [
        {"date": "2025-01-01", "account_id": "A7", "balance": "200000.00"},
        {"date": "2025-01-31", "account_id": "A1", "balance": "100000.00"},
        {"date": "2025-01-31", "account_id": "A2", "balance": "498000.00"},
        {"date": "2025-01-31", "account_id": "A4", "balance": "250000.00"},
        {"date": "2025-01-31", "account_id": "A5", "balance": "10000.00"},
        {"date": "2025-01-31", "account_id": "A6", "balance": "600000.00"},
        {"date": "2025-01-31", "account_id": "A7", "balance": "200000.00"},
        {"date": "2025-01-31", "account_id": "A8", "balance": "50000.00"},
    ]

    def fee(day: str, cid: str, product: str, amount: str, currency: str = "CNY", **kw: str) -> dict[str, str]:
        return {"date": day, "customer_id": cid, "product": product, "amount": amount, "currency": currency, **kw}

    t["fees"] = [
        fee("2025-01-10", "C1", "agency", "100.00"),  # C1's customer rows: 0001 60.00, 0002 40.00
        fee("2025-01-15", "C2", "guarantee", "250.00", rm_id="0003"),  # rm_id: 0003 100 %
        fee("2025-01-05", "C1", "wealth_agency", "33.33", account_id="A4"),  # account-level row: 0003
        fee("2025-01-03", "C3", "fx", "10.55", "USD"),  # x 7.1879 (2 Jan rate) = 75.832345 → 75.83, 0003
        fee("2025-01-01", "C2", "acceptance", "80.00"),  # C2 still 0002's on 1 Jan
        fee("2025-01-25", "C4", "advisory", "12.34"),  # no owner: pool S2
        fee("2025-02-01", "C1", "agency", "999.00"),  # outside January
    ]
    t["loan_grades"] = [
        {"date": "2024-12-31", "account_id": "A2", "grade": "normal"},
        {"date": "2025-01-31", "account_id": "A2", "grade": "substandard"},
        {"date": "2025-02-28", "account_id": "A2", "grade": "loss"},  # after January's end
    ]
    t["loan_interest"] = [
        {"month": "2024-11", "account_id": "A2", "due": "100.00", "received": "100.00"},  # arrears 0
        {"month": "2024-12", "account_id": "A2", "due": "100.00", "received": "40.00"},  # arrears 60
        {"month": "2025-01", "account_id": "A2", "due": "100.00", "received": "130.00"},  # recovers 30 → 30
        {"month": "2025-02", "account_id": "A2", "due": "100.00", "received": "0.00"},  # new 100 → 130
        {"month": "2025-03", "account_id": "A2", "due": "100.00", "received": "250.00"},  # recovers 130 → 0
        {"month": "2025-01", "account_id": "A5", "due": "50.00", "received": "20.00"},  # new 30 → 30
    ]
    t["expenses"] = [
        {"month": "2025-01", "amount": "500.00", "kind": "marketing", "rm_id": "0001"},
        {"month": "2025-01", "amount": "1000.00", "kind": "allocated_cost", "org_id": "S1"},
        {"month": "2025-01", "amount": "300.00", "kind": "allocated_cost", "org_id": "B1"},
        {"month": "2025-01", "amount": "7.00", "kind": "marketing"},  # nobody bears it: a note
        {"month": "2025-02", "amount": "999.00", "kind": "marketing", "rm_id": "0001"},
    ]

    def card(cid: str, customer: str, kind: str, issued: str, rm: str, quality: str) -> dict[str, str]:
        return {
            "card_id": cid,
            "customer_id": customer,
            "kind": kind,
            "issued_on": issued,
            "rm_id": rm,
            "quality": quality,
        }

    t["cards"] = [
        card("K1", "C1", "debit", "2025-01-05", "0001", "false"),
        card("K2", "C1", "credit", "2025-01-20", "0002", "true"),
        card("K3", "C3", "debit", "2025-01-10", "0003", "true"),
        card("K4", "C2", "debit", "2024-12-20", "0002", "false"),  # issued last year
        card("K5", "C4", "credit", "2025-02-03", "0002", "false"),
    ]
    t["card_activity"] = [
        {"month": "2025-01", "card_id": "K1", "txn_count": "6"},
        {"month": "2025-02", "card_id": "K1", "txn_count": "4"},
        {"month": "2025-03", "card_id": "K1", "txn_count": "5"},
        {"month": "2025-01", "card_id": "K2", "txn_count": "2"},
        {"month": "2025-02", "card_id": "K3", "txn_count": "3"},
        {"month": "2025-01", "card_id": "K4", "txn_count": "9"},
        {"month": "2025-02", "card_id": "K5", "txn_count": "10"},
        {"month": "2025-03", "card_id": "K5", "txn_count": "1"},
    ]
    return t


@pytest.fixture(scope="module")
def hand_home(import_home: Callable[[str, Path], Home], tmp_path_factory: pytest.TempPathFactory) -> Home:
    return import_home("flows-hand", write_package(tmp_path_factory.mktemp("flows-pkg") / "pkg", flow_tables()))


def run(home: Home, label: str, params: FlowParams | None = None) -> FlowResult:
    return compute_flow_indicators(DuckDBBackend(FactStore(home)), Period.parse(label), params)


def D(text: str | int) -> Decimal:
    return Decimal(text)


def test_fee_income_by_hand(hand_home: Home) -> None:
    r = run(hand_home, "2025-01")
    assert r.get(RM1, "fee_income", "agency") == D("60.00")  # 100.00 x 0.6
    assert r.get(RM1, "fee_income") == D("60.00")
    assert r.get(RM2, "fee_income", "agency") == D("40.00")  # 100.00 x 0.4 (a share row splits money)
    assert r.get(RM2, "fee_income", "acceptance") == D("80.00")
    assert r.get(RM2, "fee_income") == D("120.00")
    assert r.get(RM3, "fee_income", "guarantee") == D("250.00")  # rm_id credits directly
    assert r.get(RM3, "fee_income", "wealth_agency") == D("33.33")  # the account's own row wins
    assert r.get(RM3, "fee_income", "fx") == D("75.83")  # 10.55 USD x 7.1879 = 75.832345
    assert r.get(RM3, "fee_income") == D("359.16")  # 250 + 33.33 + 75.83
    assert r.get(POOL_S2, "fee_income", "advisory") == D("12.34")
    assert r.get(S1, "fee_income") == D("180.00")  # 60 + 120
    assert r.get(S2, "fee_income") == D("371.50")  # 359.16 + 12.34
    assert r.get(H, "fee_income") == D("551.50")  # 999.00 of February left out


def test_deductions_by_hand(hand_home: Home) -> None:
    r = run(hand_home, "2025-01")
    # A2: 498000.00 x 25 % (substandard on 31 Jan; February's 'loss' is after the end) → 0001 (C2 from 2 Jan)
    assert r.get(RM1, "loan_loss_provision", "substandard") == D("124500.00")
    # A5 has no grade: normal 1 % of 10000.00 = 100.00, split 0.6 / 0.4
    assert r.get(RM1, "loan_loss_provision", "normal") == D("60.00")
    assert r.get(RM2, "loan_loss_provision", "normal") == D("40.00")
    assert r.get(RM1, "loan_loss_provision") == D("124560.00")
    assert "ungraded_loans_as_normal:1" in r.notes
    stricter = FlowParams(
        provision_rates=(
            ("normal", D("0.01")),
            ("special_mention", D("0.02")),
            ("substandard", D("0.30")),
            ("doubtful", D("0.5")),
            ("loss", D("1")),
        )
    )
    assert run(hand_home, "2025-01", stricter).get(RM1, "loan_loss_provision", "substandard") == D("149400.00")

    # January. A2 (0001): arrears 60 from December, 130 received on 100 due recovers 30.
    # A5 (0.6 / 0.4): 30 new. 0001: new 18, recovered 30, net -12; 0002: new 12, net 12.
    assert r.get(RM1, "unpaid_interest_new") == D("18.00")
    assert r.get(RM1, "unpaid_interest_recovered") == D("30.00")
    assert r.get(RM1, "unpaid_interest_net") == D("-12.00")
    assert r.get(RM2, "unpaid_interest_new") == D("12.00")
    assert r.get(RM2, "unpaid_interest_recovered") == D("0.00")
    assert r.get(RM2, "unpaid_interest_net") == D("12.00")
    assert r.get(RM3, "unpaid_interest_net") == D("0.00")  # present table: a real zero
    # Q1. A2: Jan recovers 30 (60 → 30), Feb adds 100 (→ 130), Mar's 250 on 100 due recovers the 130
    # (the 20 beyond the arrears recover nothing). new 100, recovered 160, net -60 = 0 - 60.
    q1 = run(hand_home, "2025-Q1")
    assert q1.get(RM1, "unpaid_interest_new") == D("118.00")  # 100 + 18
    assert q1.get(RM1, "unpaid_interest_recovered") == D("160.00")
    assert q1.get(RM1, "unpaid_interest_net") == D("-42.00")  # -60 + 18
    assert q1.get(H, "unpaid_interest_net") == D("-30.00")  # -60 + 30

    # expenses: rm rows to the RM, org rows to the org and its ancestors
    assert r.get(RM1, "expenses", "marketing") == D("500.00")
    assert r.get(RM2, "expenses") == D("0.00")
    assert r.get(S1, "expenses", "allocated_cost") == D("1000.00")
    assert r.get(S1, "expenses") == D("1500.00")  # 500 (0001 is in S1) + 1000
    assert r.get(S2, "expenses") == D("0.00")
    assert r.get(B1, "expenses", "allocated_cost") == D("1300.00")  # 1000 + 300
    assert r.get(H, "expenses") == D("1800.00")  # 500 + 1000 + 300; the 7.00 nobody bears is a note
    assert "unassigned_expenses:1" in r.notes


def test_cards_by_hand(hand_home: Home) -> None:
    jan = run(hand_home, "2025-01")
    assert jan.get(RM1, "cards_issued", "debit") == D(1)
    assert jan.get(RM2, "cards_issued", "credit") == D(1)  # K4 was issued last year
    assert jan.get(RM2, "cards_issued_weighted") == D("1.50")  # K2 is a quality card
    assert jan.get(RM1, "cards_issued_weighted") == D("1.00")
    assert jan.get(B1, "cards_issued_weighted") == D("4.00")  # 1 + 1.5 + 1.5
    # January: K1 (6 transactions) busy, K2 (2) active; K3 first used in February; K4 issued last year
    assert jan.get(RM1, "active_cards", "debit") == D(1)
    assert jan.get(RM1, "active_cards_5plus") == D(1)
    assert jan.get(RM2, "active_cards", "credit") == D(1)
    assert jan.get(RM2, "active_cards_5plus") == D(0)
    assert jan.get(RM3, "active_cards") == D(0)
    # C1 has two new active cards; it counts once, for the seller of the earlier one (K1: 0001)
    assert jan.get(RM1, "active_customers") == D(1)
    assert jan.get(RM1, "active_customers_5plus") == D(1)
    assert jan.get(RM2, "active_customers") == D(0)
    assert jan.get(H, "active_customers") == D(1)

    q1 = run(hand_home, "2025-Q1")
    # K1: 6 + 4 + 5 = 15 over 3 months = 5 a month → busy (≥ 5); K3: 3 over Jan–Mar, not busy;
    # K5 (issued in Feb): 10 + 1 = 11 over Feb–Mar = 5.5 a month → busy
    assert q1.get(RM1, "active_cards_5plus") == D(1)
    assert q1.get(RM3, "active_cards") == D(1)
    assert q1.get(RM3, "active_cards_5plus") == D(0)
    assert q1.get(RM2, "active_cards") == D(2)  # K2 and K5
    assert q1.get(RM2, "active_cards_5plus") == D(1)
    assert q1.get(RM2, "active_customers") == D(1)  # C4 via K5
    assert q1.get(H, "active_customers") == D(3)  # C1, C3, C4
    # February: a card first used in January is not new again
    feb = run(hand_home, "2025-02")
    assert feb.get(RM1, "active_cards") == D(0)
    assert feb.get(RM3, "active_cards") == D(1)


def test_customers_by_hand(hand_home: Home) -> None:
    r = run(hand_home, "2025-01")
    # no balances on 31 Dec 2024: the baseline is 1 January (D18)
    assert "baseline_day_fallback:2024-12-31->2025-01-01" in r.notes
    # C1: 100000 (A1) + 250000 (A4 wealth) = 350000 at the end, 1000 at the start → 30–50万, manage owner 0001
    # (0002's row is a share row, and A4's account-level row does not make 0003 the service owner)
    assert r.get(RM1, "new_vip_customers", "300000-500000") == D(1)
    assert r.get(RM3, "new_vip_customers") == D(0)
    # C4: 600000 new, nobody assigned → the public pool of S2
    assert r.get(POOL_S2, "new_vip_customers", "500000+") == D(1)
    # C2: 200000 at both ends: in the 10–30万 tier, but already there at the start → not new
    assert r.get(RM1, "new_vip_customers", "100000-300000") is None
    assert r.get(H, "new_vip_customers") == D(2)
    # new customers: C4 (first account 15 Jan, pool) and C5 (20 Jan; two manage rows of 0.5 → smallest rm_id)
    assert r.get(POOL_S2, "new_customers", "personal") == D(1)
    assert r.get(RM1, "new_customers", "corporate") == D(1)
    assert r.get(RM2, "new_customers") == D(0)
    assert r.get(B1, "new_customers") == D(2)
    # churn: C3's USD account (1441.27 CNY on 1 Jan) closed on 2 Jan → 0 at the end
    assert r.get(RM3, "churned_customers", "personal") == D(1)
    assert r.get(H, "churned_customers") == D(1)


def test_missing_optional_tables_are_notes_not_zeros(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    assert import_package(write_package(tmp_path / "pkg", minimal_tables()), home).status == "committed"
    r = run(home, "2025-01")
    for table in ("fees", "loan_grades", "loan_interest", "expenses", "cards", "card_activity"):
        assert f"missing_table:{table}" in r.notes
    indicators = {v.indicator for v in r.values}
    assert indicators.isdisjoint({"fee_income", "loan_loss_provision", "unpaid_interest_net", "expenses"})
    assert indicators.isdisjoint({"cards_issued", "active_cards", "active_customers"})
    assert r.get(RM1, "fee_income") is None
    # the period end has no balances in this package: VIP and churn are left out, said so
    assert "missing_balances_day:2025-01-31" in r.notes
    assert "churned_customers" not in indicators
    assert "new_customers" in indicators


def test_params_are_checked() -> None:
    with pytest.raises(ValueError, match="grades"):
        FlowParams(provision_rates=(("normal", D("0.01")),))
    with pytest.raises(ValueError, match="highest first"):
        FlowParams(vip_floors=(D(100000), D(500000)))
    with pytest.raises(ValueError, match="threshold"):
        FlowParams(active_txn_threshold=0)
    assert [t[0] for t in FlowParams().vip_tiers()] == ["500000+", "300000-500000", "100000-300000"]


# ---- the demo bank: conservation against plain Decimal sums of the raw rows ------


@pytest.fixture(scope="module")
def tiny_home(import_home: Callable[[str, Path], Home], tiny_package: Path) -> Home:
    return import_home("flows-tiny", tiny_package)


def _rows(backend: DuckDBBackend, table: str) -> list[dict[str, Any]]:
    cur = backend.con.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _fen(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def test_demo_bank_totals_match_plain_sums(tiny_home: Home, django_db_blocker: Any) -> None:
    """Every owner's share adds up to the whole: the head office's figure is the bank's total.

    The reference walks the raw rows with obvious Decimal code (the arrears
    recursion month by month, FX rate looked up per fee) and never touches
    the assignments; shares are exact, so the head office total is the plain
    total rounded once.
    """
    period = Period.parse("2025-Q1")
    with django_db_blocker.unblock():
        backend = DuckDBBackend(FactStore(tiny_home))
    result = compute_flow_indicators(backend, period)
    head = next(o for o in _rows(backend, "orgs") if not o["parent_id"])["org_id"]
    accounts = {a["account_id"]: a for a in _rows(backend, "accounts")}
    fx = sorted((r["currency"], r["date"], r["cny_per_unit"]) for r in _rows(backend, "fx_rates"))

    def rate(currency: str, day: date) -> Decimal:
        return Decimal([r for c, d, r in fx if c == currency and d <= day][-1])

    fees = Decimal(0)
    for f in _rows(backend, "fees"):
        if period.contains(f["date"]):
            cny = f["amount"] if f["currency"] == "CNY" else _fen(f["amount"] * rate(f["currency"], f["date"]))
            fees += cny
    assert result.get(("org", head), "fee_income") == _fen(fees)

    # unpaid interest: arrears carried forward month by month
    by_loan: dict[str, list[tuple[str, Decimal, Decimal]]] = defaultdict(list)
    for li in _rows(backend, "loan_interest"):
        by_loan[li["account_id"]].append((li["month"], li["due"], li["received"]))
    assert {accounts[a]["currency"] for a in by_loan} == {"CNY"}  # the demo's loans are in yuan
    new = recovered = Decimal(0)
    for loan_rows in by_loan.values():
        arrears = Decimal(0)
        for month, due, received in sorted(loan_rows):
            if month > "2025-03":
                continue
            shortfall = max(due - received, Decimal(0))
            recovery = min(max(received - due, Decimal(0)), arrears)
            arrears += shortfall - recovery
            if month >= "2025-01":
                new, recovered = new + shortfall, recovered + recovery
    assert result.get(("org", head), "unpaid_interest_new") == _fen(new)
    assert result.get(("org", head), "unpaid_interest_recovered") == _fen(recovered)
    assert result.get(("org", head), "unpaid_interest_net") == _fen(new - recovered)

    expenses = sum(
        (e["amount"] for e in _rows(backend, "expenses") if "2025-01" <= e["month"] <= "2025-03"), Decimal(0)
    )
    assert result.get(("org", head), "expenses") == _fen(expenses)

    cards = [c for c in _rows(backend, "cards") if period.contains(c["issued_on"])]
    assert result.get(("org", head), "cards_issued") == Decimal(len(cards))
    weighted = sum((Decimal("1.5") if c["quality"] else Decimal(1) for c in cards), Decimal(0))
    assert result.get(("org", head), "cards_issued_weighted") == weighted

    # every RM and org has a figure for every indicator's 'all' (zeros included)
    rms = {m["rm_id"] for m in _rows(backend, "managers")}
    for code in ("fee_income", "expenses", "cards_issued", "new_customers", "unpaid_interest_net"):
        assert {v.owner_id for v in result.values if v.owner_kind == "rm" and v.indicator == code} == rms
