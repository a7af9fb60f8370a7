"""Pay from stored runs, and the pay ledger (薪酬台账) in the application database.

The I/O around ``rmperf.core.pay.rules`` (pay lines) and ``rmperf.core.pay.ledger``
(entries): a run's pay is computed with the pay rules of the scheme text the
run stored, for the RMs as the run's store version knew them, with the
sub-branch's recorded adjustments, and posted to the ledger. Every change
writes an ``AuditEvent`` (who, when, what, why); ledger rows are never
changed or deleted.

A run's *posting* is ``<scheme id>@<period>``: a bank may pay from more than
one scheme in a period (a quarterly and an annual one), each its own stream of
entries; a second run of the same scheme and period (a corrected run) posts
the differences as correction entries.
"""

from __future__ import annotations

import getpass
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rmperf.core.indicators import InputKey
from rmperf.core.pay import ledger
from rmperf.core.pay.ledger import Balance, Balances, Entry, Spike
from rmperf.core.pay.policy import LedgerPolicy
from rmperf.core.pay.rules import Adjustment, PayComponent, PayLine, ResolvedPay, RmFacts, compute_pay
from rmperf.core.periods import Period
from rmperf.core.scheme.errors import Word
from rmperf.errors import UserError
from rmperf.home import Home
from rmperf.runs.service import Upload

FEN = Decimal("0.01")


class LedgerError(UserError):
    """A refused pay or ledger action: an i18n code (``ledger.*``) and its params."""


# --- entries ⇄ rows -------------------------------------------------------------------------------


