"""Whether what the application wrote is still what it wrote (D164, D165).

The database refuses to change or delete ledger entries, postings, adjustments, the audit log and runs;
the hash chains, the runs' result hashes and the store's checksums show what was changed anyway — by
whoever owns the database or the files. ``rmperf verify`` reports all of it; a posting and a pay sheet
check the ledger and their run before they post or say "reconciled".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rmperf.errors import UserError
from rmperf.home import Home


def ledger_and_run(home: Home, run: Any = None) -> list[UserError]:
    """Every break of the store's ledger chain, and the run (when given) whose stored results are not
    what it computed."""
    from rmperf.db.chain import verify_ledger
    from rmperf.runs.service import stored_result_hash

    found = [
        UserError(f"ledger.tampered_{b.kind}", {"table": b.table, "row": b.row_id})
        for b in verify_ledger(home.store_id())
    ]
    if run is not None and stored_result_hash(run.pk) != run.result_hash:
        found.append(UserError("ledger.run_tampered", {"run": run.pk}))
    return found


@dataclass
class Verification:
    """What ``rmperf verify`` found: each a refusal-like message, none when everything holds."""

    ledger: list[UserError] = field(default_factory=list)
    audit: list[UserError] = field(default_factory=list)
    runs: list[UserError] = field(default_factory=list)
    store: list[UserError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.ledger or self.audit or self.runs or self.store)


def verify_home(home: Home) -> Verification:
    """Recompute every chain, every run's result hash and every stored file's checksum of ``home``."""
    from rmperf.db.chain import verify_audit
    from rmperf.db.models import AuditEvent, LedgerEntry, Run, StoredFile
    from rmperf.runs.service import stored_result_hash
    from rmperf.store import FactStore

    out = Verification()
    out.ledger = ledger_and_run(home)
    out.audit = [UserError(f"audit.tampered_{b.kind}", {"row": b.row_id}) for b in verify_audit()]
    runs = Run.objects.filter(store=home.store_id()).order_by("id")
    out.runs = [
        UserError("ledger.run_tampered", {"run": r.pk}) for r in runs if stored_result_hash(r.pk) != r.result_hash
    ]
    out.store = list(FactStore(home).verify())
    out.counts = {
        "ledger": LedgerEntry.objects.filter(store=home.store_id()).count(),
        "audit": AuditEvent.objects.count(),
        "runs": runs.count(),
        "files": StoredFile.objects.filter(store=home.store_id(), removed_in__isnull=True).count(),
    }
    return out
