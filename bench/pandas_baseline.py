"""A straightforward pandas implementation of the balance indicators, day by day.

The benchmark's comparison point (not product code: it uses float64, as
such scripts usually do). For each day: that day's balances, merged with
accounts, the day's FX rates, the owners in force that day and the FTP rate
in force that day; accumulate 积数 and the FTP spread product per owner and
category.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd


def balance_indicators(files: dict[str, list[Path]], start: date, end: date) -> pd.DataFrame:
    """Per (owner_kind, owner_id, category): jishu and spread_jishu over [start, end]."""
    read = lambda t: pd.concat([pd.read_parquet(f) for f in files[t]], ignore_index=True)  # noqa: E731
    accounts = read("accounts")
    customers = read("customers")[["customer_id", "org_id"]]
    assignments = read("assignments")
    ftp = read("ftp_rates")
    fx = read("fx_rates").sort_values("date")
    accounts = accounts.merge(customers, on="customer_id")
    accounts["rate"] = accounts["rate"].astype("float64").fillna(0.0)
    ftp["rate"] = ftp["rate"].astype("float64")
    fx["cny_per_unit"] = fx["cny_per_unit"].astype("float64")
    assignments["share"] = assignments["share"].astype("float64")
    totals: list[pd.DataFrame] = []
    month_cache: dict[str, pd.DataFrame] = {}
    day = start
    while day <= end:
        month = day.strftime("%Y-%m")
        if month not in month_cache:
            month_cache.clear()
            parts = [f for f in files["balances"] if f"month={month}" in str(f)]
            frame = pd.concat([pd.read_parquet(f) for f in parts], ignore_index=True) if parts else pd.DataFrame()
            if not frame.empty:
                frame["balance"] = frame["balance"].astype("float64")
            month_cache[month] = frame
        frame = month_cache[month]
        if not frame.empty:
            totals.append(_one_day(frame[frame["date"] == day], day, accounts, assignments, ftp, fx))
        day += timedelta(days=1)
    result = pd.concat(totals).groupby(["owner_kind", "owner_id", "category"], as_index=False).sum()
    return result


def _one_day(
    bal: pd.DataFrame,
    day: date,
    accounts: pd.DataFrame,
    assignments: pd.DataFrame,
    ftp: pd.DataFrame,
    fx: pd.DataFrame,
) -> pd.DataFrame:
    b = bal.merge(accounts, on="account_id")
    rates = fx[fx["date"] <= day].groupby("currency")["cny_per_unit"].last()
    factor = b["currency"].map(rates).fillna(1.0)
    b["cny"] = np.where(b["currency"] == "CNY", b["balance"], np.round(b["balance"] * factor, 2))
    in_force = (assignments["valid_from"] <= day) & (assignments["valid_to"].isna() | (assignments["valid_to"] > day))
    valid = assignments[in_force]
    by_account = valid[valid["account_id"].notna()]
    by_customer = valid[valid["account_id"].isna()].drop(columns=["account_id"])
    own_a = b.merge(by_account[["account_id", "rm_id", "share"]], on="account_id")
    rest = b[~b["account_id"].isin(by_account["account_id"])]
    own_c = rest.merge(by_customer[["customer_id", "rm_id", "share"]], on="customer_id")
    owned = pd.concat([own_a, own_c], ignore_index=True)
    owned["owner_kind"] = "rm"
    owned = owned.rename(columns={"rm_id": "owner_id"})
    taken = owned.groupby("account_id")["share"].sum()
    pool = b.copy()
    pool["share"] = 1.0 - pool["account_id"].map(taken).fillna(0.0)
    pool = pool[pool["share"] > 0]
    pool["owner_kind"] = "pool"
    pool["owner_id"] = pool["org_id"]
    everyone = pd.concat([owned, pool], ignore_index=True)
    live = ftp[ftp["valid_from"] <= day].sort_values("valid_from")
    exact = live[live["term_months"].notna()].groupby(["product", "term_months"], as_index=False)["rate"].last()
    anyterm = live[live["term_months"].isna()].groupby("product")["rate"].last()
    everyone = everyone.merge(exact.rename(columns={"rate": "ftp_exact"}), on=["product", "term_months"], how="left")
    f_rate = everyone["ftp_exact"].fillna(everyone["product"].map(anyterm))
    spread = np.where(
        everyone["category"] == "deposit",
        f_rate - everyone["rate"],
        np.where(everyone["category"] == "loan", everyone["rate"] - f_rate, np.nan),
    )
    everyone["jishu"] = everyone["cny"] * everyone["share"]
    everyone["spread_jishu"] = everyone["jishu"] * spread
    return everyone.groupby(["owner_kind", "owner_id", "category"], as_index=False)[["jishu", "spread_jishu"]].sum()
