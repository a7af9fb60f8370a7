"""A slow, obvious, pure-Python (Decimal) reference for the balance indicators.

Day by day, account by account, exactly as the definitions read: convert the
balance to CNY at that day's rate (rounded half-up to the fen), find the
owners of that day, credit each its share, multiply by the spread of that
day's FTP rate. Nothing is reduced or bucketed; the engine must agree with it
to the fen.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from rmperf.core.periods import Period

Key = tuple[str, str, str]  # owner_kind, owner_id, category


def _sum(src: dict[Key, Decimal], kind: str, owner: str, cats: tuple[str, ...]) -> Decimal:
    return sum((src.get((kind, owner, c), Decimal(0)) for c in cats), Decimal(0))


def _fen(x: Decimal) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Reference:
    def __init__(self, rows: dict[str, list[dict[str, Any]]]) -> None:
        self.accounts = {a["account_id"]: a for a in rows["accounts"]}
        self.customers = {c["customer_id"]: c for c in rows["customers"]}
        self.assignments = rows["assignments"]
        self.ftp = rows["ftp_rates"]
        self.fx: dict[str, list[tuple[date, Decimal]]] = defaultdict(list)
        for r in rows["fx_rates"]:
            self.fx[r["currency"]].append((r["date"], Decimal(r["cny_per_unit"])))
        self.by_day: dict[date, list[tuple[str, Decimal]]] = defaultdict(list)
        for b in rows["balances"]:
            self.by_day[b["date"]].append((b["account_id"], Decimal(b["balance"])))

    def cny(self, account_id: str, amount: Decimal, day: date) -> Decimal:
        currency = self.accounts[account_id]["currency"]
        if currency == "CNY":
            return amount
        rate = max((r for r in self.fx[currency] if r[0] <= day), key=lambda r: r[0])[1]
        return _fen(amount * rate)

    def owners(self, account_id: str, day: date) -> list[tuple[str, str, Decimal]]:
        def valid(s: dict[str, Any]) -> bool:
            return s["valid_from"] <= day and (s["valid_to"] is None or s["valid_to"] > day)

        account = self.accounts[account_id]
        rows = [s for s in self.assignments if s["account_id"] == account_id and valid(s)]
        if not rows:
            rows = [
                s
                for s in self.assignments
                if s["account_id"] is None and s["customer_id"] == account["customer_id"] and valid(s)
            ]
        result = [("rm", s["rm_id"], Decimal(s["share"])) for s in rows]
        rest = 1 - sum((Decimal(s["share"]) for s in rows), Decimal(0))
        if rest > 0:
            result.append(("pool", self.customers[account["customer_id"]]["org_id"], rest))
        return result

    def spread(self, account_id: str, day: date) -> Decimal | None:
        account = self.accounts[account_id]
        if account["category"] == "wealth":
            return None
        candidates = [
            f
            for f in self.ftp
            if f["product"] == account["product"]
            and (f["term_months"] is None or f["term_months"] == account["term_months"])
            and f["valid_from"] <= day
        ]
        if not candidates:
            return None
        best = min(candidates, key=lambda f: (f["term_months"] is None, -f["valid_from"].toordinal()))
        ftp = Decimal(best["rate"])
        rate = Decimal(account["rate"] or 0)
        return ftp - rate if account["category"] == "deposit" else rate - ftp

    def compute(self, period: Period, basis: int = 365) -> dict[tuple[str, str, str, str], Decimal]:
        """(owner_kind, owner_id, indicator, category) -> value, for the categories and ``all``."""
        with localcontext() as ctx:
            ctx.prec = 60
            jishu: dict[Key, Decimal] = defaultdict(Decimal)
            spread_j: dict[Key, Decimal] = defaultdict(Decimal)
            day = period.start
            while day <= period.end:
                for account_id, balance in self.by_day.get(day, []):
                    value = self.cny(account_id, balance, day)
                    category = self.accounts[account_id]["category"]
                    s = self.spread(account_id, day)
                    for kind, owner, share in self.owners(account_id, day):
                        jishu[(kind, owner, category)] += value * share
                        if s is not None:
                            spread_j[(kind, owner, category)] += value * share * s
                day += timedelta(days=1)

            def point_at(when: date) -> dict[Key, Decimal]:
                out: dict[Key, Decimal] = defaultdict(Decimal)
                for account_id, balance in self.by_day.get(when, []):
                    value = self.cny(account_id, balance, when)
                    for kind, owner, share in self.owners(account_id, period.end):
                        out[(kind, owner, self.accounts[account_id]["category"])] += value * share
                return out

            point = point_at(period.end)
            base_day = period.year_start - timedelta(days=1)
            if base_day not in self.by_day:
                base_day = period.year_start
            base = point_at(base_day)
            owners = {(k, o) for k, o, _ in (*jishu, *point, *base)}
            result: dict[tuple[str, str, str, str], Decimal] = {}
            for kind, owner in owners:
                for category in ("deposit", "loan", "wealth", "all"):
                    cats = ("deposit", "loan", "wealth") if category == "all" else (category,)
                    j, p, bp = (_sum(src, kind, owner, cats) for src in (jishu, point, base))
                    put = result.__setitem__
                    put((kind, owner, "accumulated_balance", category), _fen(j))
                    put((kind, owner, "daily_average", category), _fen(j / period.days))
                    put((kind, owner, "point_balance", category), _fen(p))
                    put((kind, owner, "baseline_point", category), _fen(bp))
                    put((kind, owner, "point_increment", category), _fen(p - bp))
                    put((kind, owner, "baseline_daily_average", category), _fen(bp))
                    put((kind, owner, "daily_average_increment", category), _fen(j / period.days - bp))
                    if category != "wealth":
                        sj = _sum(spread_j, kind, owner, tuple(c for c in cats if c != "wealth"))
                        put((kind, owner, "ftp_profit", category), _fen(sj / basis))
                dep_w = ("deposit", "wealth")
                aum = sum((point.get((kind, owner, c), Decimal(0)) for c in dep_w), Decimal(0))
                base_aum = sum((base.get((kind, owner, c), Decimal(0)) for c in dep_w), Decimal(0))
                result[(kind, owner, "aum", "all")] = _fen(aum)
                result[(kind, owner, "aum_increment", "all")] = _fen(aum - base_aum)
            return result
