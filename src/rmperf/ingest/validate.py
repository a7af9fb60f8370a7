"""Check a loaded package as a whole against every rule of the data contract.

Runs on the ``raw_<table>`` relations made by :mod:`rmperf.ingest.sources`
and creates ``typed_<table>`` views (the values cast to their stored types)
that the store writes once the package is clean. Every check runs, so one
import reports every problem; each kind of problem lists its first
:data:`LIST_LIMIT` places and counts the rest.

The big table (balances) is only ever scanned by DuckDB queries, which
stream and spill to disk, so validation needs no memory in proportion to
its rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from rmperf.contract import DATE_RANGE, NON_PERFORMING_GRADES, STORED_TYPE, ColType, Column, Table
from rmperf.ingest.limits import CONTROL, CONTROL_IN_TEXT, ImportLimits
from rmperf.ingest.problems import Problem, error, warning
from rmperf.ingest.sources import Source, quote_ident

LIST_LIMIT = 20
Row = dict[str, Any]

TRUE_WORDS = ("true", "t", "1", "yes", "y", "是")
FALSE_WORDS = ("false", "f", "0", "no", "n", "否")
_ = NON_PERFORMING_GRADES  # re-exported for the engine; referenced here for clarity


def _words(words: tuple[str, ...]) -> str:
    return ", ".join(f"'{w}'" for w in words)


def _clean(col: Column) -> str:
    """The column's text with surrounding blanks removed and '' as NULL."""
    if col.type is ColType.TEXT:
        return f"NULLIF({quote_ident(col.name)}, '')"
    return f"NULLIF(trim({quote_ident(col.name)}), '')"


def check_expr(col: Column, v: str) -> str | None:
    """SQL giving the problem code of value ``v`` for ``col``, or NULL."""
    re = "regexp_full_match"
    kind = col.type
    if kind is ColType.DATE:
        return (
            rf"CASE WHEN NOT {re}({v}, '\d{{4}}-\d{{2}}-\d{{2}}') OR TRY_CAST({v} AS DATE) IS NULL "
            "THEN 'value.date' END"
        )
    if kind is ColType.MONTH:
        return rf"CASE WHEN NOT {re}({v}, '\d{{4}}-(0[1-9]|1[0-2])') THEN 'value.month' END"
    if kind is ColType.PERIOD:
        return rf"CASE WHEN NOT {re}({v}, '\d{{4}}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?') THEN 'value.period' END"
    if kind is ColType.AMOUNT:
        return (
            rf"CASE WHEN {re}({v}, '-?\d{{1,16}}(\.\d{{1,2}})?') THEN NULL "
            rf"WHEN {re}({v}, '-?\d{{1,16}}\.\d{{3,}}') THEN 'value.amount_scale' ELSE 'value.amount' END"
        )
    if kind is ColType.RATE:
        return (
            rf"CASE WHEN NOT {re}({v}, '-?\d{{1,3}}(\.\d{{1,8}})?') THEN 'value.rate' "
            f"WHEN TRY_CAST({v} AS DECIMAL(12,8)) < 0 OR TRY_CAST({v} AS DECIMAL(12,8)) >= 1 "
            "THEN 'value.rate_range' END"
        )
    if kind is ColType.FX:
        return (
            rf"CASE WHEN NOT {re}({v}, '\d{{1,9}}(\.\d{{1,8}})?') OR TRY_CAST({v} AS DECIMAL(18,8)) <= 0 "
            "THEN 'value.fx' END"
        )
    if kind is ColType.SHARE:
        return (
            rf"CASE WHEN NOT {re}({v}, '\d(\.\d{{1,6}})?') OR TRY_CAST({v} AS DECIMAL(9,6)) <= 0 "
            f"OR TRY_CAST({v} AS DECIMAL(9,6)) > 1 THEN 'value.share' END"
        )
    if kind is ColType.INT:
        return rf"CASE WHEN NOT {re}({v}, '\d{{1,15}}') THEN 'value.int' END"
    if kind is ColType.DECIMAL:
        return rf"CASE WHEN NOT {re}({v}, '-?\d{{1,12}}(\.\d{{1,6}})?') THEN 'value.decimal' END"
    if kind is ColType.BOOL:
        return f"CASE WHEN lower({v}) NOT IN ({_words(TRUE_WORDS + FALSE_WORDS)}) THEN 'value.bool' END"
    if kind is ColType.ENUM:
        return f"CASE WHEN {v} NOT IN ({_words(col.values)}) THEN 'value.enum' END"
    if kind is ColType.CURRENCY:
        return rf"CASE WHEN NOT {re}({v}, '[A-Z]{{3}}') THEN 'value.currency' END"
    return None


