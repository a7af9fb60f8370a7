"""Attribution (业绩归属): each day's balance of each account, credited to its owners.

The plan, written so that no step builds a large intermediate:

1. **Buckets.** The days of the period are cut where something that
   applies to many accounts at once changes: an FTP rate takes effect
   (the daily close also cuts at month starts, because it folds one month
   at a time). An account whose owners change inside the period (a
   *moving* account) is further cut at its own assignment changes, and
   only it: a reassignment of one customer does not split everybody's
   rows (which, with reassignments on most days, would leave nothing to
   reduce). Within a bucket an account keeps its owners and its FTP rate,
   so its balances can be summed before anything is joined.
2. **Reduce.** Balances are summed per account and bucket, one pass per
   span between FTP changes (one read of the big table, a small result).
   A foreign-currency account's rows are converted in the same pass, each
   day's balance at that day's central parity (the last earlier rate when
   the day has none) rounded half-up to the fen, as a ledger converts
   (折人民币), and then summed like any other. Decision D16. The few
   accounts that are moving or foreign are the only ones the scan joins
   anything to (decisions D32, D138).
3. **Attribute.** The small per-account sums are joined with the owners in
   force at the start of their bucket: account-level assignment rows when the
   account has any, otherwise the customer's; what the shares leave is the
   public pool (公共) of the customer's home sub-branch.

Every amount stays an exact DECIMAL with declared precision (no DOUBLE):
balances DECIMAL(20,2) yuan·days, shares DECIMAL(7,6), attributed amounts
DECIMAL(28,8), spread products DECIMAL(38,16). Division (by days, by the
day-count basis) and the one rounding happen in Python, in the pure core.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Protocol

from rmperf.engine.backend import Backend

JISHU = "DECIMAL(20,2)"  # 积数: yuan x days
ATTRIBUTED = "DECIMAL(28,8)"
SPREAD_PRODUCT = "DECIMAL(38,16)"
FX_RATE = "DECIMAL(12,8)"  # CNY per unit


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def register_days(backend: Backend, name: str, first: date, last: date) -> None:
    days = [(first + timedelta(days=i),) for i in range((last - first).days + 1)]
    backend.register_rows(name, [("day", "DATE")], days)


def bucket_spans(backend: Backend, start: date, end: date, *, months: bool) -> list[tuple[date, date]]:
    """``[start, end]`` cut where a common bucket starts: an FTP rate takes effect (with ``months``, a month too).

    Within a span every account keeps its FTP rate, so one pass can sum each
    account's days without looking at the day. Assignment changes cut only
    the accounts they concern (:func:`build_segments`). The full recompute
    does not cut at months (fewer, longer passes: D138); the daily close
    does, because it folds one month at a time.
    """
    rows = backend.query(
        f"SELECT DISTINCT valid_from FROM ftp_rates WHERE valid_from > {_d(start)} AND valid_from <= {_d(end)}"
    )
    found: set[date] = {r[0] for r in rows} | {start}
    if months:
        found |= {first for first, _ in month_spans(start, end)}
    cuts = sorted(found)
    return [(a, (cuts[i + 1] - timedelta(days=1)) if i + 1 < len(cuts) else end) for i, a in enumerate(cuts)]


def build_fx_days(backend: Backend, start: date, end: date, prefix: str) -> list[str]:
    """``{prefix}_fx(day, r_USD, r_EUR, …)``: each day's central parity of every foreign currency an account holds.

    One row per day and one column per currency: the last rate on or before
    the day (NULL before a currency's first rate), so the scan finds a row's
    rate by the day alone. Returns the currencies.
    """
    codes = [r[0] for r in backend.query("SELECT DISTINCT currency FROM accounts WHERE currency <> 'CNY' ORDER BY 1")]
    for code in codes:
        if not (code.isascii() and code.isalpha() and len(code) == 3):  # the contract's ISO 4217 check, again
            raise ValueError(f"not a currency code: {code!r}")
    register_days(backend, f"{prefix}_days", start, end)
    backend.create_table(
        f"{prefix}_fxl",
        f"""
        SELECT c.currency, x.day, max_by(r.cny_per_unit, r.date) AS rate
        FROM {prefix}_days x
        CROSS JOIN (SELECT DISTINCT currency FROM fx_rates) c
        JOIN fx_rates r ON r.currency = c.currency AND r.date <= x.day
        GROUP BY c.currency, x.day
        """,
    )
    columns = "".join(f", max(CASE WHEN f.currency = '{c}' THEN CAST(f.rate AS {FX_RATE}) END) AS r_{c}" for c in codes)
    backend.create_table(
        f"{prefix}_fx",
        f"SELECT x.day{columns} FROM {prefix}_days x LEFT JOIN {prefix}_fxl f ON f.day = x.day GROUP BY x.day",
    )
    return codes


def month_spans(start: date, end: date) -> list[tuple[date, date]]:
    """``[start, end]`` cut at month boundaries."""
    spans = []
    first = start
    while first <= end:
        next_month = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        last = min(end, next_month - timedelta(days=1))
        spans.append((first, last))
        first = next_month
    return spans


def moving_sql(start: date, end: date) -> str:
    """The accounts whose owners may change inside ``[start, end]``, with each change day in ``(start, end]``."""
    inside = f"d > {_d(start)} AND d <= {_d(end)}"
    return f"""
        SELECT DISTINCT account_id, d FROM (
            SELECT a.account_id, s.valid_from AS d FROM accounts a
            JOIN assignments s ON s.customer_id = a.customer_id AND s.account_id IS NULL
            UNION ALL
            SELECT a.account_id, s.valid_to FROM accounts a
            JOIN assignments s ON s.customer_id = a.customer_id AND s.account_id IS NULL
            UNION ALL
            SELECT account_id, valid_from FROM assignments WHERE account_id IS NOT NULL
            UNION ALL
            SELECT account_id, valid_to FROM assignments WHERE account_id IS NOT NULL
        ) WHERE {inside}
    """


def build_segments(backend: Backend, first: date, last: date, prefix: str, *, fx: bool) -> None:
    """``{prefix}_special(account_id, seg_from, seg_to, currency)``: the accounts one span's scan must look at closer.

    ``[first, last]`` is one span (:func:`bucket_spans`). An account whose
    owners change on a day inside it (after its first day, which starts a
    bucket anyway) is cut at each such day into ``[seg_from, seg_to)``
    segments covering the span. With ``fx``, a foreign-currency account is
    here too (one segment when it does not move), with its ``currency``, so
    the scan converts its rows day by day. Every other account has no row,
    so the table (and the scan's join) stays as small as the span's
    reassignments and foreign accounts.
    """
    inside = f"d > {_d(first)} AND d <= {_d(last)}"
    moving = f"SELECT account_id, d FROM {prefix}_changes WHERE {inside}"
    cuts = f"SELECT account_id, d FROM ({moving}) m UNION SELECT account_id, {_d(first)} FROM ({moving}) m"
    if fx:
        cuts += f" UNION SELECT account_id, {_d(first)} FROM accounts WHERE currency <> 'CNY'"
    backend.create_table(
        f"{prefix}_special",
        f"""
        SELECT c.account_id, c.d AS seg_from,
               coalesce(lead(c.d) OVER (PARTITION BY c.account_id ORDER BY c.d), {_d(last + timedelta(days=1))})
                   AS seg_to,
               {"CASE WHEN a.currency <> 'CNY' THEN a.currency END" if fx else "CAST(NULL AS VARCHAR)"} AS currency
        FROM ({cuts}) c JOIN accounts a ON a.account_id = c.account_id
        """,
    )


def _count(backend: Backend, sql: str) -> int:
    row = backend.query(sql)
    return int(row[0][0]) if row and row[0][0] is not None else 0


def plain_sums_sql(relation: str, first: date, last: date) -> str:
    """:func:`span_sums_sql` for a span in which no account is cut and every row is CNY: a plain group by account."""
    return f"""
        SELECT b.account_id, {_d(first)} AS bucket, CAST(sum(b.balance) AS {JISHU}) AS balance_sum,
               count(*) AS n, CAST(0 AS BIGINT) AS missing_fx
        FROM {relation} b WHERE b.date BETWEEN {_d(first)} AND {_d(last)} GROUP BY b.account_id
        """


def span_sums_sql(
    backend: Backend, relation: str, first: date, last: date, prefix: str, *, currencies: Sequence[str] | None
) -> str:
    """The SELECT summing ``relation(date, account_id, balance)`` over one span per account and bucket.

    ``[first, last]`` lies inside one common bucket (:func:`bucket_spans`).
    Columns: account_id, bucket (``first``, or the start of the account's
    own segment), balance_sum (CNY yuan·days), n (days with a row),
    missing_fx (foreign rows without a rate, left out of the sum). With
    ``currencies`` (those :func:`build_fx_days` made ``{prefix}_fx`` for),
    a foreign-currency row is converted at its day's central parity and
    rounded half-up to the fen before it is summed (D16); without, the
    relation is CNY already. Needs ``{prefix}_changes`` (made by the caller
    for the whole period); makes ``{prefix}_special`` for the span.

    The scan groups by the account and its segment start only (NULL for
    every account but the few that move inside the span): one join with the
    small special table, one day-keyed join for the rates, and nothing kept
    per day. A span without special accounts is a plain group by account.
    """
    fx = bool(currencies)
    build_segments(backend, first, last, prefix, fx=fx)
    in_span = f"b.date BETWEEN {_d(first)} AND {_d(last)}"
    if not _count(backend, f"SELECT count(*) FROM {prefix}_special"):
        return plain_sums_sql(relation, first, last)
    amount, rates, missing = "b.balance", "", "CAST(0 AS BIGINT)"
    if fx:
        codes = list(currencies or ())
        # widened first: DuckDB multiplies two 64-bit decimals in 64 bits, and a large balance overflows
        converted = " ".join(
            f"WHEN '{c}' THEN CAST(round(CAST(b.balance AS {JISHU}) * r.r_{c}, 2) AS DECIMAL(18,2))" for c in codes
        )
        amount = f"CASE WHEN sp.currency IS NULL THEN b.balance ELSE CASE sp.currency {converted} END END"
        rates = f"JOIN {prefix}_fx r ON r.day = b.date"
        gaps = " OR ".join(f"r_{c} IS NULL" for c in codes)
        span_days = f"day BETWEEN {_d(first)} AND {_d(last)}"
        if _count(backend, f"SELECT count(*) FROM {prefix}_fx WHERE {span_days} AND ({gaps})"):
            # some day of the span has no rate yet for some currency: count the rows left out
            lookup = " ".join(f"WHEN '{c}' THEN r.r_{c}" for c in codes)
            missing = f"count(*) FILTER (WHERE sp.currency IS NOT NULL AND (CASE sp.currency {lookup} END) IS NULL)"
    return f"""
        SELECT b.account_id, coalesce(sp.seg_from, {_d(first)}) AS bucket,
               CAST(sum({amount}) AS {JISHU}) AS balance_sum, count(*) AS n, {missing} AS missing_fx
        FROM {relation} b
        LEFT JOIN {prefix}_special sp ON sp.account_id = b.account_id
             AND b.date >= sp.seg_from AND b.date < sp.seg_to
        {rates}
        WHERE {in_span}
        GROUP BY b.account_id, sp.seg_from
        """


def period_sums(
    backend: Backend,
    relation: str,
    start: date,
    end: date,
    prefix: str,
    *,
    currencies: Sequence[str] | None,
    months: bool,
) -> Iterator[str]:
    """One :func:`span_sums_sql` per span of ``[start, end]``.

    A generator: each SELECT reads the span's ``{prefix}_special``, which the
    next one replaces, so the caller runs each before asking for the next.
    """
    for first, last in bucket_spans(backend, start, end, months=months):
        yield span_sums_sql(backend, relation, first, last, prefix, currencies=currencies)


#: A day on which at least this share of all accounts changes owners is a common cut (D139) ...
COMMON_CUT_SHARE = 0.001
#: ... and at most one such day per this many days of the period is (the busiest ones).
COMMON_CUT_EVERY = 14


def common_cuts(backend: Backend, start: date, end: date, prefix: str) -> list[date]:
    """The change days of ``{prefix}_changes`` that cut every account's rows, not just the movers' (D139).

    On such a day, many customers change hands (a bank reassigns on the
    first of the month): cutting everybody there costs one more plain pass,
    while cutting only the movers would make the whole span's scan look
    every row up. A day on which few accounts move stays a cut of those
    accounts alone (D32), so a bank that reassigns a few customers every
    day does not get a pass per day.
    """
    total = _count(backend, "SELECT count(*) FROM accounts")
    least = max(1, int(total * COMMON_CUT_SHARE))
    most = max(1, ((end - start).days + 1) // COMMON_CUT_EVERY)
    rows = backend.query(
        f"SELECT d, count(DISTINCT account_id) AS n FROM {prefix}_changes "
        f"WHERE d > {_d(start)} AND d <= {_d(end)} GROUP BY d HAVING count(DISTINCT account_id) >= {least} "
        f"ORDER BY n DESC, d LIMIT {most}"
    )
    return sorted(r[0] for r in rows)


def _split_at(spans: list[tuple[date, date]], cuts: Sequence[date]) -> list[tuple[date, date]]:
    """``spans`` cut further at ``cuts``."""
    out = []
    for first, last in spans:
        inside = sorted(c for c in cuts if first < c <= last)
        starts = [first, *inside]
        out += [(a, (starts[i + 1] - timedelta(days=1)) if i + 1 < len(starts) else last) for i, a in enumerate(starts)]
    return out


def reduce_balances(backend: Backend, start: date, end: date, prefix: str) -> None:
    """``{prefix}_acct(account_id, bucket, jishu, days, missing_fx)``: CNY 积数 per account and bucket.

    ``jishu`` is the sum of the account's end-of-day CNY balances over the
    bucket's days (yuan·days); ``days`` counts the days with a row. A bucket
    is named by its first day; the account's owners and FTP rate are the
    same on all its days.
    """
    currencies = build_fx_days(backend, start, end, prefix)
    backend.create_table(f"{prefix}_changes", moving_sql(start, end))
    if backend.split_balances:
        _reduce_split(backend, start, end, prefix, currencies)
    else:
        # One pass per span (the period cut where an FTP rate changes): each
        # pass reads its days' files once, and its hash table holds one group
        # per account (plus the few moving accounts' segments), however long
        # the span. Only moving and foreign accounts match the (small) join.
        spans = period_sums(backend, "balances", start, end, prefix, currencies=currencies, months=False)
        for i, select in enumerate(spans):
            if i == 0:
                backend.create_table(f"{prefix}_raw", select)
            else:
                backend.append(f"{prefix}_raw", select)
    backend.create_view(
        f"{prefix}_acct",
        f"SELECT account_id, bucket, balance_sum AS jishu, CAST(n AS BIGINT) AS days, "
        f"CAST(missing_fx AS BIGINT) AS missing_fx FROM {prefix}_raw",
    )


def _reduce_split(backend: Backend, start: date, end: date, prefix: str, currencies: Sequence[str]) -> None:
    """:func:`reduce_balances` on a store whose balances are split by currency (D139).

    The CNY rows are summed per account by plain passes: one per span
    between FTP changes and common cuts (:func:`common_cuts`), each a group
    by account with nothing joined, unless some account moves on a day that
    is not a common cut inside it (then that span alone looks its rows up,
    as the general plan does). The foreign rows, about 1 % of the table,
    are converted day by day by the general plan, one pass per FTP span.
    Then, per FTP span, each account's passes are summed into the buckets
    the general plan would have given it: the whole span for an account
    that does not move in it, else one bucket from each of its own change
    days (a common cut on which it did not move does not split it).
    """
    cuts = common_cuts(backend, start, end, prefix)
    quiet = [
        r[0]
        for r in backend.query(f"SELECT DISTINCT d FROM {prefix}_changes WHERE d > {_d(start)} AND d <= {_d(end)}")
        if r[0] not in cuts
    ]
    made = False
    for ftp_first, ftp_last in bucket_spans(backend, start, end, months=False):
        # each SELECT is run before the next is made: span_sums_sql replaces the segments table
        fx = span_sums_sql(backend, "balances_fx", ftp_first, ftp_last, prefix, currencies=currencies)
        backend.create_table(f"{prefix}_pass", fx)
        for first, last in _split_at([(ftp_first, ftp_last)], cuts):
            if any(first < d <= last for d in quiet):
                select = span_sums_sql(backend, "balances_cny", first, last, prefix, currencies=None)
            else:
                select = plain_sums_sql("balances_cny", first, last)
            backend.append(f"{prefix}_pass", select)
        merged = f"""
            WITH own AS (  -- a moving account's own last change day, for each of its passes
                SELECT p.account_id, p.bucket, max(c.d) AS since
                FROM {prefix}_pass p JOIN {prefix}_changes c ON c.account_id = p.account_id
                     AND c.d > {_d(ftp_first)} AND c.d <= p.bucket
                GROUP BY p.account_id, p.bucket
            )
            SELECT p.account_id, coalesce(o.since, {_d(ftp_first)}) AS bucket,
                   CAST(sum(p.balance_sum) AS {JISHU}) AS balance_sum, CAST(sum(p.n) AS BIGINT) AS n,
                   CAST(sum(p.missing_fx) AS BIGINT) AS missing_fx
            FROM {prefix}_pass p LEFT JOIN own o ON o.account_id = p.account_id AND o.bucket = p.bucket
            GROUP BY p.account_id, coalesce(o.since, {_d(ftp_first)})
            """
        if made:
            backend.append(f"{prefix}_raw", merged)
        else:
            backend.create_table(f"{prefix}_raw", merged)
            made = True


def first_balance_ctes(start: str, end: str) -> str:
    """The CTEs ``fd`` (each account's first end-of-day balance on or after its opening day within
    ``start``–``end``: ``account_id, day, balance``) and ``fx`` (a foreign account's central parity on
    that day: ``account_id, rate``), for a query whose CTE ``n`` lists the accounts
    (``account_id, opened_on, currency``). A new loan's amount and a wealth product's sale amount.
    """
    return f"""
        fd AS (
            -- the first balance row of each account, in one pass over the period's rows
            SELECT b.account_id, min(b.date) AS day, min_by(b.balance, b.date) AS balance
            FROM balances b JOIN n ON n.account_id = b.account_id
            WHERE b.date BETWEEN {start} AND {end} AND b.date >= n.opened_on
            GROUP BY b.account_id
        ),
        fx AS (
            SELECT fd.account_id, max_by(r.cny_per_unit, r.date) AS rate
            FROM fd JOIN n ON n.account_id = fd.account_id
            JOIN fx_rates r ON r.currency = n.currency AND r.date <= fd.day
            WHERE n.currency <> 'CNY'
            GROUP BY fd.account_id
        )"""


def point_balances(backend: Backend, day: date, name: str) -> None:
    """``name(account_id, balance)``: CNY end-of-day balance of each account on ``day``."""
    backend.create_table(
        name,
        f"""
        WITH fx AS (
            SELECT currency, max_by(cny_per_unit, date) AS rate FROM fx_rates
            WHERE date <= {_d(day)} GROUP BY currency
        )
        SELECT b.account_id,
               CAST(CASE WHEN a.account_id IS NULL THEN b.balance
                         ELSE round(CAST(b.balance AS DECIMAL(20,2)) * CAST(fx.rate AS DECIMAL(12,8)), 2)
                    END AS {JISHU}) AS balance
        FROM balances b
        LEFT JOIN (SELECT account_id, currency FROM accounts WHERE currency <> 'CNY') a
             ON a.account_id = b.account_id
        LEFT JOIN fx ON fx.currency = a.currency
        WHERE b.date = {_d(day)}
        """,
    )


def owners(backend: Backend, when: str, name: str) -> None:
    """``name(account_id, as_of, owner_kind, owner_id, share, kind)``: who owns each account on day ``as_of``.

    ``when`` is a table of ``(account_id, as_of)``. Account-level assignment rows
    override customer-level ones for their account; the public pool (owner
    kind ``pool``, owner id = the customer's home org) gets 1 − Σ shares.
    """
    backend.create_table(
        f"{name}_rm",
        f"""
        WITH w AS (
            SELECT DISTINCT w.account_id, w.as_of, a.customer_id
            FROM {when} w JOIN accounts a ON a.account_id = w.account_id
        ),
        by_account AS (
            SELECT w.account_id, w.as_of, s.rm_id, s.share, s.kind
            FROM w JOIN assignments s ON s.account_id = w.account_id
            WHERE s.valid_from <= w.as_of AND (s.valid_to IS NULL OR s.valid_to > w.as_of)
        ),
        by_customer AS (
            SELECT w.account_id, w.as_of, s.rm_id, s.share, s.kind
            FROM w JOIN assignments s ON s.customer_id = w.customer_id AND s.account_id IS NULL
            WHERE s.valid_from <= w.as_of AND (s.valid_to IS NULL OR s.valid_to > w.as_of)
              AND NOT EXISTS (SELECT 1 FROM by_account x WHERE x.account_id = w.account_id AND x.as_of = w.as_of)
        )
        SELECT * FROM by_account UNION ALL SELECT * FROM by_customer
        """,
    )
    with_pool(backend, when, f"{name}_rm", name, "account_id")


def customer_owners(backend: Backend, when: str, name: str) -> None:
    """``name(customer_id, as_of, owner_kind, owner_id, share, kind)``: a customer's owners on ``as_of``.

    The customer-level assignment rows (no ``account_id``) valid that day,
    split by share, and the public pool for 1 − Σ shares: the customer-level
    half of :func:`owners`, for things that belong to a customer and no
    account (a fee without an account).
    """
    backend.create_table(
        f"{name}_rm",
        f"""
        SELECT w.customer_id, w.as_of, s.rm_id, s.share, coalesce(s.kind, 'manage') AS kind
        FROM (SELECT DISTINCT customer_id, as_of FROM {when}) w
        JOIN assignments s ON s.customer_id = w.customer_id AND s.account_id IS NULL
        WHERE s.valid_from <= w.as_of AND (s.valid_to IS NULL OR s.valid_to > w.as_of)
        """,
    )
    with_pool(backend, when, f"{name}_rm", name, "customer_id")


def with_pool(backend: Backend, when: str, rm_rows: str, name: str, key: str) -> None:
    """``name``: the RM rows of ``rm_rows`` plus, per (``key``, as_of), the public pool's 1 − Σ shares.

    ``key`` is ``account_id`` or ``customer_id``; the pool is the home
    sub-branch of the (account's) customer.
    """
    customer = "a.customer_id" if key == "account_id" else "w.customer_id"
    join_account = "JOIN accounts a ON a.account_id = w.account_id" if key == "account_id" else ""
    backend.create_table(
        name,
        f"""
        SELECT {key}, as_of, 'rm' AS owner_kind, rm_id AS owner_id,
               CAST(share AS DECIMAL(7,6)) AS share, kind
        FROM {rm_rows}
        UNION ALL
        SELECT w.{key}, w.as_of, 'pool' AS owner_kind, c.org_id AS owner_id,
               CAST(1 - coalesce(t.total, 0) AS DECIMAL(7,6)) AS share, 'pool' AS kind
        FROM (SELECT DISTINCT {key}, as_of FROM {when}) w
        {join_account}
        JOIN customers c ON c.customer_id = {customer}
        LEFT JOIN (SELECT {key}, as_of, sum(share) AS total FROM {rm_rows} GROUP BY {key}, as_of) t
               ON t.{key} = w.{key} AND t.as_of = w.as_of
        WHERE coalesce(t.total, 0) < 1
        """,
    )


def ftp_in_force(backend: Backend, when: str, name: str) -> None:
    """``name(product, term_months, as_of, ftp_rate)``: the FTP rate of each product and term on ``as_of``.

    A row for the exact term wins over a row for any term; among those, the
    latest ``valid_from`` on or before ``as_of``. Found once per (product,
    term, day) — a handful of rows — and joined to accounts by product and
    term where it is used, never materialised per account.
    """
    backend.create_table(
        f"{name}_keys",
        f"""
        SELECT p.product, p.term_months, d.as_of
        FROM (SELECT DISTINCT product, term_months FROM accounts) p
        CROSS JOIN (SELECT DISTINCT as_of FROM {when}) d
        """,
    )
    backend.create_table(
        name,
        f"""
        SELECT product, term_months, as_of, ftp_rate FROM (
            SELECT k.product, k.term_months, k.as_of, f.rate AS ftp_rate,
                   row_number() OVER (
                       PARTITION BY k.product, k.term_months, k.as_of
                       ORDER BY CASE WHEN f.term_months IS NULL THEN 1 ELSE 0 END, f.valid_from DESC
                   ) AS rn
            FROM {name}_keys k
            JOIN ftp_rates f ON f.product = k.product
                 AND (f.term_months IS NULL OR f.term_months = k.term_months)
                 AND f.valid_from <= k.as_of
        ) WHERE rn = 1
        """,
    )


class ScanSource:
    """Balances read from the store: the period's rows are scanned and reduced."""

    def reduce(self, backend: Backend, start: date, end: date, prefix: str) -> None:
        reduce_balances(backend, start, end, prefix)

    def point(self, backend: Backend, day: date, name: str) -> None:
        point_balances(backend, day, name)

    def has_day(self, backend: Backend, day: date) -> bool:
        row = backend.query(f"SELECT count(*) FROM balances WHERE date = {_d(day)}")
        return bool(row and row[0][0])


class BalanceSource(Protocol):
    """Where per-account sums and point balances come from: a scan, or the daily close's accumulators."""

    def reduce(self, backend: Backend, start: date, end: date, prefix: str) -> None: ...

    def point(self, backend: Backend, day: date, name: str) -> None: ...

    def has_day(self, backend: Backend, day: date) -> bool: ...


SCAN = ScanSource()


def owners_on(backend: Backend, day: date, name: str) -> None:
    """``name``: the owners of every account on ``day`` (as :func:`owners`, with ``as_of`` = ``day``).

    Made once per period end and shared by everything credited with the
    owners of that day: the period's steady accounts, the point balances
    and the baselines (D17). The same rules as :func:`owners` (account-level
    rows override the customer's; the pool gets 1 − Σ shares), written for
    one day and every account: the assignments valid that day are found
    once, and each account is read once for its RMs and once for its pool.
    """
    d = _d(day)
    backend.create_table(
        name,
        f"""
        WITH valid AS (
            SELECT customer_id, account_id, rm_id, share, kind FROM assignments
            WHERE valid_from <= {d} AND (valid_to IS NULL OR valid_to > {d})
        ),
        own AS (SELECT DISTINCT account_id FROM valid WHERE account_id IS NOT NULL),
        rm AS (
            SELECT account_id, rm_id, share, kind FROM valid WHERE account_id IS NOT NULL
            UNION ALL
            SELECT a.account_id, v.rm_id, v.share, v.kind
            FROM accounts a JOIN valid v ON v.customer_id = a.customer_id AND v.account_id IS NULL
            WHERE a.account_id NOT IN (SELECT account_id FROM own)
        ),
        by_customer AS (
            SELECT customer_id, sum(share) AS total FROM valid WHERE account_id IS NULL GROUP BY customer_id
        ),
        by_account AS (
            SELECT account_id, sum(share) AS total FROM valid WHERE account_id IS NOT NULL GROUP BY account_id
        )
        SELECT account_id, {d} AS as_of, 'rm' AS owner_kind, rm_id AS owner_id,
               CAST(share AS DECIMAL(7,6)) AS share, kind
        FROM rm
        UNION ALL
        SELECT a.account_id, {d} AS as_of, 'pool' AS owner_kind, c.org_id AS owner_id,
               CAST(1 - coalesce(x.total, t.total, 0) AS DECIMAL(7,6)) AS share, 'pool' AS kind
        FROM accounts a JOIN customers c ON c.customer_id = a.customer_id
        LEFT JOIN by_account x ON x.account_id = a.account_id
        LEFT JOIN by_customer t ON t.customer_id = a.customer_id
        WHERE coalesce(x.total, t.total, 0) < 1
        """,
    )


def attribute_period(
    backend: Backend,
    start: date,
    end: date,
    prefix: str,
    source: BalanceSource = SCAN,
    owners_at_end: str | None = None,
) -> None:
    """``{prefix}_attr``: per owner and account, the attributed 积数 and spread product.

    Columns: owner_kind, owner_id, account_id, jishu (yuan·days, DECIMAL(28,8)),
    spread_jishu (Σ jishu x FTP spread, DECIMAL(38,16): deposits FTP − rate
    paid, loans rate − FTP; NULL for wealth or without an FTP rate), days.
    ``owners_at_end`` is a table made by :func:`owners_on` for ``end``, when
    the caller has one.
    """
    source.reduce(backend, start, end, prefix)
    # Accounts whose owners may change inside the period keep the bucket
    # grain; every other account is attributed once, its buckets summed
    # first (exact: Σ_b j_b·share·spread_b = share·Σ_b j_b·spread_b), with
    # the owners of the last day, who are its owners on every day.
    backend.create_table(f"{prefix}_moving", f"SELECT DISTINCT account_id FROM ({moving_sql(start, end)})")
    backend.create_table(f"{prefix}_buckets", f"SELECT DISTINCT bucket AS as_of FROM {prefix}_acct")
    ftp_in_force(backend, f"{prefix}_buckets", f"{prefix}_ftp")
    backend.create_table(
        f"{prefix}_grain",
        f"""
        SELECT account_id, as_of, CAST(sum(jishu) AS {JISHU}) AS jishu,
               CAST(sum(spread_jishu) AS DECIMAL(30,10)) AS spread_jishu,
               sum(missing_ftp) AS missing_ftp, sum(days) AS days
        FROM (
            SELECT s.account_id, s.jishu, s.days,
                   CASE WHEN m.account_id IS NULL THEN {_d(end)} ELSE s.bucket END AS as_of,
                   CAST(s.jishu * CAST(
                       CASE a.category WHEN 'deposit' THEN f.ftp_rate - coalesce(a.rate, 0)
                                       WHEN 'loan' THEN coalesce(a.rate, 0) - f.ftp_rate END
                       AS DECIMAL(9,8)) AS DECIMAL(30,10)) AS spread_jishu,
                   CASE WHEN a.category <> 'wealth' AND f.ftp_rate IS NULL THEN 1 ELSE 0 END AS missing_ftp
            FROM {prefix}_acct s
            JOIN accounts a ON a.account_id = s.account_id
            LEFT JOIN {prefix}_ftp f ON f.product = a.product AND f.as_of = s.bucket
                 AND f.term_months IS NOT DISTINCT FROM a.term_months
            LEFT JOIN {prefix}_moving m ON m.account_id = s.account_id
        ) x
        GROUP BY account_id, as_of
        """,
    )
    if owners_at_end is None:
        owners_at_end = f"{prefix}_eo"
        owners_on(backend, end, owners_at_end)
    backend.create_table(
        f"{prefix}_when", f"SELECT DISTINCT account_id, as_of FROM {prefix}_grain WHERE as_of <> {_d(end)}"
    )
    owners(backend, f"{prefix}_when", f"{prefix}_mowners")
    backend.create_table(
        f"{prefix}_attr",
        f"""
        SELECT o.owner_kind, o.owner_id, g.account_id,
               sum(CAST(g.jishu * o.share AS {ATTRIBUTED})) AS jishu,
               sum(CAST(g.spread_jishu * o.share AS {SPREAD_PRODUCT})) AS spread_jishu,
               sum(g.missing_ftp) AS missing_ftp,
               sum(g.days) AS days
        FROM {prefix}_grain g
        JOIN (SELECT * FROM {owners_at_end} UNION ALL SELECT * FROM {prefix}_mowners) o
             ON o.account_id = g.account_id AND o.as_of = g.as_of
        GROUP BY o.owner_kind, o.owner_id, g.account_id
        """,
    )


def attribute_point(
    backend: Backend,
    day: date,
    owners_at: date,
    prefix: str,
    source: BalanceSource = SCAN,
    owners_table: str | None = None,
) -> None:
    """``{prefix}_attr``: per owner and account, the balance on ``day`` with the owners of ``owners_at``.

    ``owners_table``: the owners of every account on ``owners_at`` (:func:`owners_on`), when made already.
    """
    source.point(backend, day, f"{prefix}_bal")
    _credit_at(backend, f"SELECT account_id, balance FROM {prefix}_bal", "balance", owners_at, prefix, owners_table)


def attribute_sums_at(
    backend: Backend, source: str, owners_at: date, prefix: str, owners_table: str | None = None
) -> None:
    """Re-attribute per-account sums ``source(account_id, jishu)`` to the owners of ``owners_at``.

    Used for baselines: the start-of-year book is credited to whoever holds
    the customer at the end of the period (decision D17).
    """
    amounts = f"SELECT account_id, sum(jishu) AS jishu FROM {source} GROUP BY account_id"
    _credit_at(backend, amounts, "jishu", owners_at, prefix, owners_table)


def _credit_at(
    backend: Backend, amounts: str, column: str, owners_at: date, prefix: str, owners_table: str | None = None
) -> None:
    """``{prefix}_attr``: each account's ``column`` of ``amounts``, credited to its owners on ``owners_at``."""
    backend.create_table(f"{prefix}_amounts", amounts)
    if owners_table is None:
        owners_table = f"{prefix}_owners"
        backend.create_table(f"{prefix}_when", f"SELECT account_id, {_d(owners_at)} AS as_of FROM {prefix}_amounts")
        owners(backend, f"{prefix}_when", owners_table)
    backend.create_table(
        f"{prefix}_attr",
        f"""
        SELECT o.owner_kind, o.owner_id, s.account_id,
               CAST(s.{column} * o.share AS {ATTRIBUTED}) AS {column}
        FROM {prefix}_amounts s JOIN {owners_table} o ON o.account_id = s.account_id
        """,
    )
