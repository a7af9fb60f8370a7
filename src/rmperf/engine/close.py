"""The incremental daily close (日终): fold one day's balances into running accumulators.

``rmperf close --date D`` reads day D's balances only, converts them to CNY
(D16) and writes them as one small Parquet file under ``<home>/close/days``
(a file write, not an update of a large table). When a month's last day is
closed, the month's days are folded into per-account *segment* sums kept in
``<home>/close.duckdb``: one row per account and bucket, cut where the
full recompute cuts them (FTP changes for everyone, an account's own
assignment changes for that account only; D32) and at month starts. Month,
quarter, half-year and year-to-date figures then come from the segments and
the open month's day files (:class:`AccumulatorSource`) through the same
attribution SQL, without rescanning history; because a segment never spans
a change, the result equals the full recompute to the fen. Month-end days
and 1 January stay as files: they are the point balances (时点) and the
baseline a period can ask for.

The accumulators know what they were built from: every closed day keeps
the store's fingerprint of that day and the set of change days (breaks)
known at the time. A later import that restates a closed day, or an
assignment or FTP change back-dated into closed days, makes them stale;
reading them then fails with a clear message and ``rmperf close --rebuild``
recomputes them.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rmperf.engine.attribution import (
    JISHU,
    moving_sql,
    period_sums,
    point_balances,
)
from rmperf.engine.backend import Backend, DuckDBBackend
from rmperf.errors import UserError
from rmperf.home import Home

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS acc.segments (
    account_id VARCHAR NOT NULL, bucket DATE NOT NULL, jishu {JISHU} NOT NULL, days BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS acc.closed (
    day DATE PRIMARY KEY, fingerprint VARCHAR NOT NULL, breaks VARCHAR NOT NULL, store_version BIGINT);
CREATE TABLE IF NOT EXISTS acc.folded (month DATE PRIMARY KEY);
"""


class StaleAccumulators(UserError):
    """The accumulators no longer match the store: ``rmperf close --rebuild`` (a message of ``close.*``)."""


@dataclass(frozen=True)
class CloseResult:
    day: date
    rows: int
    status: str  # closed | unchanged


def _month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


class DailyClose:
    """The accumulators of one home, attached to a DuckDB backend as schema ``acc``."""

    def __init__(self, home: Home, backend: DuckDBBackend) -> None:
        self.home = home
        self.backend = backend
        self.path: Path = home.root / "close.duckdb"
        self.days_dir: Path = home.root / "close" / "days"
        backend.con.execute(f"ATTACH IF NOT EXISTS '{self.path}' AS acc")
        backend.con.execute(SCHEMA)

    # -- what the store says ------------------------------------------------------------
    def _fingerprint(self, day: date) -> str:
        """The store's fingerprint of ``day``'s balances (from the import catalog)."""
        return self.backend.store.fingerprints("balances", day.isoformat(), day.isoformat()).get(day.isoformat(), "")

    def _breaks(self, upto: date) -> list[date]:
        """Every day up to ``upto`` on which an assignment or an FTP rate changes."""
        rows = self.backend.query(
            f"""
            SELECT DISTINCT d FROM (
                SELECT valid_from AS d FROM ftp_rates
                UNION ALL SELECT valid_from FROM assignments
                UNION ALL SELECT valid_to FROM assignments WHERE valid_to IS NOT NULL
            ) WHERE d <= {_d(upto)} ORDER BY d
            """
        )
        return [r[0] for r in rows]

    @staticmethod
    def _breaks_key(breaks: list[date], upto: date) -> str:
        text = ",".join(d.isoformat() for d in breaks if d <= upto)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    # -- the day files ---------------------------------------------------------------------
    def day_file(self, day: date) -> Path:
        return self.days_dir / f"{day.isoformat()}.parquet"

    def days_sql(self, first: date, last: date) -> str:
        """A relation ``(date, account_id, balance)`` over the day files from ``first`` to ``last``."""
        files = [self.day_file(first + timedelta(days=i)) for i in range((last - first).days + 1)]
        files = [f for f in files if f.exists()]
        if not files:
            return (
                "(SELECT CAST(NULL AS DATE) AS date, CAST(NULL AS VARCHAR) AS account_id, "
                f"CAST(NULL AS {JISHU}) AS balance WHERE false)"
            )
        listing = ", ".join(f"'{f}'" for f in files)
        return f"read_parquet([{listing}])"

    # -- closing ---------------------------------------------------------------------------
    def closed_days(self) -> list[date]:
        return [r[0] for r in self.backend.query("SELECT day FROM acc.closed ORDER BY day")]

    def close(self, day: date) -> CloseResult:
        """Fold ``day``'s balances into the accumulators (idempotent)."""
        fingerprint = self._fingerprint(day)
        breaks = self._breaks(day)
        key = self._breaks_key(breaks, day)
        done = self.backend.query(f"SELECT fingerprint, breaks FROM acc.closed WHERE day = {_d(day)}")
        if done:
            if done[0] == (fingerprint, key):
                return CloseResult(day, 0, "unchanged")
            raise StaleAccumulators("close.restated", {"day": day})
        con = self.backend.con
        point_balances(self.backend, day, "close_day")
        self.days_dir.mkdir(parents=True, exist_ok=True)
        staged = self.days_dir / f".{day.isoformat()}.parquet.tmp"
        row = con.execute(
            f"COPY (SELECT {_d(day)} AS date, account_id, balance FROM close_day) TO '{staged}' (FORMAT parquet)"
        ).fetchone()
        rows = int(row[0]) if row else 0
        os.replace(staged, self.day_file(day))  # a reader sees the whole file or none
        if day == _month_end(day):
            self._fold(day.replace(day=1), day)
        con.execute("INSERT INTO acc.closed VALUES (?, ?, ?, ?)", [day, fingerprint, key, self.backend.version])
        return CloseResult(day, rows, "closed")

    def _fold(self, first: date, last: date) -> None:
        """Sum a closed month's day files into segments; keep only the point days' files."""
        b = self.backend
        b.create_table("fold_changes", moving_sql(first, last))
        con = b.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM acc.segments WHERE bucket BETWEEN {_d(first)} AND {_d(last)}")
            days = self.days_sql(first, last)
            for select in period_sums(b, days, first, last, "fold", currencies=None, months=True):
                con.execute(f"INSERT INTO acc.segments SELECT account_id, bucket, balance_sum, n FROM ({select})")
            con.execute(f"INSERT OR REPLACE INTO acc.folded VALUES ({_d(first)})")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        for i in range((last - first).days + 1):
            day = first + timedelta(days=i)
            if day != last and (day.month, day.day) != (1, 1):
                self.day_file(day).unlink(missing_ok=True)

    def folded(self, month: date) -> bool:
        return bool(
            self.backend.query(f"SELECT count(*) FROM acc.folded WHERE month = {_d(month.replace(day=1))}")[0][0]
        )

    def rebuild(self, through: date, first: date | None = None) -> int:
        """Forget the accumulators and close every day from ``first`` (default: the first balance) to ``through``."""
        con = self.backend.con
        con.execute("DELETE FROM acc.segments; DELETE FROM acc.closed; DELETE FROM acc.folded")
        if self.days_dir.exists():
            for f in self.days_dir.glob("*.parquet"):
                f.unlink()
        start = first or self.backend.query("SELECT min(date) FROM balances")[0][0]
        count = 0
        day = start
        while day is not None and day <= through:
            self.close(day)
            count += 1
            day += timedelta(days=1)
        return count

    # -- checking -----------------------------------------------------------------------------
    def check_fresh(self, first: date, last: date) -> None:
        """Every day from ``first`` to ``last`` is closed, from the data the store now holds."""
        if last != _month_end(last) and self.folded(last):
            raise StaleAccumulators("close.whole_month", {"day": last, "month": f"{last:%Y-%m}"})
        closed = {
            r[0]: (r[1], r[2])
            for r in self.backend.query(
                f"SELECT day, fingerprint, breaks FROM acc.closed WHERE day BETWEEN {_d(first)} AND {_d(last)}"
            )
        }
        missing = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        missing = [d for d in missing if d not in closed]
        if missing:
            raise StaleAccumulators("close.days_missing", {"count": len(missing), "first": missing[0]})
        stamps = self.backend.store.fingerprints("balances", first.isoformat(), last.isoformat())
        breaks = self._breaks(last)
        for day, (fingerprint, key) in sorted(closed.items()):
            if key != self._breaks_key(breaks, day) or fingerprint != stamps.get(day.isoformat(), ""):
                raise StaleAccumulators("close.changed", {"day": day})


