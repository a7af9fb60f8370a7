"""Who may read what (数据访问范围): the one place every read of RMs, results, pay, ledger entries,
customers and accounts is scoped to the actor's part of the bank, and customer data masked by role.

A user's role grants (:class:`rmperf.services.context.Grant`) each cover an org unit and its whole
subtree (``org_id`` None: the whole bank); a 客户经理 grant covers that RM alone. Pages, the API and
the command line read through the functions here and nowhere else; an object outside the actor's
scope is refused with :class:`NotVisible`, which the web answers with 404 — its existence is not
revealed.

What each role reads (D182):

========================  ==========  =====  ================  ===============  ==========
role                      results     pay    customer amounts  customer names   audit log
========================  ==========  =====  ================  ===============  ==========
考核办 office               subtree     yes    yes               masked           yes
支行考核小组 committee(+head) subtree   yes    yes               masked           no
总行复核 rechecker          subtree     yes    yes               masked           yes
行长 president              subtree     yes    no (counts only)  masked           no
审计 auditor                subtree     yes    yes               masked           yes
客户经理 rm                 own only    own    own customers     own: in full     no
系统管理员 admin            none        no     no                —                yes
========================  ==========  =====  ================  ===============  ==========

The command line's local operator (the home's owner) reads everything in full.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rmperf.errors import UserError
from rmperf.services import words
from rmperf.services.context import Actor, Context

#: every role a grant can give, in the order a page lists them
ROLES = ("office", "committee", "committee_head", "rechecker", "president", "auditor", "rm", "admin")
#: roles that read the results (and the pay) of their subtree's RMs
_SUBTREE_READERS = frozenset(("office", "committee", "committee_head", "rechecker", "president", "auditor"))
#: roles that see the amounts behind a figure (customers' balances are C2 data, JR/T 0171)
_AMOUNT_READERS = frozenset(("office", "committee", "committee_head", "rechecker", "auditor"))
#: roles that read the audit log
_AUDIT_READERS = frozenset(("office", "rechecker", "auditor", "admin"))
#: roles that read the import log and every upload's progress (an uploader always reads their own)
_IMPORT_READERS = frozenset(("office", "rechecker", "auditor"))


class NotVisible(UserError):
    """The object is outside the actor's scope (or does not exist): the two are not told apart."""

    def __init__(self) -> None:
        super().__init__("access.not_found", {})


@dataclass(frozen=True)
class Scope:
    """What one actor may read.

    ``orgs``: the org units whose RMs' results and pay the actor reads (None: the whole bank);
    ``rms``: RMs read one by one (a 客户经理's own id); ``amounts``: the amounts behind a figure;
    ``full_names``: customers shown unmasked (the actor's own customers, or everyone's for the local
    operator); ``audit``: the audit log; ``people``: users and grants (the administrator); ``imports``:
    the import log and every upload's progress.
    """

    actor: Actor
    orgs: frozenset[str] | None = frozenset()
    rms: frozenset[str] = frozenset()
    amounts: bool = False
    own_customers: bool = False
    everything: bool = False
    audit: bool = False
    people: bool = False
    imports: bool = False

    def reads_rm(self, rm_id: str, org_id: str) -> bool:
        """Whether the actor reads RM ``rm_id`` of org unit ``org_id`` (their results, pay and accounts)."""
        if self.everything or rm_id in self.rms:
            return True
        return self.orgs is None or org_id in self.orgs

    def sees_amounts_of(self, rm_id: str) -> bool:
        """Whether the amounts behind ``rm_id``'s figures are shown (else only how many rows there are)."""
        return self.everything or self.amounts or (self.own_customers and rm_id in self.rms)

    def serves(self, rm_id: str) -> bool:
        """Whether the customers behind ``rm_id``'s figures are the actor's own (shown in full)."""
        return self.everything or (self.own_customers and rm_id in self.rms)

    @property
    def reads_results(self) -> bool:
        return self.everything or self.orgs is None or bool(self.orgs) or bool(self.rms)


def subtrees(parents: Mapping[str, str | None], roots: Iterable[str]) -> frozenset[str]:
    """The org units under ``roots`` (each root included), from org → parent."""
    children: dict[str, list[str]] = {}
    for org, parent in parents.items():
        if parent:
            children.setdefault(parent, []).append(org)
    out: set[str] = set()
    todo = [r for r in roots if r in parents]
    while todo:
        org = todo.pop()
        if org not in out:
            out.add(org)
            todo += children.get(org, [])
    return frozenset(out)


