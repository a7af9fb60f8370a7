"""The bank data package contract (数据包格式), as data.

This module is the single machine-readable copy of
``shared/spec/data-contract.md``: every table, column, type, enum, key and
reference. The importer validates against it, the demo bank generates from
it and the store types its Parquet files from it. It is pure: no I/O.

Storage kinds:

* ``SNAPSHOT`` — reference data (参考数据). Every package carries the whole
  table; the store keeps one version per import that changed it, so a past
  period can be recomputed with the reference data it was computed with.
* ``BY_PERIOD`` — daily facts and events. A package carries some periods
  (days, months, appraisal periods); the store appends new periods and a
  package that carries a period again restates that period as a whole.

Beyond the contract's forms, the importer refuses what cannot be true whatever the file's format (a
balance below 0, a date outside ``DATE_RANGE``, control characters in ids and names) and what could
harm the host (links, pipes, decompression bombs, fields beyond their limits): docs/import-limits.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ColType(StrEnum):
    """Column types of the contract, with their stored (Parquet) types."""

    ID = "id"  # string, leading zeros matter
    TEXT = "text"  # free text, may be empty
    DATE = "date"  # ISO YYYY-MM-DD
    MONTH = "month"  # YYYY-MM
    PERIOD = "period"  # appraisal period label: 2025, 2025-H1, 2025-Q2, 2025-06
    AMOUNT = "amount"  # money, at most 2 fraction digits, row currency
    RATE = "rate"  # annual decimal fraction, 0.0215 = 2.15 %
    FX = "fx"  # CNY per unit of a currency, positive
    SHARE = "share"  # decimal in (0, 1]
    INT = "int"  # whole number >= 0
    DECIMAL = "decimal"  # score, points, hours: a decimal number
    BOOL = "bool"  # true/false (also 1/0, yes/no, t/f, 是/否)
    ENUM = "enum"  # one of a fixed set of values
    CURRENCY = "currency"  # ISO 4217 three-letter code


#: the days a date may be: anything earlier or later is a typing error (0000-01-01, 9999-12-31) that would
#: break every period computed over it
DATE_RANGE = ("1900-01-01", "2099-12-31")

#: Parquet/DuckDB storage type of each column type. Money is DECIMAL(18,2):
#: physically an int64 of fen, exact, summed by DuckDB as DECIMAL(38,2).
STORED_TYPE: dict[ColType, str] = {
    ColType.ID: "VARCHAR",
    ColType.TEXT: "VARCHAR",
    ColType.DATE: "DATE",
    ColType.MONTH: "VARCHAR",
    ColType.PERIOD: "VARCHAR",
    ColType.AMOUNT: "DECIMAL(18,2)",
    ColType.RATE: "DECIMAL(12,8)",
    ColType.FX: "DECIMAL(18,8)",
    ColType.SHARE: "DECIMAL(9,6)",
    ColType.INT: "BIGINT",
    ColType.DECIMAL: "DECIMAL(18,6)",
    ColType.BOOL: "BOOLEAN",
    ColType.ENUM: "VARCHAR",
    ColType.CURRENCY: "VARCHAR",
}


class Storage(StrEnum):
    SNAPSHOT = "snapshot"
    BY_PERIOD = "by_period"


@dataclass(frozen=True)
class Column:
    name: str
    type: ColType
    required: bool = False
    #: allowed values for ENUM columns
    values: tuple[str, ...] = ()
    #: (table, column) this column refers to; checked when both are present
    ref: tuple[str, str] | None = None
    #: an amount that cannot be below 0 (a balance: a loan's outstanding principal, a deposit with no
    #: overdraft, a holding of wealth products; interest due and received)
    non_negative: bool = False


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    storage: Storage
    required: bool = False
    #: columns whose values must be unique together (empty = no key)
    key: tuple[str, ...] = ()
    #: BY_PERIOD: the column whose value is the unit of append/restatement
    period_column: str | None = None
    description: str = ""
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self.column_index[name]

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def partition_kind(self) -> str | None:
        """How stored files are partitioned: by ``month`` or by ``period``."""
        if self.period_column is None:
            return None
        kind = self.column(self.period_column).type
        return "period" if kind is ColType.PERIOD else "month"


ORG_LEVELS = ("head", "branch", "subbranch")
REGION_TYPES = ("agri_county", "industrial_county", "urban")
POSTS = ("corporate", "retail", "inclusive", "wealth")
#: 见习, 初级一档, 中级二档, 中级一档, 高级三档, 高级二档, 高级一档, 资深 — lowest first
GRADES = ("trainee", "junior", "mid_2", "mid_1", "senior_3", "senior_2", "senior_1", "principal")
CUSTOMER_KINDS = ("personal", "corporate", "interbank")
ACCOUNT_CATEGORIES = ("deposit", "loan", "wealth")
ASSIGNMENT_KINDS = ("manage", "share")
CARD_KINDS = ("debit", "credit")
LOAN_GRADES = ("normal", "special_mention", "substandard", "doubtful", "loss")
NON_PERFORMING_GRADES = ("substandard", "doubtful", "loss")
RATER_ROLES = ("self", "supervisor", "committee", "department", "customer", "peer")


def _c(
    name: str,
    type_: ColType,
    required: bool = False,
    values: tuple[str, ...] = (),
    ref: tuple[str, str] | None = None,
    *,
    non_negative: bool = False,
) -> Column:
    return Column(name, type_, required, values, ref, non_negative)


T = ColType
ORG = ("orgs", "org_id")
RM = ("managers", "rm_id")
CUSTOMER = ("customers", "customer_id")
ACCOUNT = ("accounts", "account_id")

TABLES: tuple[Table, ...] = (
    # ---- reference tables (required) -------------------------------------
    Table(
        "orgs",
        (
            _c("org_id", T.ID, True),
            _c("parent_id", T.ID, ref=ORG),
            _c("name", T.TEXT, True),
            _c("level", T.ENUM, True, ORG_LEVELS),
            _c("region_type", T.ENUM, values=REGION_TYPES),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("org_id",),
        description="机构 organisation tree: head office, branches, sub-branches",
    ),
    Table(
        "managers",
        (
            _c("rm_id", T.ID, True),
            _c("name", T.TEXT, True),
            _c("org_id", T.ID, True, ref=ORG),
            _c("post", T.ENUM, True, POSTS),
            _c("grade", T.ENUM, True, GRADES),
            _c("rm_since", T.DATE, True),
            _c("team", T.ID),
            _c("probation_until", T.DATE),
            _c("left_on", T.DATE),
            _c("manages_people", T.BOOL),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("rm_id",),
        description="客户经理 relationship managers",
    ),
    Table(
        "customers",
        (
            _c("customer_id", T.ID, True),
            _c("kind", T.ENUM, True, CUSTOMER_KINDS),
            _c("org_id", T.ID, True, ref=ORG),
            _c("segment", T.TEXT),
            _c("village_id", T.ID, ref=("villages", "village_id")),
            _c("is_agri", T.BOOL),
            _c("is_inclusive", T.BOOL),
            _c("is_new_agri_entity", T.BOOL),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("customer_id",),
        description="客户 customers; org_id is the home sub-branch (public pool)",
    ),
    Table(
        "accounts",
        (
            _c("account_id", T.ID, True),
            _c("customer_id", T.ID, True, ref=CUSTOMER),
            _c("category", T.ENUM, True, ACCOUNT_CATEGORIES),
            _c("product", T.ID, True),
            _c("currency", T.CURRENCY, True),
            _c("opened_on", T.DATE, True),
            _c("closed_on", T.DATE),
            _c("rate", T.RATE),
            _c("term_months", T.INT),
            _c("guide_rate", T.RATE),
            _c("is_agri", T.BOOL),
            _c("is_inclusive", T.BOOL),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("account_id",),
        description="账户 deposit, loan and wealth accounts",
    ),
    Table(
        "assignments",
        (
            _c("customer_id", T.ID, True, ref=CUSTOMER),
            _c("rm_id", T.ID, True, ref=RM),
            _c("share", T.SHARE, True),
            _c("valid_from", T.DATE, True),
            _c("valid_to", T.DATE),
            _c("account_id", T.ID, ref=ACCOUNT),
            _c("kind", T.ENUM, values=ASSIGNMENT_KINDS),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("customer_id", "account_id", "rm_id", "valid_from"),
        description="认领/分户 who manages a customer (or one account), from when, what share",
    ),
    Table(
        "ftp_rates",
        (
            _c("valid_from", T.DATE, True),
            _c("product", T.ID, True),
            _c("rate", T.RATE, True),
            _c("term_months", T.INT),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("product", "term_months", "valid_from"),
        description="内部资金转移价格 FTP rates",
    ),
    Table(
        "fx_rates",
        (
            _c("date", T.DATE, True),
            _c("currency", T.CURRENCY, True),
            _c("cny_per_unit", T.FX, True),
        ),
        Storage.SNAPSHOT,
        required=True,
        key=("date", "currency"),
        description="中间价 central parity",
    ),
    # ---- daily facts (required) ------------------------------------------
    Table(
        "balances",
        (
            _c("date", T.DATE, True),
            _c("account_id", T.ID, True, ref=ACCOUNT),
            _c("balance", T.AMOUNT, True, non_negative=True),
        ),
        Storage.BY_PERIOD,
        required=True,
        key=("date", "account_id"),
        period_column="date",
        description="日终余额 end-of-day balances",
    ),
    # ---- events (optional) -----------------------------------------------
    Table(
        "fees",
        (
            _c("date", T.DATE, True),
            _c("customer_id", T.ID, True, ref=CUSTOMER),
            _c("product", T.ID, True),
            _c("amount", T.AMOUNT, True),
            _c("currency", T.CURRENCY, True),
            _c("account_id", T.ID, ref=ACCOUNT),
            _c("rm_id", T.ID, ref=RM),
        ),
        Storage.BY_PERIOD,
        period_column="date",
        description="中间业务收入 fee and commission income",
    ),
    Table(
        "cards",
        (
            _c("card_id", T.ID, True),
            _c("customer_id", T.ID, True, ref=CUSTOMER),
            _c("kind", T.ENUM, True, CARD_KINDS),
            _c("issued_on", T.DATE, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("quality", T.BOOL),
        ),
        Storage.SNAPSHOT,
        key=("card_id",),
        description="银行卡 cards issued",
    ),
    Table(
        "card_activity",
        (
            _c("month", T.MONTH, True),
            _c("card_id", T.ID, True, ref=("cards", "card_id")),
            _c("txn_count", T.INT, True),
        ),
        Storage.BY_PERIOD,
        key=("month", "card_id"),
        period_column="month",
        description="动户 qualifying card transactions per month",
    ),
    Table(
        "loan_grades",
        (
            _c("date", T.DATE, True),
            _c("account_id", T.ID, True, ref=ACCOUNT),
            _c("grade", T.ENUM, True, LOAN_GRADES),
        ),
        Storage.BY_PERIOD,
        key=("date", "account_id"),
        period_column="date",
        description="五级分类 five-tier loan classification at month end",
    ),
    Table(
        "loan_checks",
        (
            _c("due_on", T.DATE, True),
            _c("account_id", T.ID, True, ref=ACCOUNT),
            _c("rm_id", T.ID, True, ref=RM),
            _c("done_on", T.DATE),
        ),
        Storage.BY_PERIOD,
        key=("due_on", "account_id"),
        period_column="due_on",
        description="贷后检查 post-loan inspections",
    ),
    Table(
        "villages",
        (
            _c("village_id", T.ID, True),
            _c("org_id", T.ID, True, ref=ORG),
            _c("name", T.TEXT),
        ),
        Storage.SNAPSHOT,
        key=("village_id",),
        description="行政村 villages in a sub-branch's territory",
    ),
    Table(
        "visits",
        (
            _c("date", T.DATE, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("customer_id", T.ID, ref=CUSTOMER),
            _c("village_id", T.ID, ref=("villages", "village_id")),
            _c("kind", T.TEXT),
        ),
        Storage.BY_PERIOD,
        period_column="date",
        description="走访 customer and village visits",
    ),
    Table(
        "surveys",
        (
            _c("date", T.DATE, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("customer_id", T.ID, True, ref=CUSTOMER),
            _c("score", T.DECIMAL, True),
            _c("response_hours", T.DECIMAL),
            _c("resolved", T.BOOL),
            _c("would_recommend", T.BOOL),
        ),
        Storage.BY_PERIOD,
        period_column="date",
        description="回访 satisfaction call-backs, score 0-100",
    ),
    Table(
        "violations",
        (
            _c("date", T.DATE, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("code", T.ID, True),
            _c("points", T.DECIMAL, True),
            _c("veto", T.BOOL),
            _c("description", T.TEXT),
            _c("rectified_on", T.DATE),
        ),
        Storage.BY_PERIOD,
        period_column="date",
        description="违规 compliance findings; veto = 一票否决",
    ),
    Table(
        "attendance",
        (
            _c("month", T.MONTH, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("required_days", T.INT, True),
            _c("present_days", T.INT, True),
        ),
        Storage.BY_PERIOD,
        key=("month", "rm_id"),
        period_column="month",
        description="考勤 attendance",
    ),
    Table(
        "tasks",
        (
            _c("month", T.MONTH, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("assigned", T.INT, True),
            _c("completed", T.INT, True),
            _c("kind", T.TEXT),
        ),
        Storage.BY_PERIOD,
        key=("month", "rm_id", "kind"),
        period_column="month",
        description="协作任务 collaboration and routine tasks",
    ),
    Table(
        "loan_interest",
        (
            _c("month", T.MONTH, True),
            _c("account_id", T.ID, True, ref=ACCOUNT),
            _c("due", T.AMOUNT, True, non_negative=True),
            _c("received", T.AMOUNT, True, non_negative=True),
        ),
        Storage.BY_PERIOD,
        key=("month", "account_id"),
        period_column="month",
        description="应收利息 interest due and received (unpaid interest 欠息)",
    ),
    Table(
        "expenses",
        (
            _c("month", T.MONTH, True),
            _c("amount", T.AMOUNT, True),
            _c("kind", T.TEXT, True),
            _c("rm_id", T.ID, ref=RM),
            _c("org_id", T.ID, ref=ORG),
        ),
        Storage.BY_PERIOD,
        period_column="month",
        description="营销费用与分摊成本 marketing expenses and allocated costs, in CNY",
    ),
    Table(
        "ratings",
        (
            _c("period", T.PERIOD, True),
            _c("rm_id", T.ID, True, ref=RM),
            _c("rater_id", T.ID, True),
            _c("rater_role", T.ENUM, True, RATER_ROLES),
            _c("criterion", T.ID, True),
            _c("score", T.DECIMAL, True),
        ),
        Storage.BY_PERIOD,
        key=("period", "rm_id", "rater_id", "criterion"),
        period_column="period",
        description="定性评价 qualitative ratings",
    ),
)

TABLE_INDEX: dict[str, Table] = {t.name: t for t in TABLES}
REFERENCE_TABLES = tuple(t.name for t in TABLES if t.storage is Storage.SNAPSHOT)
REQUIRED_TABLES = tuple(t.name for t in TABLES if t.required)


def table(name: str) -> Table:
    return TABLE_INDEX[name]