def sanity_expr(col: Column, v: str, native: bool, limits: ImportLimits) -> str | None:
    """SQL giving the problem code of a value that has the column's form but cannot be true, or NULL.

    Applied whatever the file's format: a typed Parquet column is checked like a CSV's text. Text and ids
    may hold no control characters (NUL, ESC …; names and free text may hold tabs and line breaks) and are bounded
    in length; a date lies in ``DATE_RANGE``; a balance is not negative.
    """
    whens: list[str] = []
    if col.type in (ColType.ID, ColType.TEXT):
        # an id holds none; a name or free text may hold tabs and line breaks, never NUL, ESC or a bell
        control = CONTROL if col.type is ColType.ID else CONTROL_IN_TEXT
        whens.append(f"WHEN regexp_matches({v}, '{control}') THEN 'value.control'")
        whens.append(f"WHEN length({v}) > {limits.chars(col)} THEN 'value.too_long'")
    if col.type is ColType.DATE:
        day = v if native else f"TRY_CAST({v} AS DATE)"
        low, high = DATE_RANGE
        whens.append(f"WHEN {day} NOT BETWEEN DATE '{low}' AND DATE '{high}' THEN 'value.date_range'")
    if col.type is ColType.AMOUNT and col.non_negative:
        amount = v if native else f"TRY_CAST({v} AS {STORED_TYPE[col.type]})"
        whens.append(f"WHEN {amount} < 0 THEN 'value.negative'")
    return f"CASE {' '.join(whens)} END" if whens else None


def typed_expr(col: Column, v: str) -> str:
    """SQL casting clean text ``v`` to the column's stored type (NULL if bad)."""
    stored = STORED_TYPE[col.type]
    if col.type is ColType.BOOL:
        return (
            f"CASE WHEN lower({v}) IN ({_words(TRUE_WORDS)}) THEN true "
            f"WHEN lower({v}) IN ({_words(FALSE_WORDS)}) THEN false END"
        )
    if col.type is ColType.ENUM:
        return f"CASE WHEN {v} IN ({_words(col.values)}) THEN {v} END"
    if col.type is ColType.AMOUNT:
        return rf"CASE WHEN regexp_full_match({v}, '-?\d{{1,16}}(\.\d{{1,2}})?') THEN TRY_CAST({v} AS {stored}) END"
    if col.type is ColType.CURRENCY:
        return rf"CASE WHEN regexp_full_match({v}, '[A-Z]{{3}}') THEN {v} END"
    if stored == "VARCHAR":
        return v
    return f"TRY_CAST({v} AS {stored})"