def scope_for(actor: Actor, parents: Mapping[str, str | None]) -> Scope:
    """The scope of ``actor``'s grants over the org tree ``parents`` (org → parent org)."""
    if actor.local:
        return Scope(actor, None, everything=True, amounts=True, audit=True, people=True, imports=True)
    whole = False
    roots: list[str] = []
    rms: set[str] = set()
    amounts = audit = people = own = False
    for g in actor.grants:
        if g.role in _SUBTREE_READERS:
            if g.org_id is None:
                whole = True
            else:
                roots.append(g.org_id)
            amounts = amounts or g.role in _AMOUNT_READERS
        elif g.role == "rm" and g.rm_id:
            rms.add(g.rm_id)
            own = True
        if g.role in _AUDIT_READERS:
            audit = True
        if g.role == "admin":
            people = True
    orgs = None if whole else subtrees(parents, roots)
    imports = any(g.role in _IMPORT_READERS for g in actor.grants)
    return Scope(actor, orgs, frozenset(rms), amounts, own, False, audit, people, imports)


def scope(ctx: Context) -> Scope:
    """The scope of the context's actor over the bank's org tree (as the store holds it now)."""
    return scope_for(ctx.actor, org_parents(ctx))


_TREES: dict[tuple[str, int | None], dict[str, tuple[str | None, str]]] = {}


def _orgs(ctx: Context) -> dict[str, tuple[str | None, str]]:
    """org_id → (parent org_id, name) of the bank, from the store (kept per store version: an import is
    a new one)."""
    from rmperf.store import FactStore

    ctx.setup()
    version = FactStore(ctx.home).current_version()
    key = (str(ctx.home.root), version)
    if key not in _TREES:
        if version is None:
            _TREES[key] = {}
        else:
            rows = ctx.backend().query("SELECT org_id, parent_id, name FROM orgs")
            _TREES[key] = {org: (parent, name) for org, parent, name in rows}
    return _TREES[key]


_MANAGERS: dict[tuple[str, int | None], dict[str, tuple[str, str]]] = {}


def _managers(ctx: Context) -> dict[str, tuple[str, str]]:
    """rm_id → (name, org_id) of the bank's RMs, from the store (kept per store version)."""
    from rmperf.store import FactStore

    ctx.setup()
    version = FactStore(ctx.home).current_version()
    key = (str(ctx.home.root), version)
    if key not in _MANAGERS:
        rows = ctx.backend().query("SELECT rm_id, name, org_id FROM managers") if version is not None else []
        _MANAGERS[key] = {rm: (name or "", org) for rm, name, org in rows}
    return _MANAGERS[key]


def org_parents(ctx: Context) -> dict[str, str | None]:
    """org_id → parent org_id of the bank."""
    return {org: parent for org, (parent, _) in _orgs(ctx).items()}


def org_name(ctx: Context, org_id: str | None) -> str:
    """An org unit's name (机构名称) as the store has it; an unknown unit is its id."""
    if not org_id:
        return ""
    found = _orgs(ctx).get(org_id)
    return found[1] if found else org_id


# --- masking (脱敏) ---------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """A person's or company's name with all but its first character hidden: 张三丰 → 张**."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else name


def mask_id(value: str) -> str:
    """An id with its middle hidden: 6222021234561234 → 6222********1234; C0000123 → C******3."""
    if len(value) >= 12:
        return value[:4] + "*" * (len(value) - 8) + value[-4:]
    if len(value) >= 3:
        return value[0] + "*" * (len(value) - 2) + value[-1]
    return "*" * len(value)


# --- reads --------------------------------------------------------------------------------------------------


def visible_runs(ctx: Context, limit: int = 50) -> list[Any]:
    """The home's runs, newest first, for an actor who reads any results (the administrator reads none)."""
    from rmperf.services.runs import list_runs

    if not scope(ctx).reads_results:
        return []
    return list_runs(ctx, limit)


def _stored(ctx: Context, run_id: int) -> Any:
    """The run of this home, for an actor who reads results (else, or when there is none: NotVisible)."""
    from rmperf.db.models import Run

    if not scope(ctx).reads_results:
        raise NotVisible()
    ctx.setup()
    found = Run.objects.filter(pk=run_id, store=ctx.home.store_id()).first()
    if found is None:
        raise NotVisible()
    return found


def run_info(ctx: Context, run_id: int) -> Any:
    """One run's record, if the actor reads results at all."""
    from rmperf.services.runs import info_of

    return info_of(_stored(ctx, run_id))


_UNITS: dict[str, tuple[dict[str, str], int]] = {}


