"""Accounts (账户): deposits, loans and wealth products, with their rates.

Each customer draws a set of products by kind and segment; every account
gets an opening day (before or during the year), maybe a closing day, a
contract rate (annual fraction), a term in months and a size in units of
the account currency (``amount``: the principal of a loan or time
deposit, the typical balance of a demand account or fund holding).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rmperf import contract
from rmperf.demo.dates import OPEN_END, Horizon, IntArray, add_months, epoch_day, iso_dates
from rmperf.demo.reference import (
    CORPORATE_CUSTOMER,
    INTERBANK,
    LARGE,
    PERSONAL,
    BoolArray,
    Customers,
    Orgs,
)
from rmperf.demo.writers import Columns, decimal_text, int_text, pick

FloatArray = npt.NDArray[np.float64]

DEPOSIT, LOAN, WEALTH = 0, 1, 2  # indices into contract.ACCOUNT_CATEGORIES
#: how a balance moves day to day (see rmperf.demo.balances)
DEMAND, FIXED, FUND, AMORT, BULLET, SEASONAL = range(6)
CURRENCIES = ("CNY", "USD", "HKD", "EUR")
TIME_TERMS = (3, 6, 12, 24, 36, 60)
#: contract rate range (annual fraction) of a time deposit by term in months
TIME_RATES = {
    3: (0.0110, 0.0125),
    6: (0.0125, 0.0145),
    12: (0.0140, 0.0160),
    24: (0.0150, 0.0175),
    36: (0.0175, 0.0200),
    60: (0.0180, 0.0220),
}
#: size multiplier of a customer segment (mass, affluent, private, sme, large, interbank)
SEGMENT_SCALE = np.array([1.0, 8.0, 40.0, 1.0, 6.0, 1.0])


@dataclass(frozen=True)
class Product:
    """A product code and how its accounts look.

    ``median`` is the median account size in account-currency units (yuan
    for CNY), ``sigma`` the log-normal spread, ``guide`` the loan pricing
    guideline (annual fraction), ``p_old`` the chance that an existing
    customer's account was opened before the year.
    """

    code: str
    category: int
    behaviour: int
    median: float
    sigma: float
    p_old: float
    terms: tuple[int, ...] = ()
    term_p: tuple[float, ...] = ()
    guide: float = float("nan")


PRODUCTS = (
    Product("DEP_DEMAND", DEPOSIT, DEMAND, 6_000, 1.3, 0.95),
    Product("DEP_TIME", DEPOSIT, FIXED, 40_000, 1.0, 0.75, TIME_TERMS, (0.1, 0.15, 0.35, 0.2, 0.15, 0.05)),
    Product("DEP_CORP_DEMAND", DEPOSIT, DEMAND, 400_000, 1.4, 0.9),
    Product("DEP_CORP_TIME", DEPOSIT, FIXED, 1_500_000, 1.0, 0.75, TIME_TERMS, (0.15, 0.2, 0.35, 0.15, 0.1, 0.05)),
    Product("DEP_FX_DEMAND", DEPOSIT, DEMAND, 4_000, 1.2, 0.9),
    Product("DEP_IB", DEPOSIT, DEMAND, 30_000_000, 0.8, 1.0),
    Product(
        "LOAN_MORTGAGE", LOAN, AMORT, 450_000, 0.5, 0.9, (120, 180, 240, 300, 360), (0.1, 0.2, 0.3, 0.2, 0.2), 0.0330
    ),
    Product("LOAN_PERSONAL", LOAN, AMORT, 80_000, 0.8, 0.47, (12, 24, 36), (0.5, 0.3, 0.2), 0.0450),
    Product("LOAN_AGRI", LOAN, SEASONAL, 60_000, 0.7, 0.6, (12, 24, 36), (0.7, 0.2, 0.1), 0.0450),
    Product("LOAN_CORP", LOAN, BULLET, 5_000_000, 1.0, 0.47, (12, 24, 36), (0.6, 0.25, 0.15), 0.0380),
    Product("LOAN_INCL_SME", LOAN, AMORT, 1_200_000, 0.8, 0.47, (12, 24, 36), (0.5, 0.3, 0.2), 0.0420),
    Product("WM_FUND", WEALTH, FUND, 60_000, 1.1, 0.7),
    Product("WM_INSURANCE", WEALTH, FIXED, 80_000, 0.9, 0.8),
    Product("WM_WMP", WEALTH, FIXED, 100_000, 1.0, 0.6, (3, 6, 12), (0.3, 0.4, 0.3)),
)
PRODUCT_INDEX = {p.code: i for i, p in enumerate(PRODUCTS)}


@dataclass(frozen=True)
class Accounts:
    """All accounts, sorted by customer; ``amount`` in account-currency units."""

    ids: list[str]
    customer: IntArray
    product: IntArray
    category: IntArray
    behaviour: IntArray
    currency: IntArray
    opened: IntArray
    closed: IntArray  # OPEN_END when not closed within the horizon
    rate: FloatArray  # NaN when none
    term: IntArray  # 0 when none
    guide: FloatArray  # NaN when none
    is_agri: BoolArray
    is_inclusive: BoolArray
    amount: FloatArray
    npl_month: IntArray  # month (0-based) the loan turns substandard, -1 never

    @property
    def count(self) -> int:
        return len(self.ids)

    def columns(self, customers: Customers) -> Columns:
        loan = self.category == LOAN
        closed = np.where(self.closed == OPEN_END, -1_000_000, self.closed)
        return {
            "account_id": self.ids,
            "customer_id": [customers.ids[c] for c in self.customer.tolist()],
            "category": pick(contract.ACCOUNT_CATEGORIES, self.category),
            "product": [PRODUCTS[p].code for p in self.product.tolist()],
            "currency": pick(CURRENCIES, self.currency),
            "opened_on": iso_dates(self.opened),
            "closed_on": iso_dates(closed),
            "rate": decimal_text(self.rate, 4),
            "term_months": int_text(self.term, blank=0),
            "guide_rate": decimal_text(self.guide, 4),
            "is_agri": pick(("false", "true"), np.where(loan, self.is_agri.astype(np.int64), -1)),
            "is_inclusive": pick(("false", "true"), np.where(loan, self.is_inclusive.astype(np.int64), -1)),
        }


def _draw_products(customers: Customers, orgs: Orgs, rng: np.random.Generator) -> tuple[IntArray, IntArray]:
    """Which customer holds which product: (customer index, product index) pairs."""
    n = customers.count
    kind, seg = customers.kind, customers.segment
    personal, corporate, interbank = kind == PERSONAL, kind == CORPORATE_CUSTOMER, kind == INTERBANK
    urban_like = orgs.region[customers.org] != 0
    rules: list[tuple[str, npt.NDArray[np.float64]]] = [
        ("DEP_DEMAND", personal * 1.0),
        ("DEP_TIME", personal * np.array([0.40, 0.70, 0.80, 0, 0, 0])[seg]),
        ("DEP_TIME", personal * np.array([0.10, 0.30, 0.45, 0, 0, 0])[seg]),
        ("DEP_CORP_DEMAND", corporate * 1.0),
        ("DEP_CORP_DEMAND", corporate * 0.25),
        ("DEP_CORP_TIME", corporate * np.where(seg == LARGE, 0.5, 0.25)),
        ("DEP_FX_DEMAND", np.array([0.005, 0.04, 0.15, 0.06, 0.30, 0.0])[seg]),
        ("DEP_IB", interbank * 1.0),
        ("DEP_IB", interbank * 0.5),
        ("LOAN_MORTGAGE", personal * np.where(urban_like, 0.07, 0.02)),
        ("LOAN_PERSONAL", personal * (0.04 + 0.5 * customers.is_inclusive)),
        ("LOAN_AGRI", (personal | corporate) * customers.is_agri * np.where(corporate, 0.6, 0.55)),
        ("LOAN_CORP", corporate * ~customers.is_inclusive * np.where(seg == LARGE, 0.7, 0.35)),
        ("LOAN_INCL_SME", corporate * customers.is_inclusive * 0.7),
        ("WM_FUND", personal * np.array([0.05, 0.35, 0.60, 0, 0, 0])[seg]),
        ("WM_INSURANCE", personal * np.array([0.03, 0.20, 0.40, 0, 0, 0])[seg]),
        ("WM_WMP", np.array([0.05, 0.40, 0.70, 0.0, 0.20, 0.0])[seg]),
    ]
    holders, products = [], []
    for code, probability in rules:
        chosen = np.flatnonzero(rng.random(n) < probability)
        holders.append(chosen)
        products.append(np.full(len(chosen), PRODUCT_INDEX[code], dtype=np.int64))
    customer = np.concatenate(holders)
    product = np.concatenate(products)
    order = np.lexsort((product, customer))
    return customer[order].astype(np.int64), product[order]


def _terms(product: IntArray, rng: np.random.Generator) -> IntArray:
    """Term in months of each account (0 = no term)."""
    term = np.zeros(len(product), dtype=np.int64)
    for index, spec in enumerate(PRODUCTS):
        if spec.terms:
            rows = np.flatnonzero(product == index)
            term[rows] = rng.choice(np.array(spec.terms), size=len(rows), p=np.array(spec.term_p))
    return term


def _rates(product: IntArray, term: IntArray, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    """Contract rate and loan guide rate (annual fractions, to the basis point)."""
    n = len(product)
    rate = np.full(n, np.nan)
    guide = np.full(n, np.nan)
    demand = np.isin(product, [PRODUCT_INDEX[c] for c in ("DEP_DEMAND", "DEP_CORP_DEMAND", "DEP_FX_DEMAND")])
    rate[demand] = rng.choice(np.array([0.0005, 0.0010, 0.0015]), size=int(demand.sum()), p=[0.3, 0.5, 0.2])
    interbank = product == PRODUCT_INDEX["DEP_IB"]
    rate[interbank] = rng.uniform(0.0120, 0.0160, int(interbank.sum()))
    timed = np.isin(product, [PRODUCT_INDEX["DEP_TIME"], PRODUCT_INDEX["DEP_CORP_TIME"]])
    for months, (lo, hi) in TIME_RATES.items():
        rows = timed & (term == months)
        rate[rows] = rng.uniform(lo, hi, int(rows.sum()))
    loans = np.flatnonzero(np.array([PRODUCTS[p].category == LOAN for p in product.tolist()], dtype=bool))
    guide[loans] = np.array([PRODUCTS[p].guide for p in product[loans].tolist()])
    # pricing deviation rate / guide - 1: mostly within ±5 %, one loan in eight outside
    deviation = np.clip(rng.normal(0.0, 0.022, len(loans)), -0.05, 0.05)
    wide = rng.random(len(loans)) < 0.125
    deviation[wide] = rng.choice([-1.0, 1.0], int(wide.sum())) * rng.uniform(0.06, 0.15, int(wide.sum()))
    rate[loans] = np.clip(guide[loans] * (1 + deviation), 0.03, 0.06)
    return np.round(rate, 4), guide


def _open_and_close(
    customer: IntArray,
    product: IntArray,
    term: IntArray,
    customers: Customers,
    hz: Horizon,
    rng: np.random.Generator,
) -> tuple[IntArray, IntArray, BoolArray]:
    """Opening and closing epoch days, and which agricultural loans are seasonal."""
    n = len(product)
    start, end = hz.start, hz.end
    p_old = np.array([PRODUCTS[p].p_old for p in product.tolist()])
    behaviour = np.array([PRODUCTS[p].behaviour for p in product.tolist()], dtype=np.int64)
    join, leave = customers.join_day[customer], customers.leave_day[customer]
    new_customer = join >= start
    lost = leave != OPEN_END
    old = ~new_customer & ((rng.random(n) < p_old) | lost)
    # a new customer's first account opens on the day they join
    first = np.ones(n, dtype=bool)
    first[1:] = customer[1:] != customer[:-1]
    in_year_from = np.where(new_customer, join, start)
    opened = in_year_from + (rng.random(n) * (end - in_year_from + 1)).astype(np.int64)
    opened = np.where(new_customer & first, join, opened)
    has_term = term > 0
    old_term_open = start - 1 - (rng.random(n) * np.maximum(term * 30, 1)).astype(np.int64)
    old_plain_open = join + (rng.random(n) * np.maximum(start - join, 1)).astype(np.int64)
    opened = np.where(old, np.where(has_term, old_term_open, np.minimum(old_plain_open, start - 1)), opened)

    # spring-ploughing loans (春耕贷款): drawn 1 Feb – 30 Apr, repaid 1 Sep – 30 Nov
    seasonal = (behaviour == SEASONAL) & (term == 12) & ~lost & ~new_customer
    feb1, may1, sep1 = (epoch_day(dt.date(hz.year, m, 1)) for m in (2, 5, 9))
    season_open = feb1 + (rng.random(n) * (min(may1, end + 1) - feb1)).astype(np.int64)
    opened = np.where(seasonal, season_open, opened)

    maturity = add_months(opened, term)
    closed = np.full(n, OPEN_END, dtype=np.int64)
    category = np.array([PRODUCTS[p].category for p in product.tolist()], dtype=np.int64)
    matures = has_term & (maturity >= start) & (maturity <= end)
    rolls_over = np.where(category == LOAN, 0.1, np.where(product == PRODUCT_INDEX["WM_WMP"], 0.5, 0.45))
    closed = np.where(matures & (rng.random(n) >= rolls_over), maturity, closed)
    lapsed = has_term & (maturity < start)  # an old contract past maturity: rolled over or extended
    closed = np.where(lapsed, OPEN_END, closed)
    season_close = sep1 + rng.integers(0, 91, n)
    closed = np.where(seasonal, np.where(season_close <= end, season_close, OPEN_END), closed)
    churn_p = np.where(behaviour == DEMAND, 0.025, np.where(behaviour == FUND, 0.08, 0.0))
    churned = rng.random(n) < churn_p
    churn_day = np.maximum(opened + 1, start) + (rng.random(n) * (end - start)).astype(np.int64)
    closed = np.where(churned & (churn_day <= end), np.minimum(closed, churn_day), closed)
    closed = np.minimum(closed, np.where(lost, leave, OPEN_END))
    closed = np.where(closed <= opened, OPEN_END, closed)
    return opened.astype(np.int64), closed.astype(np.int64), seasonal


def build_accounts(customers: Customers, orgs: Orgs, hz: Horizon, rng: np.random.Generator) -> Accounts:
    """Draw every customer's accounts with sizes, rates, terms and dates."""
    customer, product = _draw_products(customers, orgs, rng)
    n = len(product)
    term = _terms(product, rng)
    rate, guide = _rates(product, term, rng)
    opened, closed, seasonal = _open_and_close(customer, product, term, customers, hz, rng)
    category = np.array([PRODUCTS[p].category for p in product.tolist()], dtype=np.int64)
    behaviour = np.array([PRODUCTS[p].behaviour for p in product.tolist()], dtype=np.int64)
    behaviour = np.where((behaviour == SEASONAL) & ~seasonal, AMORT, behaviour)

    currency = np.zeros(n, dtype=np.int64)
    fx = product == PRODUCT_INDEX["DEP_FX_DEMAND"]
    currency[fx] = rng.choice([1, 2, 3], size=int(fx.sum()), p=[0.6, 0.25, 0.15])

    median = np.array([p.median for p in PRODUCTS])[product]
    sigma = np.array([p.sigma for p in PRODUCTS])[product]
    corporate = customers.kind[customer] == CORPORATE_CUSTOMER
    scale = SEGMENT_SCALE[customers.segment[customer]]
    scale = np.where(category == LOAN, np.sqrt(scale), scale)
    shared = np.isin(product, [PRODUCT_INDEX["DEP_FX_DEMAND"], PRODUCT_INDEX["WM_WMP"], PRODUCT_INDEX["LOAN_AGRI"]])
    scale = np.where(shared & corporate, scale * 20, scale)
    amount = np.clip(median * scale * np.exp(sigma * rng.standard_normal(n)), 10.0, 3e9)

    is_agri = product == PRODUCT_INDEX["LOAN_AGRI"]
    inclusive_customer = customers.is_inclusive[customer]
    is_inclusive = (product == PRODUCT_INDEX["LOAN_INCL_SME"]) | (
        np.isin(product, [PRODUCT_INDEX["LOAN_PERSONAL"], PRODUCT_INDEX["LOAN_AGRI"]]) & inclusive_customer
    )

    npl_month = np.full(n, -1, dtype=np.int64)
    loan = (category == LOAN) & (behaviour != SEASONAL) & (customers.leave_day[customer] == OPEN_END)
    # a loan made in the year goes bad three months after it is drawn at the earliest
    earliest = np.where(opened < hz.start, 1, hz.month_of(np.maximum(opened, hz.start)) + 3)
    eligible = loan & (earliest < hz.months)
    candidates = eligible & (rng.random(n) < 0.025)
    if eligible.any() and not candidates.any():  # at least one, even in a tiny bank
        candidates[np.flatnonzero(eligible)[0]] = True
    span = np.maximum(hz.months - earliest, 1)
    npl_month[candidates] = (earliest + (rng.random(n) * span).astype(np.int64))[candidates]
    closed = np.where(npl_month >= 0, OPEN_END, closed)
    behaviour = np.where(npl_month >= 0, BULLET, behaviour)

    return Accounts(
        ids=[f"A{i:09d}" for i in range(1, n + 1)],
        customer=customer,
        product=product,
        category=category,
        behaviour=behaviour,
        currency=currency,
        opened=opened,
        closed=closed,
        rate=rate,
        term=term,
        guide=guide,
        is_agri=is_agri,
        is_inclusive=is_inclusive,
        amount=np.round(amount, 2),
        npl_month=npl_month,
    )