def _fen(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def entry_of(row: Any) -> Entry:
    """The ledger entry of a ``LedgerEntry`` row."""
    return Entry(
        rm_id=row.rm_id,
        cycle=row.cycle,
        kind=row.kind,
        amount=Decimal(row.amount_fen).scaleb(-2),
        on=row.on,
        due=row.due,
        reason=row.reason,
        ref=row.ref,
        approval=row.approval or None,
        posting=row.posting,
        key=row.key,
        pool=row.pool,
        claim=row.claim or None,
    )


def _save(entries: Sequence[Entry], home: Home, user: str, at: datetime, run: Any = None) -> str:
    """Append ``entries`` to the store's ledger chain; the chain's new head."""
    from rmperf.db.chain import append_ledger
    from rmperf.db.models import LedgerEntry

    return append_ledger(
        home.store_id(),
        [
            LedgerEntry(
                store=home.store_id(),
                rm_id=e.rm_id,
                cycle=e.cycle,
                kind=e.kind,
                amount_fen=_fen(e.amount),
                on=e.on,
                due=e.due,
                reason=e.reason,
                ref=e.ref,
                approval=e.approval or "",
                posting=e.posting,
                key=e.key,
                pool=e.pool,
                claim=e.claim or "",
                run=run,
                created_at=at,
                created_by=user,
            )
            for e in entries
        ],
    )


def history(home: Home, *, rm_id: str | None = None, posting: str | None = None) -> list[Entry]:
    """The store's ledger entries in the order they were written (one RM's, one posting's, or all)."""
    from rmperf.db.models import LedgerEntry

    rows = LedgerEntry.objects.filter(store=home.store_id())
    if rm_id is not None:
        rows = rows.filter(rm_id=rm_id)
    if posting is not None:
        rows = rows.filter(posting=posting)
    return [entry_of(r) for r in rows.order_by("id")]


def _audit(actor: str, action: str, object_type: str, object_id: str, detail: dict[str, Any], reason: str = "") -> None:
    from rmperf.db.chain import audit

    audit(actor, action, object_type, object_id, detail, reason)


def check_intact(home: Home, run: Any = None) -> None:
    """Refuse to post pay on a ledger or a run that was edited behind the application's back (D164)."""
    from rmperf.pay.integrity import ledger_and_run

    found = ledger_and_run(home, run)
    if found:
        raise LedgerError(found[0].code, found[0].params)


# --- a run's pay ------------------------------------------------------------------------------------


@dataclass
class RunPay:
    """A stored run with its scheme's pay rules and the RMs as its store version knew them."""

    run: Any
    payloads: list[dict[str, Any]]
    period: Period
    pay: ResolvedPay
    facts: dict[str, RmFacts]
    names: dict[str, str]
    #: RMs on probation on the run's last day (``managers.probation_until``, 003 第十六条)
    on_probation: frozenset[str] = frozenset()
    home: Home | None = None

    @property
    def posting(self) -> str:
        return f"{self.run.scheme_id}@{self.period.label}"

    @property
    def policy(self) -> LedgerPolicy:
        return self.pay.ledger

    @property
    def posts(self) -> dict[str, str]:
        return {rm: f.post for rm, f in self.facts.items()}


def run_pay(home: Home, run_id: int) -> RunPay:
    """Load run ``run_id``, resolve its scheme's ``pay:`` section for its period, read its RMs."""
    from rmperf.core.scheme import load_scheme, resolve
    from rmperf.db.models import Run
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.runs.collect import rm_contexts
    from rmperf.runs.service import load_results
    from rmperf.store import FactStore

    try:
        run, payloads = load_results(run_id)
    except Run.DoesNotExist:
        raise LedgerError("ledger.no_run", {"run": run_id}) from None
    scheme = load_scheme(run.scheme_text, source=run.scheme_source)
    period = Period.parse(run.period)
    resolved = resolve(scheme, period.start, period.end, period.kind, label=period.label)
    if resolved.pay is None:
        raise LedgerError("ledger.no_pay_section", {"run": run_id, "scheme": run.scheme_id})
    backend = DuckDBBackend(FactStore(home), version=run.store_version)
    contexts = rm_contexts(backend)
    facts = {
        rm: RmFacts(rm, c.org_id, c.post, subbranch=c.subbranch, branch=c.branch, grade=c.grade)
        for rm, c in contexts.items()
    }
    names = {rm: c.name or "" for rm, c in contexts.items()}
    on_probation = frozenset(
        str(rm)
        for rm, until in backend.query("SELECT rm_id, probation_until FROM managers WHERE probation_until IS NOT NULL")
        if until is not None and date.fromisoformat(str(until)) >= period.end
    )
    return RunPay(run, payloads, period, resolved.pay, facts, names, on_probation, home)


def adjustments_of(run_id: int) -> dict[str, Adjustment]:
    """The sub-branch's adjustments in force for a run, the latest recorded per RM (D141).

    An adjustment is the committee's decision about the person and the period, not about one
    computation: a row recorded on an earlier run of the same store, scheme and period stands for
    this run too (``Adjustment.carried_from`` names that run) until a newer row replaces it or
    withdraws it. Rows recorded on later runs do not reach back.
    """
    from rmperf.db.models import PayAdjustment, Run

    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        return {}
    runs = Run.objects.filter(store=run.store, scheme_id=run.scheme_id, period=run.period, id__lte=run_id)
    out: dict[str, Adjustment] = {}
    for row in PayAdjustment.objects.filter(run__in=runs).order_by("id"):
        if row.withdrawn:
            out.pop(row.rm_id, None)
            continue
        out[row.rm_id] = Adjustment(
            reason=row.reason,
            by=row.by,
            amount=Decimal(row.amount) if row.amount else None,
            share=Decimal(row.share) if row.share else None,
            carried_from=row.run_id if row.run_id != run_id else None,
        )
    return out


def check_pools(rp: RunPay, pools: Mapping[str, Decimal] | None) -> None:
    """Refuse pool amounts the scheme would not use: no pool rule, a fixed pool, or an org that is no pool's."""
    if not pools:
        return
    rule = rp.pay.pool
    if rule is None:
        raise LedgerError("ledger.pool_not_used", {"run": rp.run.pk, "scheme": rp.run.scheme_id})
    if not rule.from_table:
        raise LedgerError("ledger.pool_fixed", {"run": rp.run.pk, "scheme": rp.run.scheme_id})
    paid = {rp.payloads[i]["rm_id"] for i in range(len(rp.payloads))}
    keys = set()
    for rm, facts in rp.facts.items():
        if rm not in paid:
            continue
        key = "bank" if rule.level == "bank" else (facts.branch if rule.level == "branch" else facts.subbranch)
        if key:
            keys.add(key)
    unknown = sorted(set(pools) - keys)
    if unknown:
        raise LedgerError(
            "ledger.pool_unknown_org",
            {"orgs": ", ".join(unknown), "level": Word(f"word.level.{rule.level}"), "known": ", ".join(sorted(keys))},
        )


def statuses_of(rp: RunPay, given: Mapping[str, str] | None = None) -> dict[str, str]:
    """Each RM's pay status on the run's last day: ``given`` (the office's table) over probation from managers."""
    out = dict.fromkeys(sorted(rp.on_probation), "probation")
    for rm, status in (given or {}).items():
        if status == "normal":
            out.pop(rm, None)
        else:
            out[rm] = status
    return out


def compute_lines(
    rp: RunPay,
    *,
    pools: Mapping[str, Decimal] | None = None,
    adjustments: Mapping[str, Adjustment] | None = None,
    statuses: Mapping[str, str] | None = None,
) -> tuple[PayLine, ...]:
    """The run's pay lines (raises ``rmperf.core.pay.rules.PayError`` listing every problem).

    ``statuses``: rm_id → ``grace``, ``living_allowance``, ``probation`` or ``normal`` as the office
    recorded them (the grade decisions, 003 第二十七条); probation also comes from ``managers``.
    """
    from dataclasses import replace

    check_pools(rp, pools)
    status = statuses_of(rp, statuses)
    facts = {rm: replace(f, status=status.get(rm)) for rm, f in rp.facts.items()}
    settled, since = settled_before(rp) if rp.pay.settlement == "year_to_date" else (None, "")
    return compute_pay(
        rp.pay,
        rp.payloads,
        facts,
        pools=pools or None,
        adjustments=adjustments or None,
        settled=settled,
        settled_since=since,
    )


def settled_before(rp: RunPay) -> tuple[dict[str, dict[str, Decimal]], str]:
    """What the year's earlier settlements of the run's scheme paid, per RM and component (003 按季清算).

    The latest posting of every other period of the scheme in the same year ending on or before the
    run's period end counts (a quarter and the year both end on 31 December: whichever is posted second
    pays only what is left). Adjustments are decisions about their own settlement and are not carried.
    A settlement whose period ends before one already posted is refused: the later one already counts
    the year so far, so correct that one instead.
    """
    from rmperf.db.models import PayPosting

    if rp.home is None:
        return {}, ""
    year = rp.period.year
    out: dict[str, dict[str, Decimal]] = {}
    labels: list[str] = []
    latest: dict[str, Any] = {}
    for posting in PayPosting.objects.filter(
        store=rp.home.store_id(), posting__startswith=f"{rp.run.scheme_id}@{year}"
    ).order_by("id"):
        latest[posting.posting] = posting
    for key, posting in sorted(latest.items()):
        if key == rp.posting:
            continue
        try:
            other = Period.parse(key.partition("@")[2])
        except ValueError:
            continue
        if other.year != year or (rp.pay.paying_kinds is not None and other.kind not in rp.pay.paying_kinds):
            continue  # another year, or a run kind that pays nothing (the July evaluation's half year)
        if other.end > rp.period.end:
            raise LedgerError(
                "ledger.settlement_order", {"run": rp.run.pk, "period": rp.period.label, "later": other.label}
            )
        labels.append(f"{other.label}(批次 {posting.run_id})")
        for line in posting.lines:
            mine = out.setdefault(line["rm_id"], {})
            for c in line["components"]:
                if c["kind"] == "adjustment":
                    continue
                mine[c["label_zh"]] = mine.get(c["label_zh"], Decimal("0.00")) + Decimal(c["amount"])
    return out, "、".join(labels) or "—"


def read_statuses(path: Path | Upload) -> dict[str, str]:
    """The office's table of pay statuses (CSV/XLSX): ``rm_id, status`` — or a grade proposals table
    (``rmperf grades --out``) whose ``action`` is ``grace`` or ``living_allowance`` once approved."""
    from rmperf.core.pay.rules import STATUSES
    from rmperf.runs.service import read_table

    out: dict[str, str] = {}
    for row in read_table(path):
        line = row.get("_line", "?")
        rm = str(row.get("rm_id") or "").strip()
        status = str(row.get("status") or "").strip()
        if not status and "action" in row:
            action = str(row.get("action") or "").strip()
            status = action if action in ("grace", "living_allowance") else ""
            if not status:
                continue
        if not rm or status not in (*STATUSES, "normal"):
            raise LedgerError(
                "ledger.bad_status_row",
                {"file": str(path), "line": line, "value": status, "allowed": ", ".join((*STATUSES, "normal"))},
            )
        out[rm] = status
    return out


def line_json(line: PayLine, rp: RunPay) -> dict[str, Any]:
    f = rp.facts.get(line.rm_id)
    return {
        "rm_id": line.rm_id,
        "name": rp.names.get(line.rm_id, ""),
        "org_id": f.org_id if f else "",
        "subbranch": f.subbranch if f else None,
        "branch": f.branch if f else None,
        "post": f.post if f else "",
        "cycle": line.cycle,
        "components": [
            {
                "kind": c.kind,
                "label_zh": c.label_zh,
                "label_en": c.label_en,
                "amount": format(c.amount, "f"),
                "formula": c.formula,
                "ref": c.ref,
            }
            for c in line.components
        ],
        "gross": format(line.gross, "f"),
        "performance": format(line.performance, "f"),
        "notes": list(line.notes),
    }


def line_of(data: Mapping[str, Any]) -> PayLine:
    return PayLine(
        rm_id=data["rm_id"],
        cycle=data["cycle"],
        components=tuple(
            PayComponent(c["kind"], c["label_zh"], c["label_en"], Decimal(c["amount"]), c["formula"], c.get("ref"))
            for c in data["components"]
        ),
        gross=Decimal(data["gross"]),
        performance=Decimal(data["performance"]),
        notes=tuple(data.get("notes") or ()),
    )


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def read_spikes(path: Path | Upload) -> dict[str, Spike]:
    """A spikes table (CSV or XLSX): ``rm_id, increase, reversed[, pay]`` — plain decimals per RM."""
    from rmperf.runs.service import read_table

    out: dict[str, Spike] = {}
    for row in read_table(path):
        line = row.get("_line", "?")
        try:
            rm_id = str(row["rm_id"]).strip()
            pay = str(row.get("pay") or "").strip()
            out[rm_id] = Spike(
                Decimal(str(row["increase"]).strip()),
                Decimal(str(row["reversed"]).strip()),
                Decimal(pay) if pay else None,
            )
        except (KeyError, InvalidOperation):
            raise LedgerError("ledger.bad_spike_row", {"file": str(path), "line": line}) from None
    return out


#: engine indicators whose value rests on the period-end balances (a year-end spike lifts them)
POINT_CODES = frozenset({"point_balance", "point_increment", "aum", "aum_increment"})


def spike_inputs(scheme: Any) -> list[tuple[str, str]]:
    """(code, category) of the scheme's engine inputs a period-end deposit rise lifts.

    Every input that reads a period-end balance of deposits — a point balance or increment, managed
    assets — whatever items or formulas then use it (A3's 时点增量, B1, B2's 管理资产增量 …).
    """
    out = []
    for spec in scheme.inputs.values():
        if spec.indicator in POINT_CODES and (
            spec.category in ("all", "deposit") or spec.category.startswith("deposit/")
        ):
            out.append((spec.indicator, spec.category))
    return sorted(set(out))


def engine_spikes(
    home: Home,
    run_id: int,
    *,
    pools: Mapping[str, Decimal] | None = None,
    statuses: Mapping[str, str] | None = None,
) -> tuple[dict[str, Spike], list[str]]:
    """Year-end spikes of a run from the engine (003 冲时点, ``ledger.spike_window_days``), and the pay they earned.

    Per RM, ``rmperf.engine.spikes`` measures the period-end rise of its deposit accounts and the
    part of it gone within the window after the period end. The pay that reversed rise explains is
    found by re-scoring the run without it (``rmperf.runs.counterfactual``): every input that reads
    a period-end deposit balance is lowered by the reversal of its own category, every item and
    formula over those inputs follows, and the deferral is the run's performance pay less the pay
    of that counterfactual — in proportion to how much of each item the reversal explains.
    """
    from dataclasses import replace

    from rmperf.core.scheme import load_scheme
    from rmperf.engine.backend import DuckDBBackend
    from rmperf.engine.spikes import compute_spikes
    from rmperf.runs.collect import rm_contexts
    from rmperf.runs.counterfactual import reevaluate
    from rmperf.store import FactStore

    rp = run_pay(home, run_id)
    window = rp.policy.spike_window_days
    if window <= 0:
        return {}, ["spike_window_off"]
    scheme = load_scheme(rp.run.scheme_text, source=rp.run.scheme_source)
    keys = spike_inputs(scheme)
    if not keys:
        return {}, ["spike_no_items"]
    backend = DuckDBBackend(FactStore(home), rp.run.store_version)
    result = compute_spikes(backend, rp.period, window, rp.pay.rounding)
    if not result.complete:
        return {}, result.notes
    appraised = {p["rm_id"] for p in rp.payloads}
    lowered: dict[str, dict[InputKey, Decimal]] = {}
    for (kind, owner), cats in result.reversals.items():
        if kind != "rm" or owner not in appraised:
            continue
        changes = {}
        for code, category in keys:
            amount = cats.get("deposit" if category == "all" else category)
            if amount:
                changes[InputKey(code, category)] = amount
        if changes:
            lowered[owner] = changes
    if not lowered:
        return {}, result.notes
    without = reevaluate(
        rp.run.scheme_text, rp.run.scheme_source, rp.run.period, rp.payloads, list(rm_contexts(backend).values()),
        lowered,
    )  # fmt: skip
    adjustments = adjustments_of(run_id)
    actual = {line.rm_id: line for line in compute_lines(rp, pools=pools, adjustments=adjustments, statuses=statuses)}
    counter = {
        line.rm_id: line
        for line in compute_lines(
            replace(rp, payloads=without), pools=pools, adjustments=adjustments, statuses=statuses
        )
    }
    out: dict[str, Spike] = {}
    for rm in sorted(lowered):
        line, other = actual.get(rm), counter.get(rm)
        if line is None or other is None:
            continue
        deferred = line.performance - other.performance
        if deferred <= 0:
            continue
        reversed_ = result.reversals[("rm", rm)].get("deposit", Decimal(0))
        out[rm] = Spike(result.rises.get(("rm", rm), reversed_), reversed_, line.performance, deferred)
    return out, result.notes


@dataclass
class PostOutcome:
    run_id: int
    posting: str
    cycle: str
    #: False when the same pay was already the latest posting of its cycle (nothing changed)
    created: bool
    entries: list[Entry]
    lines: tuple[PayLine, ...]
    balances: Balances
    posting_id: int | None = None
    notes: list[str] = field(default_factory=list)


def _today() -> date:
    return datetime.now(UTC).astimezone().date()


def pay_run(
    home: Home,
    run_id: int,
    *,
    pools: Mapping[str, Decimal] | None = None,
    spikes: Mapping[str, Spike] | None = None,
    statuses: Mapping[str, str] | None = None,
    user: str = "",
    on: date | None = None,
) -> PostOutcome:
    """Compute run ``run_id``'s pay and post it to the ledger (once: the same inputs again change nothing).

    Pools, spikes and statuses given before for this run are kept when a re-post (after an
    adjustment) does not give them again.
    """
    from django.db import IntegrityError

    try:
        return _post(home, run_id, pools=pools, spikes=spikes, statuses=statuses, user=user, on=on)
    except IntegrityError:  # another posting took the next place at the same moment: this one wrote nothing
        raise LedgerError("ledger.busy", {}) from None


def _post(
    home: Home,
    run_id: int,
    *,
    pools: Mapping[str, Decimal] | None,
    spikes: Mapping[str, Spike] | None,
    statuses: Mapping[str, str] | None,
    user: str,
    on: date | None,
) -> PostOutcome:
    from django.db import transaction

    from rmperf.db.chain import lock
    from rmperf.db.models import PayPosting

    rp = run_pay(home, run_id)
    with transaction.atomic():
        # one posting of a scheme and period at a time: a second one waits, then finds the first (D166)
        lock(f"posting:{home.store_id()}:{rp.posting}")
        check_intact(home, rp.run)
        last_of_run = PayPosting.objects.filter(store=home.store_id(), run_id=run_id).order_by("-id").first()
        if pools is None and last_of_run is not None:
            pools = {k: Decimal(v) for k, v in (last_of_run.inputs.get("pools") or {}).items()}
        if spikes is None and last_of_run is not None:
            spikes = {
                rm: Spike(
                    Decimal(s["increase"]),
                    Decimal(s["reversed"]),
                    Decimal(s["pay"]) if s.get("pay") else None,
                    Decimal(s["deferred"]) if s.get("deferred") else None,
                )
                for rm, s in (last_of_run.inputs.get("spikes") or {}).items()
            }
        if statuses is None and last_of_run is not None:
            statuses = dict(last_of_run.inputs.get("statuses") or {})
        adjustments = adjustments_of(run_id)
        carried = [
            f"adjustment_carried:{rm}:{a.carried_from}" for rm, a in sorted(adjustments.items()) if a.carried_from
        ]
        lines = compute_lines(rp, pools=pools, adjustments=adjustments, statuses=statuses)
        lines_data = [line_json(line, rp) for line in lines]
        inputs: dict[str, Any] = {
            "pools": {k: format(v, "f") for k, v in sorted((pools or {}).items())},
            "spikes": {
                rm: {"increase": format(s.increase, "f"), "reversed": format(s.reversed, "f")}
                | ({"pay": format(s.pay, "f")} if s.pay is not None else {})
                | ({"deferred": format(s.deferred, "f")} if s.deferred is not None else {})
                for rm, s in sorted((spikes or {}).items())
            },
        }
        if statuses:  # kept only when given, so earlier postings' fingerprints stay what they were
            inputs["statuses"] = dict(sorted(statuses.items()))
        fingerprint = hashlib.sha256(
            _canonical({"scheme": rp.run.scheme_hash, "lines": lines_data, "inputs": inputs}).encode()
        ).hexdigest()
        latest = PayPosting.objects.filter(store=home.store_id(), posting=rp.posting).order_by("-id").first()
        if latest is not None and latest.run_id == run_id and latest.fingerprint == fingerprint:
            own = history(home, posting=rp.posting)
            return PostOutcome(
                run_id, rp.posting, rp.period.label, False, [], lines, ledger.balances(own), latest.pk, carried
            )
        everything = history(home)
        try:
            new = ledger.post(
                lines,
                rp.policy,
                rp.posts,
                rp.period.end,
                everything,
                cycle=rp.period.label,
                scope=f"{rp.run.scheme_id}@",
                on=on or _today(),
                ref=f"run:{run_id}",
                spikes=spikes,
                rounding=rp.pay.rounding,
            )
        except ValueError as error:  # below the 2010 guideline; a re-post below what was since released
            raise LedgerError("ledger.post_refused", {"run": run_id, "detail": str(error)}) from None
        now = datetime.now(UTC)
        head = _save(new, home, user, now, rp.run)
        posting = PayPosting.objects.create(
            store=home.store_id(),
            run=rp.run,
            cycle=rp.period.label,
            posting=rp.posting,
            fingerprint=fingerprint,
            posted_at=now,
            posted_by=user,
            inputs=inputs,
            entries=len(new),
            lines=lines_data,
            seq=(latest.seq if latest is not None else 0) + 1,
            ledger_head=head,
        )
        own = history(home, posting=rp.posting)
        sums = ledger.balances(own)
        problems = ledger.discrepancies(everything + new)
        if problems:  # never store a ledger that does not reconcile
            raise LedgerError("ledger.does_not_reconcile", {"detail": "; ".join(problems[:5])})
        corrections = sum(1 for e in new if e.reason == "correction")
        _audit(
            user,
            "pay.post",
            "run",
            str(run_id),
            {
                "posting": rp.posting,
                "pay_posting": posting.pk,
                "entries": len(new),
                "corrections": corrections,
                "fingerprint": fingerprint,
                "earned": format(sums.total.earned, "f"),
                "paid": format(sums.total.paid, "f"),
                "pools": inputs["pools"],
            },
            reason="re-post after a change" if latest is not None and latest.run_id == run_id else "",
        )
    return PostOutcome(run_id, rp.posting, rp.period.label, True, new, lines, sums, posting.pk, carried)


# --- the sub-branch's adjustment ---------------------------------------------------------------------


def record_adjustment(
    home: Home,
    run_id: int,
    rm_id: str,
    *,
    amount: Decimal | None = None,
    share: Decimal | None = None,
    reason: str,
    by: str,
    user: str = "",
    withdraw: bool = False,
) -> PostOutcome | None:
    """Record a sub-branch's adjustment of ``rm_id``'s maintenance pay in run ``run_id`` (003 附件5).

    ``withdraw``: the committee says an adjustment in force for the run (its own, or one carried
    over from an earlier run of the scheme and period) no longer stands.

    Refused without a reason, with both or neither of amount and share, or beyond the
    scheme's limit (±50 % of maintenance pay): the pay is computed with it before it is
    recorded. When the run was already posted, it is re-posted: the difference is a
    correction entry. Returns that re-post, if any.
    """
    from django.db import transaction

    from rmperf.core.pay.rules import PayError
    from rmperf.db.models import PayAdjustment, PayPosting

    if not reason or not reason.strip():
        raise LedgerError("ledger.adjust_no_reason", {"rm": rm_id})
    if withdraw:
        return _withdraw_adjustment(home, run_id, rm_id, reason=reason.strip(), by=by, user=user)
    if (amount is None) == (share is None):
        raise LedgerError("ledger.adjust_amount_or_share", {"rm": rm_id})
    if amount is not None and amount != amount.quantize(FEN):
        raise LedgerError("ledger.not_fen", {"value": format(amount, "f")})
    rp = run_pay(home, run_id)
    if rm_id not in {p.get("rm_id") for p in rp.payloads}:
        raise LedgerError("ledger.rm_not_in_run", {"rm": rm_id, "run": run_id})
    adjustments = adjustments_of(run_id)
    adjustments[rm_id] = Adjustment(reason=reason.strip(), by=by, amount=amount, share=share)
    last = PayPosting.objects.filter(store=home.store_id(), run_id=run_id).order_by("-id").first()
    pools = {k: Decimal(v) for k, v in (last.inputs.get("pools") or {}).items()} if last is not None else None
    statuses = dict(last.inputs.get("statuses") or {}) if last is not None else None
    try:
        compute_lines(rp, pools=pools, adjustments=adjustments, statuses=statuses)
    except PayError as error:
        raise LedgerError("ledger.adjust_refused", {"detail": error.render()}) from None
    with transaction.atomic():
        row = PayAdjustment.objects.create(
            run=rp.run,
            rm_id=rm_id,
            amount=format(amount, "f") if amount is not None else "",
            share=format(share, "f") if share is not None else "",
            reason=reason.strip(),
            by=by,
            at=datetime.now(UTC),
        )
        _audit(
            by or user,
            "pay.adjust",
            "run",
            str(run_id),
            {"rm_id": rm_id, "adjustment": row.pk, "amount": row.amount, "share": row.share},
            reason=reason.strip(),
        )
    if last is None:
        return None
    return pay_run(home, run_id, user=by or user)


def _withdraw_adjustment(home: Home, run_id: int, rm_id: str, *, reason: str, by: str, user: str) -> PostOutcome | None:
    from django.db import transaction

    from rmperf.db.models import PayAdjustment, PayPosting, Run

    run = Run.objects.filter(pk=run_id).first()
    if run is None:
        raise LedgerError("ledger.no_run", {"run": run_id})
    before = adjustments_of(run_id).get(rm_id)
    if before is None:
        raise LedgerError("ledger.adjust_nothing_to_withdraw", {"rm": rm_id, "run": run_id})
    with transaction.atomic():
        row = PayAdjustment.objects.create(
            run=run, rm_id=rm_id, amount="", share="", withdrawn=True, reason=reason, by=by, at=datetime.now(UTC)
        )
        _audit(
            by or user,
            "pay.adjust_withdraw",
            "run",
            str(run_id),
            {
                "rm_id": rm_id,
                "adjustment": row.pk,
                "before": {
                    "amount": format(before.amount, "f") if before.amount is not None else "",
                    "share": format(before.share, "f") if before.share is not None else "",
                    "reason": before.reason,
                    "run": before.carried_from or run_id,
                },
            },
            reason=reason,
        )
    if not PayPosting.objects.filter(store=home.store_id(), run_id=run_id).exists():
        return None
    return pay_run(home, run_id, user=by or user)


# --- clawback and early release ------------------------------------------------------------------------


def policy_for(home: Home, rm_id: str) -> LedgerPolicy:
    """The ledger policy of the latest posting that paid ``rm_id`` (the defaults when none did)."""
    from rmperf.db.models import LedgerEntry

    row = (
        LedgerEntry.objects.filter(store=home.store_id(), rm_id=rm_id, run__isnull=False)
        .order_by("-id")
        .values_list("run_id", flat=True)
        .first()
    )
    if row is None:
        return LedgerPolicy()
    return run_pay(home, int(row)).policy


#: instalments of a clawback at most (three years of monthly instalments)
MAX_INSTALMENTS = 36
#: the months of pay a clawback against pay may take back without a second approver
CLAWBACK_WINDOW_MONTHS = 36


def _person(name: str) -> str:
    return " ".join(name.split()).casefold()


def _different_people(action: str, entered_by: str, approved_by: str, second: str = "") -> None:
    """Maker and checker (D168): who approves is not who enters, and a second approver is a third person."""
    people = [_person(p) for p in (entered_by, approved_by, second) if p]
    if len(set(people)) != len(people):
        raise LedgerError(f"ledger.self_approval_{action}", {"user": entered_by})


def _known_rm(home: Home, rm_id: str) -> bool:
    """Whether ``rm_id`` is in the store's managers table (any version)."""
    import duckdb

    from rmperf.db.models import StoredFile

    paths = [
        str(home.store / p)
        for p in StoredFile.objects.filter(store=home.store_id(), table="managers").values_list("path", flat=True)
    ]
    if not paths:
        return False
    with duckdb.connect() as con:
        found = con.execute("SELECT count(*) FROM read_parquet(?) WHERE rm_id = ?", [paths, rm_id]).fetchone()
    return bool(found and found[0])


def _clawback_cap(past: Sequence[Entry], rm_id: str, on: date) -> Decimal:
    """What a clawback against pay may take without a second approver: what the RM earned in the window
    before ``on``, less the clawback orders made in it."""
    from rmperf.core.pay.ledger import add_months

    start = add_months(on, -CLAWBACK_WINDOW_MONTHS)
    earned = sum((e.amount for e in past if e.rm_id == rm_id and e.kind == "earned" and e.on >= start), Decimal(0))
    ordered = sum(
        (e.amount for e in past if e.rm_id == rm_id and e.kind == "clawback" and e.pool != "reserve" and e.on >= start),
        Decimal(0),
    )
    return max(earned - ordered, Decimal(0))


def record_clawback(
    home: Home,
    rm_id: str,
    amount: Decimal | None,
    *,
    reason: str,
    approved_by: str,
    target: str = "pay",
    instalments: int | None = None,
    every_months: int = 3,
    ref: str = "",
    on: date | None = None,
    user: str = "",
    override_approved_by: str = "",
) -> list[Entry]:
    """Record a clawback order (it is met at the postings that follow its due dates).

    ``target="reserve"``: a responsible RM's loan turned non-performing (002) — the
    reserve (by default all of it beyond earlier orders) in the policy's instalments.
    ``target="pay"`` or ``"deferral"``: pay issued on wrong information, falsified
    results or a restatement, against future pay (first from unreleased tranches).

    Limits (D168): 1–36 instalments, 1–12 months apart; an RM of the data or of the ledger; approved by
    someone other than who enters it; against pay, at most what the RM earned in the last
    ``CLAWBACK_WINDOW_MONTHS`` less the orders already made in that time, unless a second approver
    (``override_approved_by``, a third person) agrees to more.
    """
    from django.db import transaction

    entered_by = user or getpass.getuser()
    if not reason or not reason.strip():
        raise LedgerError("ledger.clawback_no_reason", {"rm": rm_id})
    if not approved_by or not approved_by.strip():
        raise LedgerError("ledger.clawback_no_approval", {"rm": rm_id})
    _different_people("clawback", entered_by, approved_by, override_approved_by)
    if amount is not None and (amount != amount.quantize(FEN) or amount <= 0):
        raise LedgerError("ledger.not_fen", {"value": format(amount, "f")})
    if (instalments is not None and not 1 <= instalments <= MAX_INSTALMENTS) or not 1 <= every_months <= 12:
        raise LedgerError("ledger.instalments_range", {"value": instalments, "limit": MAX_INSTALMENTS})
    when = on or _today()
    with transaction.atomic():
        past = history(home, rm_id=rm_id)
        if not past and not _known_rm(home, rm_id):
            raise LedgerError("ledger.no_such_rm", {"rm": rm_id})
        if target != "reserve" and amount is not None and not override_approved_by:
            cap = _clawback_cap(past, rm_id, when)
            if amount > cap:
                raise LedgerError(
                    "ledger.clawback_cap",
                    {
                        "rm": rm_id,
                        "amount": format(amount.quantize(FEN), "f"),
                        "cap": format(cap.quantize(FEN), "f"),
                        "months": CLAWBACK_WINDOW_MONTHS,
                    },
                )
        if target == "reserve":
            free = ledger.available_for_clawback(past, rm_id, "reserve")
            if free <= 0 or (amount is not None and amount > free):
                raise LedgerError(
                    "ledger.reserve_short", {"rm": rm_id, "free": format(free, "f"), "amount": format(amount or 0, "f")}
                )
        try:
            if target == "reserve":
                policy = policy_for(home, rm_id)
                new = ledger.clawback_reserve(
                    past,
                    rm_id,
                    policy,
                    on=when,
                    reason=reason,
                    approval=approved_by,
                    amount=amount.quantize(FEN) if amount is not None else None,
                    instalments=instalments,
                    every_months=every_months,
                    ref=ref,
                )
            else:
                if amount is None:
                    raise LedgerError("ledger.clawback_amount", {"rm": rm_id})
                new = ledger.clawback(
                    past,
                    rm_id,
                    amount.quantize(FEN),
                    on=when,
                    reason=reason,
                    approval=approved_by + (f"; {override_approved_by}" if override_approved_by else ""),
                    target=target,
                    instalments=instalments if instalments is not None else 1,
                    every_months=every_months,
                    ref=ref,
                )
        except ValueError as error:
            raise LedgerError("ledger.clawback_refused", {"detail": str(error)}) from None
        _save(new, home, entered_by, datetime.now(UTC))
        _audit(
            entered_by,
            "pay.clawback",
            "rm",
            rm_id,
            {
                "target": target,
                "amount": format(sum((e.amount for e in new), Decimal("0.00")), "f"),
                "instalments": [{"amount": format(e.amount, "f"), "due": e.due.isoformat()} for e in new if e.due],
                "approved_by": approved_by,
                "override_approved_by": override_approved_by,
                "ref": ref,
                "key": new[0].posting if new else "",
            },
            reason=reason,
        )
    return new


def record_release(
    home: Home, rm_id: str, *, reason: str, approved_by: str, pool: str = "reserve", user: str = ""
) -> list[Entry]:
    """Release what an RM's reserve (or deferral) holds early, e.g. when the loans behind it matured clean."""
    from django.db import transaction

    if not reason or not reason.strip() or not approved_by or not approved_by.strip():
        raise LedgerError("ledger.release_needs", {"rm": rm_id})
    entered_by = user or getpass.getuser()
    _different_people("release", entered_by, approved_by)
    with transaction.atomic():
        try:
            new = ledger.release_early(
                history(home, rm_id=rm_id), rm_id, on=_today(), reason=reason, approval=approved_by, pool=pool
            )
        except ValueError as error:
            raise LedgerError("ledger.release_refused", {"detail": str(error)}) from None
        if not new:
            raise LedgerError("ledger.nothing_to_release", {"rm": rm_id})
        _save(new, home, entered_by, datetime.now(UTC))
        _audit(
            entered_by,
            "pay.release",
            "rm",
            rm_id,
            {"pool": pool, "amount": format(sum((e.amount for e in new if e.kind == "paid"), Decimal(0)), "f")},
            reason=reason,
        )
    return new


# --- reading the ledger ----------------------------------------------------------------------------------


def rm_ledger(home: Home, rm_id: str) -> tuple[list[Entry], Balance]:
    entries = history(home, rm_id=rm_id)
    return entries, ledger.balances(entries).per_rm.get(rm_id, Balance())


def latest_posting(home: Home, run_id: int) -> Any:
    """The latest ``PayPosting`` of run ``run_id``'s scheme and period; refused when that is another run's."""
    from rmperf.db.models import PayPosting, Run

    try:
        run = Run.objects.get(pk=run_id)
    except Run.DoesNotExist:
        raise LedgerError("ledger.no_run", {"run": run_id}) from None
    posting = f"{run.scheme_id}@{run.period}"
    latest = PayPosting.objects.filter(store=home.store_id(), posting=posting).order_by("-id").first()
    if latest is None or not PayPosting.objects.filter(store=home.store_id(), run_id=run_id).exists():
        raise LedgerError("ledger.not_posted", {"run": run_id})
    if latest.run_id != run_id:
        raise LedgerError("ledger.posted_from_other_run", {"run": run_id, "other": latest.run_id, "posting": posting})
    return latest


def posting_balances(home: Home, run_id: int) -> Balances:
    """The ledger's balances of run ``run_id``'s posting (every entry of its scheme and period, corrections too)."""
    posting = latest_posting(home, run_id)
    return ledger.balances(history(home, posting=posting.posting))


def balance_json(b: Balance) -> dict[str, str]:
    return {k: format(v, "f") for k, v in b.as_dict().items()}


#: the largest amount a money command takes (yuan), and the most fraction digits of a number it takes
MONEY_LIMIT = Decimal(10) ** 12
FRACTION_DIGITS = 8


def parse_decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise LedgerError("ledger.not_decimal", {"what": what, "value": text}) from None
    if not value.is_finite():
        raise LedgerError("ledger.not_decimal", {"what": what, "value": text})
    # a trillion yuan is beyond any pay; a share is a fraction: refuse rather than overflow later
    if abs(value) >= MONEY_LIMIT or (value != 0 and int(value.as_tuple().exponent) < -FRACTION_DIGITS):
        raise LedgerError("ledger.number_range", {"what": what, "value": text[:40]})
    return value


# --- comparing two runs' pay ----------------------------------------------------------------------------


def pay_figures(
    home: Home, run_id: int
) -> tuple[dict[str, dict[str, Decimal]] | None, dict[str, tuple[str, str]], str | None]:
    """Per RM, each pay component's amount and the line's ``gross``, as the run would pay today.

    Pools are those the run was last posted with; adjustments those in force for it. Returns
    ``(figures, labels, None)`` — ``labels``: component key → (zh, en) — or ``(None, {}, reason)``
    when the run's scheme has no pay rules or its pay cannot be computed.
    """
    from rmperf.core.pay.rules import PayError
    from rmperf.db.models import PayPosting

    try:
        rp = run_pay(home, run_id)
    except LedgerError as error:
        return None, {}, error.render()
    last = PayPosting.objects.filter(store=home.store_id(), run_id=run_id).order_by("-id").first()
    pools = {k: Decimal(v) for k, v in (last.inputs.get("pools") or {}).items()} if last is not None else None
    statuses = dict(last.inputs.get("statuses") or {}) if last is not None else None
    try:
        lines = compute_lines(rp, pools=pools, adjustments=adjustments_of(run_id), statuses=statuses)
    except (PayError, LedgerError) as error:
        return None, {}, error.render()
    out: dict[str, dict[str, Decimal]] = {}
    labels: dict[str, tuple[str, str]] = {"gross": ("应发合计", "gross pay")}
    for line in lines:
        figures: dict[str, Decimal] = {}
        for c in line.components:
            key = f"{c.kind}:{c.label_zh}"
            labels[key] = (c.label_zh, c.label_en)
            figures[key] = figures.get(key, Decimal("0.00")) + c.amount
        figures["gross"] = line.gross
        out[line.rm_id] = figures
    return out, labels, None


def diff_pay(home: Home, run_a: int, run_b: int) -> dict[str, Any]:
    """What differs in pay between two runs: per RM the components whose amounts differ, and the totals.

    A component one run has and the other lacks counts as 0 in the other (an adjustment dropped, a
    reward no longer earned), so every difference in money shows.
    """
    a, labels_a, why_a = pay_figures(home, run_a)
    b, labels_b, why_b = pay_figures(home, run_b)
    labels = {**labels_a, **labels_b}
    if a is None and b is None:
        return {"compared": False, "why": [why_a, why_b], "changed_rms": [], "totals": None, "labels": labels}
    a, b = a or {}, b or {}
    zero = Decimal("0.00")
    changed = []
    for rm in sorted(set(a) | set(b)):
        x, y = a.get(rm, {}), b.get(rm, {})
        parts = {
            k: [format(x.get(k, zero), "f"), format(y.get(k, zero), "f")]
            for k in sorted(set(x) | set(y), key=lambda k: (k == "gross", k))
            if x.get(k, zero) != y.get(k, zero)
        }
        if parts:
            changed.append({"rm_id": rm, "components": parts})
    total_a = sum((f["gross"] for f in a.values()), zero)
    total_b = sum((f["gross"] for f in b.values()), zero)
    return {
        "compared": True,
        "why": [why_a, why_b],
        "changed_rms": changed,
        "totals": [format(total_a, "f"), format(total_b, "f")],
        "labels": labels,
    }


# --- the figures 003's forms (附件5) show ------------------------------------------------------------------


def form_figures(home: Home, run_id: int) -> dict[str, dict[str, Any]]:
    """Per RM, what 003 附件5 shows beside the scores: the sub-branch's adjustment and the final pay.

    ``adjustment`` (yuan, the adjustment component), ``reason``, ``by``, ``carried_from`` (the run it
    was recorded on when carried over), ``final`` (最终实际核发绩效: the line's performance pay, the
    adjustment included) and ``dimensions`` (the dimensions the adjusted maintenance pay is of).
    Empty when the run's scheme has no pay rules; without pool amounts ``final`` is left out.
    """
    from rmperf.core.pay.rules import PayError
    from rmperf.db.models import PayPosting

    try:
        rp = run_pay(home, run_id)
    except LedgerError:
        return {}
    adjustments = adjustments_of(run_id)
    maintenance_dims = tuple(
        ref.partition(".")[2]
        for part in rp.pay.performance
        if part.maintenance
        for ref in part.of.refs
        if ref.startswith(("points.", "dimension."))
    )
    last = PayPosting.objects.filter(store=home.store_id(), run_id=run_id).order_by("-id").first()
    pools = {k: Decimal(v) for k, v in (last.inputs.get("pools") or {}).items()} if last is not None else None
    statuses = dict(last.inputs.get("statuses") or {}) if last is not None else None
    out: dict[str, dict[str, Any]] = {}
    try:
        lines = {
            line.rm_id: line for line in compute_lines(rp, pools=pools, adjustments=adjustments, statuses=statuses)
        }
    except (PayError, LedgerError):
        lines = {}
    for p in rp.payloads:
        rm = p["rm_id"]
        adj = adjustments.get(rm)
        line = lines.get(rm)
        amount = sum((c.amount for c in line.component("adjustment")), Decimal("0.00")) if line else None
        out[rm] = {
            "adjustment": amount if adj is not None else None,
            "reason": adj.reason if adj is not None else "",
            "by": adj.by if adj is not None else "",
            "carried_from": adj.carried_from if adj is not None else None,
            "final": line.performance if line is not None else None,
            "dimensions": maintenance_dims,
        }
    return out