def _units(the_run: Any) -> tuple[dict[str, str], int]:
    """The units of a run's inputs and its score places, from its stored scheme (kept per scheme hash)."""
    from rmperf.core.scheme import load_scheme
    from rmperf.reports.units import units_of_scheme

    if the_run.scheme_hash not in _UNITS:
        scheme = load_scheme(the_run.scheme_text, source=the_run.scheme_source)
        _UNITS[the_run.scheme_hash] = (units_of_scheme(scheme), scheme.header.rounding.places)
    return _UNITS[the_run.scheme_hash]


def _rows_in_scope(ctx: Context, the_run: Any) -> Any:
    """The run's result rows of the RMs the actor reads (filtered in the database)."""
    from django.db.models import Q

    found = scope(ctx)
    rows = the_run.results.all()
    if found.everything or found.orgs is None:
        return rows
    return rows.filter(Q(org_id__in=sorted(found.orgs)) | Q(rm_id__in=sorted(found.rms)))


def results(ctx: Context, run_id: int) -> list[dict[str, Any]]:
    """A run's per-RM records (``runs.report.record``) of the RMs in the actor's scope, by rank."""
    from rmperf.runs import report

    the_run = _stored(ctx, run_id)
    units, places = _units(the_run)
    records = [report.record(r.payload, units, places=places) for r in _rows_in_scope(ctx, the_run)]
    for r in records:
        r["org_name"] = org_name(ctx, r.get("org_id"))
    return sorted(records, key=lambda r: (str(r.get("group") or ""), r.get("rank") or 0, r["rm_id"]))


def _row(ctx: Context, run_id: int, rm_id: str) -> tuple[Any, Any]:
    the_run = _stored(ctx, run_id)
    row = _rows_in_scope(ctx, the_run).filter(rm_id=rm_id).first()
    if row is None:
        raise NotVisible()
    return the_run, row


def result(ctx: Context, run_id: int, rm_id: str) -> dict[str, Any]:
    """One RM's record of a run, if the actor reads that RM."""
    from rmperf.runs import report

    the_run, row = _row(ctx, run_id, rm_id)
    units, places = _units(the_run)
    record = report.record(row.payload, units, places=places)
    record["org_name"] = org_name(ctx, record.get("org_id"))
    return record


def payload(ctx: Context, run_id: int, rm_id: str) -> dict[str, Any]:
    """The stored trace of one RM's result (values, dimensions, items), if the actor reads that RM."""
    return dict(_row(ctx, run_id, rm_id)[1].payload)


@dataclass(frozen=True)
class Line:
    """One row behind a figure as the actor may see it: item and customer masked unless served,
    the amount None when the actor sees no amounts."""

    item: str
    customer: str
    category: str
    amount: Decimal | None


@dataclass(frozen=True)
class Opened:
    """A figure of an RM's run opened for the actor: its stored value, and a page of the rows behind it."""

    name: str
    kind: str
    stored: Decimal | None
    indicator: str | None
    total_rows: int
    lines: tuple[Line, ...]
    parts: Mapping[str, Opened]
    problem: str | None  # why nothing is shown (rendered in the actor's language)
    amounts: bool
    #: a manual value's uploaded row, a rating item's raters' rows (column → text)
    records: tuple[Mapping[str, str], ...] = ()


def _lines(contributions: Sequence[Any], serves: bool, amounts: bool) -> list[Line]:
    out = []
    for c in contributions:
        item, customer = (c.account_id, c.customer_id) if serves else (mask_id(c.account_id), mask_id(c.customer_id))
        out.append(Line(item, customer, c.category, c.value if amounts else None))
    return out


def explain_input(ctx: Context, run_id: int, rm_id: str, name: str, *, offset: int = 0, limit: int = 50) -> Opened:
    """The rows behind input ``name`` of ``rm_id``'s result in run ``run_id`` (the run's own figure,
    checked to the fen by ``services.explain``), a page of them, masked for the actor."""
    from rmperf.services.explain import explain_run

    found = scope(ctx)
    record = result(ctx, run_id, rm_id)  # NotVisible outside the scope
    del record
    explained = explain_run(ctx, run_id, rm_id, only=name)
    opened = next((i for i in explained.inputs if i.name == name), None)
    if opened is None:
        raise NotVisible()
    serves, amounts = found.serves(rm_id), found.sees_amounts_of(rm_id)
    problem = opened.mismatch or opened.why_not
    with ctx.language():
        text = problem.render(ctx.lang) if problem is not None else None
    rows: list[Line] = []
    parts: dict[str, Opened] = {}
    records: list[dict[str, str]] = []
    total = 0
    if opened.explanation is not None and problem is None:
        contributions = opened.explanation.accounts
        total = len(contributions)
        rows = _lines(contributions[offset : offset + limit], serves, amounts)
        for side, part in opened.explanation.parts.items():
            lines = _lines(part.accounts[offset : offset + limit], serves, amounts)
            parts[side] = Opened(side, "part", part.value, None, len(part.accounts), tuple(lines), {}, None, amounts)
    elif opened.rows and problem is None:
        total = len(opened.rows)
        records = [{k: "" if v is None else str(v) for k, v in r.items()} for r in opened.rows[offset : offset + limit]]
    return Opened(
        opened.name,
        opened.kind,
        opened.stored,
        opened.indicator,
        total,
        tuple(rows),
        parts,
        text,
        amounts,
        tuple(records),
    )


