"""The incremental daily close (日终): fold one day's balances into running accumulators.

``rmperf close --date D`` reads day D's balances only, converts them to CNY
(D16) and adds them to per-account *segment* sums kept in
``<home>/close.duckdb``. A segment is a run of days within one month in
which nothing that attribution depends on changes (no assignment starts or
ends, no FTP rate takes effect: the same cuts as the full recompute's
buckets, plus month starts). Month, quarter, half-year and year-to-date
figures then come from the segments (:class:`AccumulatorSource`) through the
same attribution SQL, without rescanning history; because a segment never
spans a change, the result equals the full recompute to the fen.

The accumulators know what they were built from: every closed day keeps
the store's fingerprint of that day and the set of change days (breaks)
known at the time. A later import that restates a closed day, or an
assignment or FTP change back-dated into closed days, makes them stale;
reading them then fails with a clear message and ``rmperf close --rebuild``
recomputes them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rmperf.engine.attribution import JISHU, point_balances
from rmperf.engine.backend import Backend, DuckDBBackend
from rmperf.home import Home

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS acc.segments (
    account_id VARCHAR NOT NULL, bucket DATE NOT NULL, jishu {JISHU} NOT NULL, days BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS acc.days (
    day DATE NOT NULL, account_id VARCHAR NOT NULL, bucket DATE NOT NULL, balance {JISHU} NOT NULL);
CREATE TABLE IF NOT EXISTS acc.points (day DATE NOT NULL, account_id VARCHAR NOT NULL, balance {JISHU} NOT NULL);
CREATE TABLE IF NOT EXISTS acc.closed (
    day DATE PRIMARY KEY, fingerprint VARCHAR NOT NULL, breaks VARCHAR NOT NULL, store_version BIGINT);
"""


class StaleAccumulators(RuntimeError):
    """The accumulators no longer match the store: ``rmperf close --rebuild``."""


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
        backend.con.execute(f"ATTACH IF NOT EXISTS '{self.path}' AS acc")
        backend.con.execute(SCHEMA)

    # -- what the store says ------------------------------------------------------------
    def _fingerprint(self, day: date) -> str:
        """The store's fingerprint of ``day``'s balances (from the import catalog)."""
        from rmperf.db.models import PeriodStamp

        stamp = (
            PeriodStamp.objects.filter(
                store=self.home.store_id(), table="balances", period=day.isoformat(), superseded_in__isnull=True
            )
            .values_list("fingerprint", flat=True)
            .first()
        )
        return stamp or ""

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

    def bucket_of(self, day: date, breaks: list[date]) -> date:
        """The segment ``day`` belongs to: the latest change day or month start on or before it."""
        month_start = day.replace(day=1)
        return max([month_start, *[b for b in breaks if month_start <= b <= day]])

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
            raise StaleAccumulators(
                f"{day} was closed from other data (restated or back-dated change); run rmperf close --rebuild"
            )
        bucket = self.bucket_of(day, breaks)
        con = self.backend.con
        point_balances(self.backend, day, "close_day")
        rows = self.backend.query("SELECT count(*) FROM close_day")[0][0]
        con.execute("BEGIN TRANSACTION")
        try:
            # The open month's days are appended (cheap, no update of a million
            # rows a day); the month is folded into segment sums when it ends.
            con.execute(f"INSERT INTO acc.days SELECT {_d(day)}, account_id, {_d(bucket)}, balance FROM close_day")
            # keep the point balances a period can ask for: month ends and 1 January
            # (the baseline fallback, D18); the latest day is in acc.days
            if day == _month_end(day) or (day.month, day.day) == (1, 1):
                con.execute(f"INSERT INTO acc.points SELECT {_d(day)}, account_id, balance FROM close_day")
            if day == _month_end(day):
                con.execute(
                    f"""
                    INSERT INTO acc.segments
                    SELECT account_id, bucket, CAST(sum(balance) AS {JISHU}), count(*) FROM acc.days
                    WHERE day BETWEEN {_d(day.replace(day=1))} AND {_d(day)} GROUP BY account_id, bucket
                    """
                )
                con.execute(f"DELETE FROM acc.days WHERE day <= {_d(day)}")
            con.execute("INSERT INTO acc.closed VALUES (?, ?, ?, ?)", [day, fingerprint, key, self.backend.version])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return CloseResult(day, int(rows), "closed")

    def rebuild(self, through: date, first: date | None = None) -> int:
        """Forget the accumulators and close every day from ``first`` (default: the first balance) to ``through``."""
        con = self.backend.con
        con.execute("DELETE FROM acc.segments; DELETE FROM acc.days; DELETE FROM acc.points; DELETE FROM acc.closed")
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
        closed = {
            r[0]: (r[1], r[2])
            for r in self.backend.query(
                f"SELECT day, fingerprint, breaks FROM acc.closed WHERE day BETWEEN {_d(first)} AND {_d(last)}"
            )
        }
        missing = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        missing = [d for d in missing if d not in closed]
        if missing:
            raise StaleAccumulators(f"{len(missing)} days not closed, first {missing[0]}: run rmperf close")
        from rmperf.db.models import PeriodStamp

        stamps = dict(
            PeriodStamp.objects.filter(
                store=self.home.store_id(),
                table="balances",
                superseded_in__isnull=True,
                period__gte=first.isoformat(),
                period__lte=last.isoformat(),
            ).values_list("period", "fingerprint")
        )
        breaks = self._breaks(last)
        for day, (fingerprint, key) in sorted(closed.items()):
            if key != self._breaks_key(breaks, day) or fingerprint != stamps.get(day.isoformat(), ""):
                raise StaleAccumulators(f"{day} changed since it was closed: run rmperf close --rebuild")


class AccumulatorSource:
    """A :class:`~rmperf.engine.attribution.BalanceSource` reading the daily close's accumulators."""

    def __init__(self, close: DailyClose) -> None:
        self.close = close

    def reduce(self, backend: Backend, start: date, end: date, prefix: str) -> None:
        self.close.check_fresh(start, end)
        backend.create_table(
            f"{prefix}_acct",
            f"""
            SELECT account_id, bucket, CAST(sum(jishu) AS {JISHU}) AS jishu, CAST(sum(days) AS BIGINT) AS days,
                   CAST(0 AS BIGINT) AS missing_fx
            FROM (SELECT account_id, bucket, jishu, days FROM acc.segments
                  UNION ALL SELECT account_id, bucket, balance, 1 FROM acc.days) s
            WHERE bucket BETWEEN {_d(start)} AND {_d(end)}
            GROUP BY account_id, bucket
            """,
        )

    def point(self, backend: Backend, day: date, name: str) -> None:
        if not self.has_day(backend, day):
            raise StaleAccumulators(f"no closed balances for {day}: run rmperf close --date {day}")
        backend.create_table(
            name,
            f"SELECT account_id, balance FROM acc.points WHERE day = {_d(day)} "
            f"UNION ALL SELECT account_id, balance FROM acc.days WHERE day = {_d(day)} "
            f"AND NOT EXISTS (SELECT 1 FROM acc.points WHERE day = {_d(day)})",
        )

    def has_day(self, backend: Backend, day: date) -> bool:
        found = backend.query(
            f"SELECT (SELECT count(*) FROM acc.points WHERE day = {_d(day)}) "
            f"+ (SELECT count(*) FROM acc.days WHERE day = {_d(day)})"
        )
        return bool(found[0][0])

    def first_day(self, backend: Backend) -> date | None:
        row = backend.query("SELECT min(day) FROM acc.closed")
        return row[0][0] if row and row[0][0] is not None else None
