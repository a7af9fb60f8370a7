"""Hash chains over the pay ledger and the audit log: an edit, a removal or an insertion shows.

The database refuses UPDATE and DELETE on these tables (triggers, D163), but whoever owns the
database can drop a trigger, and a SQLite file can be edited by hand. So each row also carries
``digest`` = SHA-256 of the previous row's digest and of its own content, and ``prev`` (that previous
digest, unique: two rows can never follow the same one, so concurrent writers cannot fork the chain).
:func:`verify_ledger` and :func:`verify_audit` recompute every digest; a pay posting records the
ledger's head after its entries, so rows cut off the end show too.

Rows are only ever written through :func:`append_ledger` and :func:`audit`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

#: the content of a ledger entry that its digest covers (every column but the chain's own)
LEDGER_FIELDS = (
    "store",
    "rm_id",
    "cycle",
    "kind",
    "amount_fen",
    "on",
    "due",
    "reason",
    "ref",
    "approval",
    "posting",
    "key",
    "pool",
    "claim",
    "run_id",
    "created_at",
    "created_by",
)
AUDIT_FIELDS = ("at", "actor", "action", "object_type", "object_id", "detail", "reason")
GENESIS = ""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def content(row: Any, names: Sequence[str]) -> str:
    """The canonical text of a row's fields: sorted JSON, dates as ISO text, times in UTC."""
    return json.dumps(
        {name: _plain(getattr(row, name)) for name in names}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )


def digest_of(prev: str, text: str) -> str:
    return hashlib.sha256(f"{prev}\n{text}".encode()).hexdigest()


def lock(name: str) -> None:
    """Serialise the writers of ``name`` until the transaction ends (PostgreSQL: an advisory lock; SQLite's
    transactions take the write lock when they begin, ``transaction_mode: IMMEDIATE``)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"rmperf-chain:{name}"])


def append_ledger(store: str, rows: Sequence[Any]) -> str:
    """Write ledger rows (unsaved ``LedgerEntry`` objects of ``store``) at the chain's head; return the
    new head. Call inside the posting's transaction."""
    from rmperf.db.models import LedgerEntry

    lock(f"ledger:{store}")
    prev = head_of_ledger(store)
    for row in rows:
        row.prev = prev
        row.digest = prev = digest_of(prev, content(row, LEDGER_FIELDS))
    LedgerEntry.objects.bulk_create(rows, batch_size=500)
    return prev


def head_of_ledger(store: str) -> str:
    from rmperf.db.models import LedgerEntry

    last = LedgerEntry.objects.filter(store=store).order_by("-id").values_list("digest", flat=True).first()
    return last or GENESIS


def audit(
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    detail: dict[str, Any] | None = None,
    reason: str = "",
    at: datetime | None = None,
) -> Any:
    """Append one event to the audit log (审计日志): who, when, what, why, before and after in ``detail``."""
    from django.db import transaction

    from rmperf.db.models import AuditEvent

    with transaction.atomic():
        lock("audit")
        prev = AuditEvent.objects.order_by("-id").values_list("digest", flat=True).first() or GENESIS
        event = AuditEvent(
            at=at or datetime.now(UTC),
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str)),
            reason=reason,
        )
        event.prev = prev
        event.digest = digest_of(prev, content(event, AUDIT_FIELDS))
        event.save()
    return event


@dataclass(frozen=True)
class Break:
    """Where a chain no longer holds: the row (its id), and how."""

    table: str  # ledger | audit | posting
    row_id: int
    #: ``changed``: the row's content is not what its digest says; ``linked``: it does not follow the row
    #: before it (a row was removed or put in); ``head``: a posting's recorded head is not in the chain
    kind: str


def _walk(rows: Iterable[Any], names: Sequence[str], table: str) -> tuple[list[Break], set[str]]:
    breaks: list[Break] = []
    seen: set[str] = set()
    prev = GENESIS
    for row in rows:
        if row.prev != prev:
            breaks.append(Break(table, row.id, "linked"))
        if digest_of(row.prev, content(row, names)) != row.digest:
            breaks.append(Break(table, row.id, "changed"))
        prev = row.digest
        seen.add(row.digest)
    return breaks, seen


def verify_ledger(store: str) -> list[Break]:
    """Every break of a store's ledger chain, and every posting whose recorded head is not in it."""
    from rmperf.db.models import LedgerEntry, PayPosting

    breaks, seen = _walk(LedgerEntry.objects.filter(store=store).order_by("id").iterator(), LEDGER_FIELDS, "ledger")
    for posting_id, head in PayPosting.objects.filter(store=store).order_by("id").values_list("id", "ledger_head"):
        if head and head not in seen:
            breaks.append(Break("posting", posting_id, "head"))
    return breaks


def verify_audit() -> list[Break]:
    from rmperf.db.models import AuditEvent

    breaks, _ = _walk(AuditEvent.objects.order_by("id").iterator(), AUDIT_FIELDS, "audit")
    return breaks