def audit_events(ctx: Context, *, action: str = "", actor: str = "", limit: int = 10_000) -> list[dict[str, Any]]:
    """The audit log, newest first, for the roles that read it; the administrator reads the changes of
    people and grants only (they see no pay)."""
    from rmperf.db.models import AuditEvent

    found = scope(ctx)
    if not found.audit:
        raise NotVisible()
    ctx.setup()
    events = AuditEvent.objects.order_by("-id")
    if not found.everything and all(g.role == "admin" for g in ctx.actor.grants if g.role in _AUDIT_READERS):
        events = events.filter(action__startswith="people.")
    if action:  # one kind of entry, or every kind a prefix names ("pay.")
        known = {code for code, _ in words.actions(ctx.lang)}
        events = events.filter(action=action) if action in known else events.filter(action__startswith=action)
    if actor:
        events = events.filter(actor=actor)
    return [
        {
            "id": e.pk,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "action_name": words.action(e.action, ctx.lang),
            "object": f"{e.object_type} {e.object_id}",
            "reason": e.reason,
            "before": (e.detail or {}).get("before"),
            "after": (e.detail or {}).get("after"),
            "detail": e.detail,
        }
        for e in events[:limit]
    ]


def paysheet(ctx: Context, run_id: int) -> Any:
    """A posted run's pay sheet (``pay.paysheet.PaySheet``) of the RMs the actor reads: a sub-branch's
    committee sees its sub-branch, a president their subtree, an RM their own line; the subtotals, the
    total and the ledger balances it reconciles to are of those RMs. Refused (``ledger.*``) when the
    run's pay is not posted."""
    from rmperf.pay import paysheet as sheets
    from rmperf.services.runs import org_tree

    _stored(ctx, run_id)
    found = scope(ctx)
    whole = found.everything or found.orgs is None
    keep = None if whole else (lambda rm_id, org: found.reads_rm(rm_id, org or ""))
    return sheets.build(ctx.home, run_id, org_tree(ctx), keep=keep)


@dataclass(frozen=True)
class RmLedger:
    """An RM's pay ledger as the actor may read it: the entries, the balances now, and the balances at the
    end of each day an entry is dated (``core.pay.ledger.balance_series``)."""

    rm_id: str
    name: str
    org_id: str
    org_name: str
    entries: tuple[Any, ...]  # core.pay.ledger.Entry, in the ledger's order
    balance: Any  # core.pay.ledger.Balance
    series: tuple[tuple[Any, Any], ...]  # (date, Balance)


def ledger(ctx: Context, rm_id: str) -> RmLedger:
    """RM ``rm_id``'s ledger, if the actor reads that RM's pay (an RM their own; else NotVisible)."""
    from rmperf.core.pay.ledger import balance_series
    from rmperf.pay.service import rm_ledger

    found = scope(ctx)
    known = _managers(ctx).get(rm_id)
    if known is None or not found.reads_results or not found.reads_rm(rm_id, known[1]):
        raise NotVisible()
    entries, balance = rm_ledger(ctx.home, rm_id)
    name, org = known
    return RmLedger(rm_id, name, org, org_name(ctx, org), tuple(entries), balance, tuple(balance_series(entries)))


def import_log(ctx: Context, limit: int = 50) -> list[Any]:
    """The import log (``services.data.ImportInfo``), newest first, for the roles that read it."""
    from dataclasses import replace

    from rmperf.services.data import imports

    if not scope(ctx).imports:
        raise NotVisible()
    return [replace(i, status_name=words.import_status(i.status, ctx.lang)) for i in imports(ctx, limit)]


def upload_jobs(ctx: Context, limit: int = 20) -> list[int]:
    """The ids of the latest uploads the actor reads: their own, or everyone's for the import log's readers."""
    from rmperf.db.models import UploadJob

    ctx.setup()
    jobs = UploadJob.objects.filter(store=ctx.home.store_id()).order_by("-id")
    if not scope(ctx).imports:
        jobs = jobs.filter(user=ctx.actor.user_id)
    return list(jobs.values_list("id", flat=True)[:limit])
