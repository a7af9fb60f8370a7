"""Pay and the pay ledger as services: post a run's pay, the committee's adjustment, clawbacks, early
releases, an RM's ledger, a posting's balances, and the pay sheet.

Each function that changes the ledger asks :func:`~rmperf.services.permissions.permit` first, and
records the context's actor as who entered it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rmperf.errors import UserError
from rmperf.messages import Note, notes_of
from rmperf.runs.service import Upload
from rmperf.services.context import Context
from rmperf.services.permissions import permit

if TYPE_CHECKING:
    from rmperf.core.pay.ledger import Balance, Balances, Entry
    from rmperf.pay.paysheet import PaySheet
    from rmperf.pay.service import PostOutcome
    from rmperf.services.runs import Document


def parse_pools(values: Sequence[str] | None) -> dict[str, Decimal] | None:
    """``ORG=AMOUNT`` (or ``bank=AMOUNT``) bonus pools, as typed on a form or a command line."""
    from rmperf.pay.service import LedgerError, parse_decimal

    if not values:
        return None
    out: dict[str, Decimal] = {}
    for value in values:
        org, eq, amount = value.partition("=")
        if not eq or not org.strip():
            raise LedgerError("ledger.bad_pool", {"value": value})
        out[org.strip()] = parse_decimal(amount, f"--pool {org.strip()}")
    return out


@dataclass(frozen=True)
class Posted:
    """A run's pay posting, and its notes: the spikes measured for it, then the posting's own."""

    outcome: PostOutcome
    notes: tuple[Note, ...]


def post(
    ctx: Context,
    run_id: int,
    *,
    pools: Mapping[str, Decimal] | None = None,
    spikes: str | Upload | Path | None = None,
    statuses: Upload | Path | None = None,
) -> Posted:
    """Compute run ``run_id``'s pay and post it (once). ``spikes``: ``"auto"`` (measured by the engine over
    the scheme's window on the run's store version) or a table of them."""
    from rmperf.pay.service import engine_spikes, pay_run, read_spikes, read_statuses

    permit(ctx, "pay.post", run=run_id)
    ctx.setup()
    given = read_statuses(statuses) if statuses is not None else None
    measured = None
    notes: list[str] = []
    if spikes == "auto":
        measured, spike_notes = engine_spikes(ctx.home, run_id, pools=pools, statuses=given)
        notes += spike_notes
    elif spikes:
        measured = read_spikes(spikes if isinstance(spikes, Upload) else Path(spikes))
    outcome = pay_run(ctx.home, run_id, pools=pools, spikes=measured, statuses=given, user=ctx.actor.user_id)
    return Posted(outcome, notes_of([*notes, *outcome.notes]))


def adjust(
    ctx: Context,
    run_id: int,
    rm_id: str,
    *,
    amount: Decimal | None = None,
    share: Decimal | None = None,
    reason: str,
    by: str | None = None,
    withdraw: bool = False,
) -> PostOutcome | None:
    """The sub-branch's adjustment of an RM's maintenance pay (±50 %, 003 附件5), or its withdrawal."""
    from rmperf.pay.service import LedgerError, record_adjustment

    permit(ctx, "pay.adjust", run=run_id, rm=rm_id)
    ctx.setup()
    if withdraw and (amount is not None or share is not None):
        raise LedgerError("ledger.adjust_withdraw_alone", {"rm": rm_id})
    who = by or ctx.actor.user_id
    return record_adjustment(
        ctx.home,
        run_id,
        rm_id,
        amount=amount,
        share=share,
        reason=reason,
        by=who,
        user=who,
        withdraw=withdraw,
    )


def clawback(
    ctx: Context,
    rm_id: str,
    amount: Decimal | None,
    *,
    reason: str,
    approved_by: str,
    source: str = "pay",
    instalments: int | None = None,
    every_months: int = 3,
    ref: str = "",
    on: date | None = None,
    override_approved_by: str = "",
) -> list[Entry]:
    """A clawback order: from future pay, unreleased deferrals, or the risk reserve (in instalments)."""
    from rmperf.pay.service import LedgerError, record_clawback

    permit(ctx, "pay.clawback", rm=rm_id)
    ctx.setup()
    if source not in ("pay", "deferral", "reserve"):
        raise LedgerError("ledger.bad_source", {"value": source})
    return record_clawback(
        ctx.home,
        rm_id,
        amount,
        reason=reason,
        approved_by=approved_by,
        target=source,
        instalments=instalments,
        every_months=every_months,
        ref=ref,
        on=on,
        user=ctx.actor.user_id,
        override_approved_by=override_approved_by,
    )


def release(ctx: Context, rm_id: str, *, reason: str, approved_by: str, pool: str = "reserve") -> list[Entry]:
    """Release an RM's reserve (or deferral) early, beyond any pending clawback."""
    from rmperf.pay.service import record_release

    permit(ctx, "pay.release", rm=rm_id)
    ctx.setup()
    return record_release(ctx.home, rm_id, reason=reason, approved_by=approved_by, pool=pool, user=ctx.actor.user_id)


def rm_ledger(ctx: Context, rm_id: str) -> tuple[list[Entry], Balance]:
    """An RM's ledger entries and balances."""
    from rmperf.pay.service import rm_ledger as ledger_of

    ctx.setup()
    return ledger_of(ctx.home, rm_id)


def posting_balances(ctx: Context, run_id: int) -> Balances:
    """A posted run's balances, per RM and in total."""
    from rmperf.pay.service import posting_balances as balances_of

    ctx.setup()
    return balances_of(ctx.home, run_id)


def entry_json(e: Entry) -> dict[str, Any]:
    return {
        "cycle": e.cycle,
        "kind": e.kind,
        "amount": format(e.amount, "f"),
        "on": e.on.isoformat(),
        "due": e.due.isoformat() if e.due else None,
        "reason": e.reason,
        "ref": e.ref,
        "approval": e.approval,
        "pool": e.pool,
        "posting": e.posting,
    }


def paysheet(ctx: Context, run_id: int) -> PaySheet:
    """The pay sheet of a posted run, with sub-branch and bank totals checked against the ledger."""
    from rmperf.pay import paysheet as sheets
    from rmperf.services.runs import org_tree

    ctx.setup()
    return sheets.build(ctx.home, run_id, org_tree(ctx))


def paysheet_document(ctx: Context, sheet: PaySheet, fmt: str) -> Document:
    """The pay sheet as an ``xlsx`` or ``csv`` document in the context's language."""
    import tempfile

    from rmperf.pay import paysheet as sheets
    from rmperf.services.runs import Document

    if fmt not in ("xlsx", "csv"):
        raise UserError("value.paysheet_format", {"value": fmt})
    name = f"paysheet-{sheet.meta['run_id']}.{fmt}"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        (sheets.write_xlsx if fmt == "xlsx" else sheets.write_csv)(path, sheet, ctx.lang)
        media = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return Document(name, media, path.read_bytes())