@dataclass
class Validator:
    con: duckdb.DuckDBPyConnection
    sources: dict[str, Source]
    limits: ImportLimits | None = None

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.limits = self.limits or ImportLimits.from_env()

    # -- helpers -----------------------------------------------------------------
    def _report(
        self,
        sql: str,
        code: str,
        source: Source,
        column: str,
        params: Callable[[Row], dict[str, Any]] | None = None,
        *,
        static: dict[str, Any] | None = None,
        severity: str = "error",
        code_of: Callable[[Row], str] | None = None,
    ) -> int:
        """Run ``sql`` (one row per problem); list the first rows, count the rest.

        Each row needs ``_file`` and ``_line``; ``code="@code"`` takes the
        problem code from the row's ``code`` column.
        """
        cur = self.con.execute(f"SELECT *, count(*) OVER () AS _total FROM ({sql}) LIMIT {LIST_LIMIT}")
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        make = error if severity == "error" else warning
        pick = code_of or (lambda row: str(row["code"]) if code == "@code" else code)
        for row in rows:
            place = source.place(row["_line"], column, row["_file"])
            values = {**(static or {}), **(params(row) if params else {})}
            self.problems.append(make(pick(row), place, **values))
        total = int(rows[0]["_total"]) if rows else 0
        if total > len(rows):
            self.problems.append(
                make("value.more", source.place(rows[0]["_line"], column, rows[0]["_file"]), count=total - len(rows))
            )
        return total

    def has(self, *tables: str) -> bool:
        return all(t in self.sources for t in tables)

    # -- entry point -------------------------------------------------------------
    def run(self) -> list[Problem]:
        for source in self.sources.values():
            self.check_values(source)
            self.make_typed(source)
        for source in self.sources.values():
            self.check_key(source)
            self.check_refs(source)
            if source.rows == 0:
                self.problems.append(warning("table.no_rows", source.place(), table=source.table.name))
        if self.has("orgs"):
            self.check_orgs()
        if self.has("assignments"):
            self.check_assignments()
        if self.has("accounts"):
            self.check_accounts()
        if self.has("accounts", "balances"):
            self.check_balance_interval()
        self.check_fx()
        return self.problems

    # -- values --------------------------------------------------------------------
    def check_values(self, source: Source) -> None:
        table = source.table
        assert self.limits is not None
        projections: list[str] = []
        cases: list[tuple[Column, str]] = []
        # the columns the contract does not know are kept in the store: they are free text to it
        extras = [Column(name, ColType.TEXT) for name in source.extra_columns]
        for col in (*table.columns, *extras):
            if col.name not in source.header:
                continue
            v = quote_ident("v_" + col.name)
            parts = []
            if col.required:
                parts.append(f"WHEN {v} IS NULL THEN 'value.required'")
            native = col.name in source.native
            rule = None if native else check_expr(col, v)
            sanity = sanity_expr(col, v, native, self.limits)
            checks = [c for c in (rule, sanity) if c]
            if checks:
                both = checks[0] if len(checks) == 1 else f"coalesce({checks[0]}, {checks[1]})"
                parts.append(f"WHEN {v} IS NOT NULL THEN ({both})")
            if parts:
                value = quote_ident(col.name) if native else _clean(col)
                projections.append(f"{value} AS {v}")
                cases.append((col, f"CASE {' '.join(parts)} END"))
        if not cases:
            return
        # One scan finds every bad row; each column's problems are then read
        # from that (normally tiny) table.
        bad = f"bad_{table.name}"
        errs = ", ".join(f"{expr} AS {quote_ident('e_' + col.name)}" for col, expr in cases)
        any_bad = " OR ".join(f"{quote_ident('e_' + col.name)} IS NOT NULL" for col, _ in cases)
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {bad} AS SELECT * FROM ("
            f"SELECT *, {errs} FROM (SELECT _file, _line, {', '.join(projections)} FROM {source.relation})) "
            f"WHERE {any_bad}"
        )
        for col, _ in cases:
            e, v = quote_ident("e_" + col.name), quote_ident("v_" + col.name)
            self._report(
                f"SELECT _file, _line, {e} AS code, {v} AS value FROM {bad} WHERE {e} IS NOT NULL "
                "ORDER BY _file, _line",
                "@code",
                source,
                col.name,
                lambda r: {"value": r["value"]},
                static={"allowed": ", ".join(col.values)},
            )

    def make_typed(self, source: Source) -> None:
        table = source.table
        cols = []
        for col in table.columns:
            if col.name in source.native:
                expr = f"CAST({quote_ident(col.name)} AS {STORED_TYPE[col.type]})"
            else:
                expr = typed_expr(col, _clean(col))
            if table.name == "assignments" and col.name == "kind":
                expr = f"coalesce({expr}, 'manage')"
            cols.append(f"{expr} AS {quote_ident(col.name)}")
        cols += [quote_ident(h) for h in source.extra_columns]
        # a key value that does not read (a malformed date) is reported as such, never as a duplicate of
        # another row's malformed value
        unreadable = []
        for k in table.key:
            if k in source.header and k not in source.native:
                text = _clean(table.column(k))
                unreadable.append(f"({text} IS NOT NULL AND {typed_expr(table.column(k), text)} IS NULL)")
        bad_key = " OR ".join(unreadable) or "false"
        self.con.execute(
            f"CREATE OR REPLACE VIEW typed_{table.name} AS "
            f"SELECT {', '.join(cols)}, _file, _line, ({bad_key}) AS _bad_key FROM {source.relation}"
        )

    # -- keys and references -----------------------------------------------------------
    def check_key(self, source: Source) -> None:
        key = source.table.key
        if not key:
            return
        typed = f"typed_{source.table.name}"
        cols = ", ".join(quote_ident(k) for k in key)
        on = " AND ".join(f"t.{quote_ident(k)} IS NOT DISTINCT FROM d.{quote_ident(k)}" for k in key)
        not_null = (
            " AND ".join(f"{quote_ident(k)} IS NOT NULL" for k in key if source.table.column(k).required) or "true"
        )
        sql = (
            f"WITH k AS (SELECT * FROM {typed} WHERE NOT _bad_key AND {not_null}), "
            f"d AS (SELECT {cols} FROM k GROUP BY ALL HAVING count(*) > 1), "
            "r AS (SELECT t.*, first_value(t._file) OVER w AS first_file, "
            "first_value(t._line) OVER w AS first_line, row_number() OVER w AS n "
            f"FROM k t JOIN d ON {on} "
            f"WINDOW w AS (PARTITION BY {', '.join('t.' + quote_ident(k) for k in key)} ORDER BY t._file, t._line)) "
            "SELECT * FROM r WHERE n > 1 ORDER BY _file, _line"
        )
        self._report(
            sql,
            "@code",
            source,
            key[0],
            lambda r: {
                "key": "(" + ", ".join("" if r[k] is None else str(r[k]) for k in key) + ")",
                "first_line": r["first_line"],
                "first_file": r["first_file"],
            },
            code_of=lambda r: "key.duplicate" if r["first_file"] == r["_file"] else "key.duplicate_file",
        )

    def check_refs(self, source: Source) -> None:
        typed = f"typed_{source.table.name}"
        for col in source.table.columns:
            if col.ref is None or col.name not in source.header:
                continue
            ref_table, ref_col = col.ref
            if ref_table not in self.sources:
                if ref_table != source.table.name:
                    has_values = self.con.execute(
                        f"SELECT count(*) FROM {typed} WHERE {quote_ident(col.name)} IS NOT NULL"
                    ).fetchone()
                    if has_values and has_values[0]:
                        self.problems.append(
                            warning(
                                "ref.table_missing", source.place(column=col.name), column=col.name, ref_table=ref_table
                            )
                        )
                continue
            # Distinct values first (a small aggregate even on the big table);
            # the rows behind a dangling value are read only when there is one.
            c = quote_ident(col.name)
            dangling = self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE dangling AS SELECT v FROM "
                f"(SELECT {c} AS v FROM {typed} WHERE {c} IS NOT NULL GROUP BY {c}) "
                f"WHERE NOT EXISTS (SELECT 1 FROM typed_{ref_table} b WHERE b.{quote_ident(ref_col)} = v); "
                "SELECT count(*) FROM dangling"
            ).fetchone()
            if not dangling or not dangling[0]:
                continue
            sql = (
                f"SELECT _file, _line, {c} AS value FROM {typed} "
                f"WHERE {c} IN (SELECT v FROM dangling) ORDER BY _file, _line"
            )
            self._report(
                sql,
                "ref.dangling",
                source,
                col.name,
                lambda r: {"value": r["value"]},
                static={"column": col.name, "ref_table": ref_table},
            )

    # -- org tree ----------------------------------------------------------------------
    def check_orgs(self) -> None:
        source = self.sources["orgs"]
        rows = self.con.execute(
            "SELECT org_id, parent_id, level, region_type, _file, _line FROM typed_orgs ORDER BY _line"
        ).fetchall()
        orgs = {r[0]: r for r in rows if r[0] is not None}
        heads = [r for r in rows if r[2] == "head"]
        if len(heads) != 1:
            where = source.place(heads[1][5], "level", heads[1][4]) if len(heads) > 1 else source.place(column="level")
            self.problems.append(error("org.head_count", where, count=len(heads)))
        rank = {"head": 0, "branch": 1, "subbranch": 2}
        for _org_id, parent_id, level, _region, file, line in rows:
            if level == "head" and parent_id is not None:
                self.problems.append(error("org.head_parent", source.place(line, "parent_id", file)))
            elif level in ("branch", "subbranch") and parent_id is None:
                self.problems.append(error("org.no_parent", source.place(line, "parent_id", file)))
            parent = orgs.get(parent_id) if parent_id is not None else None
            if parent is not None and level in rank and parent[2] in rank and rank[parent[2]] >= rank[level]:
                self.problems.append(
                    error("org.level_order", source.place(line, "level", file), level=level, parent_level=parent[2])
                )
        # cycles: follow parents from every org
        reported: set[str] = set()
        for start in orgs:
            path, node = [], start
            while node is not None and node in orgs and node not in path:
                path.append(node)
                node = orgs[node][1]
            if node is not None and node in path:
                cycle = path[path.index(node) :]
                key = min(cycle)
                if key not in reported:
                    reported.add(key)
                    first = orgs[key]
                    self.problems.append(
                        error(
                            "org.cycle",
                            source.place(first[5], "parent_id", first[4]),
                            path=" → ".join([*cycle, cycle[0]]),
                        )
                    )
        # region type: inherited from the parent when empty
        for org_id, _parent, level, _region, file, line in rows:
            if level != "subbranch" or org_id is None:
                continue
            if resolve_region(orgs, org_id) is None:
                self.problems.append(
                    warning("org.region_missing", source.place(line, "region_type", file), org_id=org_id)
                )

    # -- assignments ---------------------------------------------------------------------
    def check_assignments(self) -> None:
        source = self.sources["assignments"]
        self._report(
            "SELECT _file, _line, valid_from, valid_to FROM typed_assignments "
            "WHERE valid_to IS NOT NULL AND valid_to <= valid_from ORDER BY _file, _line",
            "assignment.valid_to",
            source,
            "valid_to",
            lambda r: {"valid_to": r["valid_to"], "valid_from": r["valid_from"]},
        )
        # The shares in force change only where a row starts, so the total
        # on every day is checked by checking it on every start day.
        sql = """
            WITH a AS (
                SELECT customer_id, account_id, share, valid_from,
                       coalesce(valid_to, DATE '9999-12-31') AS valid_to, _file, _line
                FROM typed_assignments
                WHERE customer_id IS NOT NULL AND share IS NOT NULL AND valid_from IS NOT NULL
                  AND (valid_to IS NULL OR valid_to > valid_from)
            )
            SELECT b.customer_id, b.account_id, b.valid_from AS day, sum(a.share) AS total,
                   min(b._file) AS _file, min(b._line) AS _line
            FROM (SELECT DISTINCT customer_id, account_id, valid_from, _file, _line FROM a) b
            JOIN a ON a.customer_id = b.customer_id
                  AND a.account_id IS NOT DISTINCT FROM b.account_id
                  AND a.valid_from <= b.valid_from AND b.valid_from < a.valid_to
            GROUP BY b.customer_id, b.account_id, b.valid_from, b._file, b._line
            HAVING sum(a.share) > 1
            ORDER BY _file, _line
        """
        self._report(
            sql,
            "assignment.share_over",
            source,
            "share",
            lambda r: {
                "customer_id": r["customer_id"],
                "account": f" / {r['account_id']}" if r["account_id"] else "",
                "day": r["day"],
                "total": _plain(r["total"]),
            },
        )

    def check_accounts(self) -> None:
        source = self.sources["accounts"]
        self._report(
            "SELECT _file, _line, opened_on, closed_on FROM typed_accounts "
            "WHERE closed_on < opened_on ORDER BY _file, _line",
            "account.closed_before_open",
            source,
            "closed_on",
            lambda r: {"opened_on": r["opened_on"], "closed_on": r["closed_on"]},
        )

    def balance_spans(self) -> str:
        """Per account: first and last day with a balance row (one cheap aggregate)."""
        if not getattr(self, "_spans", False):
            self.con.execute(
                "CREATE OR REPLACE TEMP TABLE balance_span AS SELECT account_id, min(date) AS first_day, "
                "max(date) AS last_day FROM typed_balances WHERE account_id IS NOT NULL GROUP BY account_id"
            )
            self._spans = True
        return "balance_span"

    def check_balance_interval(self) -> None:
        source = self.sources["balances"]
        spans = self.balance_spans()
        bad = self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE outside AS SELECT a.account_id, a.opened_on, a.closed_on "
            f"FROM {spans} s JOIN typed_accounts a ON a.account_id = s.account_id "
            "WHERE s.first_day < a.opened_on OR s.last_day > a.closed_on; SELECT count(*) FROM outside"
        ).fetchone()
        if not bad or not bad[0]:
            return
        sql = """
            SELECT b._file, b._line, b.account_id, b.date AS day, o.opened_on, o.closed_on
            FROM typed_balances b JOIN outside o ON o.account_id = b.account_id
            WHERE b.date < o.opened_on OR b.date > o.closed_on
            ORDER BY b._file, b._line
        """
        self._report(
            sql,
            "balance.outside_open",
            source,
            "date",
            lambda r: {
                "account_id": r["account_id"],
                "day": r["day"],
                "opened_on": r["opened_on"],
                "closed_on": r["closed_on"] or "…",
            },
        )

    # -- foreign exchange ------------------------------------------------------------------
    def check_fx(self) -> None:
        """A currency must have a rate on or before the first day it is used."""
        first_rate = (
            "(SELECT currency, min(date) AS first_rate FROM typed_fx_rates GROUP BY currency)"
            if self.has("fx_rates")
            else "(SELECT NULL::VARCHAR AS currency, NULL::DATE AS first_rate WHERE false)"
        )
        uses: list[tuple[str, str, str]] = []
        if self.has("accounts", "balances"):
            first_days = (
                f"SELECT a.currency, min(s.first_day) AS day FROM {self.balance_spans()} s "
                "JOIN typed_accounts a ON a.account_id = s.account_id GROUP BY a.currency"
            )
            rows_of = (
                "SELECT b._file, b._line FROM typed_balances b JOIN typed_accounts a ON a.account_id = b.account_id "
                "WHERE a.currency = ? AND b.date = ? ORDER BY b._file, b._line LIMIT 1"
            )
            uses.append(("balances", first_days, rows_of))
        if self.has("fees"):
            uses.append(
                (
                    "fees",
                    "SELECT currency, min(date) AS day FROM typed_fees GROUP BY currency",
                    "SELECT _file, _line FROM typed_fees WHERE currency = ? AND date = ? ORDER BY _file, _line LIMIT 1",
                )
            )
        for table, first_days, rows_of in uses:
            source = self.sources[table]
            failing = self.con.execute(
                f"SELECT f.currency, f.day, r.first_rate FROM ({first_days}) f LEFT JOIN {first_rate} r "
                "USING (currency) WHERE f.currency IS NOT NULL AND f.currency <> 'CNY' AND f.day IS NOT NULL "
                "AND (r.first_rate IS NULL OR f.day < r.first_rate) ORDER BY f.currency"
            ).fetchall()
            for currency, day, first in failing:
                where = self.con.execute(rows_of, [currency, day]).fetchone()
                place = source.place(where[1], "date", where[0]) if where else source.place(column="date")
                if first is None:
                    self.problems.append(error("fx.none", place, currency=currency, used_in=table))
                else:
                    self.problems.append(
                        error("fx.missing", place, currency=currency, day=day, used_in=table, first_rate=first)
                    )


def resolve_region(orgs: dict[str, tuple[Any, ...]], org_id: str) -> str | None:
    """The org's region_type, inherited from the nearest ancestor that has one."""
    seen: set[str] = set()
    node: str | None = org_id
    while node is not None and node in orgs and node not in seen:
        seen.add(node)
        if orgs[node][3] is not None:
            return str(orgs[node][3])
        node = orgs[node][1]
    return None


def _plain(value: Any) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def validate(con: duckdb.DuckDBPyConnection, sources: dict[str, Source]) -> list[Problem]:
    """Every problem of the package, errors and warnings."""
    return Validator(con, sources).run()


__all__ = ["Table", "Validator", "resolve_region", "validate"]