class AccumulatorSource:
    """A :class:`~rmperf.engine.attribution.BalanceSource` reading the daily close's accumulators."""

    def __init__(self, close: DailyClose) -> None:
        self.close = close

    def reduce(self, backend: Backend, start: date, end: date, prefix: str) -> None:
        """``{prefix}_acct`` from the folded months' segments and the open month's day files."""
        from rmperf.engine.attribution import month_spans

        self.close.check_fresh(start, end)
        backend.create_table(f"{prefix}_changes", moving_sql(start, end))
        parts = []
        for first, last in month_spans(start, end):
            if self.close.folded(first):
                if last != _month_end(first):
                    raise StaleAccumulators("close.whole_month", {"day": last, "month": f"{first:%Y-%m}"})
                parts.append(
                    f"SELECT account_id, bucket, jishu, days FROM acc.segments "
                    f"WHERE bucket BETWEEN {_d(first)} AND {_d(last)}"
                )
            else:
                days = self.close.days_sql(first, last)
                for i, select in enumerate(
                    period_sums(backend, days, first, last, prefix, currencies=None, months=True)
                ):
                    if i == 0:
                        backend.create_table(f"{prefix}_open_{first:%Y%m}", select)
                    else:
                        backend.append(f"{prefix}_open_{first:%Y%m}", select)
                parts.append(f"SELECT account_id, bucket, balance_sum, n FROM {prefix}_open_{first:%Y%m}")
        backend.create_table(
            f"{prefix}_acct",
            f"""
            SELECT account_id, bucket, CAST(jishu AS {JISHU}) AS jishu, CAST(days AS BIGINT) AS days,
                   CAST(0 AS BIGINT) AS missing_fx
            FROM ({" UNION ALL ".join(parts)}) s(account_id, bucket, jishu, days)
            """,
        )

    def point(self, backend: Backend, day: date, name: str) -> None:
        if not self.has_day(backend, day):
            raise StaleAccumulators("close.no_day", {"day": day})
        backend.create_table(name, f"SELECT account_id, balance FROM read_parquet('{self.close.day_file(day)}')")

    def has_day(self, backend: Backend, day: date) -> bool:
        return self.close.day_file(day).exists()
