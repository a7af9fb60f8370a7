"""Models of the application database.

The fact store's catalog lives here, so that an import commits in one
database transaction: the Parquet files it wrote become visible only when
their :class:`StoredFile` rows commit, and files it replaced disappear from
later versions at that same moment (``removed_in``). A past version of the
store — the files of every table as they were after import N — stays
readable, which is how a past period is recomputed exactly as it was.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.conf import settings
from django.db import models

from rmperf.db.roles import RUN_FIXED_COLUMNS

#: UPDATE and DELETE refused by the database itself (PostgreSQL: pgtrigger; SQLite: migration 0006)
APPEND_ONLY = pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)


class DataImport(models.Model):
    """One attempt to import a data package (导入记录): who, when, what, outcome."""

    class Status(models.TextChoices):
        RUNNING = "running"
        COMMITTED = "committed"  # stored; the store's version is this import's id
        UNCHANGED = "unchanged"  # valid, but nothing new: the store did not change
        REJECTED = "rejected"  # errors found; nothing stored
        FAILED = "failed"  # crashed; nothing stored

    store = models.CharField(max_length=36, db_index=True)  # Home.store_id()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    user = models.CharField(max_length=150)
    source = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RUNNING)
    row_counts = models.JSONField(default=dict)
    changed_tables = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    error_count = models.IntegerField(default=0)
    stored_bytes = models.BigIntegerField(default=0)
    duration_ms = models.BigIntegerField(default=0)

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"import #{self.id} {self.status} by {self.user}"


class StoredFile(models.Model):
    """A Parquet file of the fact store and the versions it belongs to."""

    store = models.CharField(max_length=36)
    table = models.CharField(max_length=64)
    partition = models.CharField(max_length=64, blank=True)
    path = models.TextField()  # relative to the store root
    # Which accounts' rows a balances file holds (D139): "cny" or "fx" (foreign-currency
    # accounts, as the accounts table said when the file was written); "" = all accounts.
    subset = models.CharField(max_length=8, blank=True, default="")
    rows = models.BigIntegerField()
    bytes = models.BigIntegerField()
    #: the file's content as stored (SHA-256), and its modification time then: a run re-hashes a file
    #: whose time changed, and refuses one whose size or content did (D165)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    mtime_ns = models.BigIntegerField(default=0)
    added_in = models.ForeignKey(DataImport, on_delete=models.PROTECT, related_name="added_files")
    removed_in = models.ForeignKey(DataImport, on_delete=models.PROTECT, null=True, related_name="removed_files")

    class Meta:
        indexes = (models.Index(fields=("store", "table", "removed_in")),)

    def __str__(self) -> str:
        return self.path


class PeriodStamp(models.Model):
    """Fingerprint of one stored period of a table (a day, a month, or ``*``).

    Lets an import tell, without rescanning the store, whether a period it
    carries is new (append), the same (skip) or different (restate).
    """

    store = models.CharField(max_length=36)
    table = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    rows = models.BigIntegerField()
    fingerprint = models.CharField(max_length=80)
    added_in = models.ForeignKey(DataImport, on_delete=models.PROTECT, related_name="+")
    superseded_in = models.ForeignKey(DataImport, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        indexes = (models.Index(fields=("store", "table", "period")),)

    def __str__(self) -> str:
        return f"{self.table}@{self.period}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class AuditEvent(models.Model):
    """Append-only audit log (审计日志): who did what, when and why."""

    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    detail = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    #: the hash chain (``rmperf.db.chain``): the previous event's digest, and this one's
    prev = models.CharField(max_length=64, default="")
    digest = models.CharField(max_length=64, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        triggers = (APPEND_ONLY,)
        constraints = (models.UniqueConstraint(fields=("prev",), name="audit_chain_links_once"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("the audit log is append-only")


class Run(models.Model):
    """A numbered calculation of one scheme on one period (考核计算批次), reproducible from what it records.

    The inputs are the store's version (whose files never change), the
    scheme file's exact text and the uploaded tables' content; the code is
    the package version and a hash of its source. Running again on the same
    inputs gives a new run with the same ``result_hash``.
    """

    store = models.CharField(max_length=36, db_index=True)
    created_at = models.DateTimeField()
    user = models.CharField(max_length=150)
    scheme_id = models.CharField(max_length=64)
    scheme_version = models.IntegerField()
    scheme_source = models.TextField()  # the path or template name asked for
    scheme_text = models.TextField()  # the file as it was read
    scheme_hash = models.CharField(max_length=64)
    period = models.CharField(max_length=32)
    engine = models.CharField(max_length=16)
    store_version = models.IntegerField(null=True)
    input_hash = models.CharField(max_length=64)
    #: the uploaded tables (targets, manual values): name → sha256 and rows
    uploads = models.JSONField(default=dict)
    code_version = models.CharField(max_length=100)
    result_hash = models.CharField(max_length=64)
    rm_count = models.IntegerField(default=0)
    skipped = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    #: seconds per step (indicators, evaluation, storing)
    timings = models.JSONField(default=dict)

    class Meta:
        ordering = ("id",)
        # a run is what it computed: only its timings are written after it (the storing step's own)
        triggers = (
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Delete),
            pgtrigger.Protect(
                name="fixed_once_made",
                operation=pgtrigger.Update,
                condition=pgtrigger.AnyChange(*RUN_FIXED_COLUMNS),
            ),
        )

    def __str__(self) -> str:
        return f"run {self.pk} {self.scheme_id} v{self.scheme_version} {self.period}"


class RunResult(models.Model):
    """One RM's result in a run: the headline figures as columns, the whole trace as JSON.

    Decimals are kept as text (exact; JSON and SQLite have no decimal type).
    """

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="results")
    rm_id = models.CharField(max_length=64)
    org_id = models.CharField(max_length=64)
    total = models.CharField(max_length=40)
    rank = models.IntegerField()
    group = models.CharField(max_length=200)
    veto = models.BooleanField(default=False)
    payload = models.JSONField()

    class Meta:
        ordering = ("run", "rm_id")
        constraints = (models.UniqueConstraint(fields=("run", "rm_id"), name="one_result_per_rm_and_run"),)
        triggers = (APPEND_ONLY,)

    def __str__(self) -> str:
        return f"run {self.run_id} {self.rm_id} {self.total}"


# --- pay ledger (薪酬台账) ------------------------------------------------------------------------------


class _AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("the pay ledger is append-only: record a correction instead")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("the pay ledger is append-only: record a correction instead")


class _AppendOnly(models.Model):
    """Rows that are written once and never changed or deleted (a correction is a new row)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError(f"{type(self).__name__} is append-only: record a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError(f"{type(self).__name__} is append-only: record a correction instead")


class LedgerEntry(_AppendOnly):
    """One entry of the pay ledger (``rmperf.core.pay.ledger.Entry``), append-only.

    Amounts are kept as integer fen (exact on SQLite and PostgreSQL alike, and summable in SQL).
    """

    store = models.CharField(max_length=36, db_index=True)
    rm_id = models.CharField(max_length=64)
    cycle = models.CharField(max_length=32)
    kind = models.CharField(max_length=16)
    amount_fen = models.BigIntegerField()
    on = models.DateField()
    due = models.DateField(null=True)
    reason = models.TextField()
    ref = models.TextField(blank=True)
    approval = models.CharField(max_length=150, blank=True)  # "" = none
    posting = models.TextField()
    key = models.TextField()
    pool = models.CharField(max_length=16, blank=True)
    claim = models.TextField(blank=True)  # "" = none
    #: the run a posting computed, when the entry comes from one
    run = models.ForeignKey(Run, on_delete=models.PROTECT, null=True, related_name="ledger_entries")
    created_at = models.DateTimeField()
    created_by = models.CharField(max_length=150)
    #: the hash chain of the store's ledger (``rmperf.db.chain``)
    prev = models.CharField(max_length=64, default="")
    digest = models.CharField(max_length=64, default="")

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = (
            models.Index(fields=("store", "rm_id")),
            models.Index(fields=("store", "posting")),
        )
        triggers = (APPEND_ONLY,)
        constraints = (models.UniqueConstraint(fields=("store", "prev"), name="ledger_chain_links_once"),)

    def __str__(self) -> str:
        return f"{self.rm_id} {self.cycle} {self.kind} {self.amount_fen / 100:.2f}"


class PayPosting(_AppendOnly):
    """A run's pay posted to the ledger for its cycle, with the inputs that made it (once per inputs).

    ``fingerprint`` hashes the scheme text, the pay lines (so the adjustments and pools behind them)
    and the spikes: posting the run again while this row is the latest of its scheme and period
    with the same fingerprint changes nothing; after an adjustment, or after another run of the
    same scheme and period was posted, the re-post writes correction entries and a new row.
    """

    store = models.CharField(max_length=36, db_index=True)
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="pay_postings")
    cycle = models.CharField(max_length=32)
    posting = models.TextField()
    fingerprint = models.CharField(max_length=64)
    posted_at = models.DateTimeField()
    posted_by = models.CharField(max_length=150)
    #: what the posting was given besides the run: ``{"pools": {org: amount}, "spikes": {rm: {...}}}``
    inputs = models.JSONField(default=dict)
    entries = models.IntegerField(default=0)
    #: the pay lines as computed (components, gross, performance), decimals as text
    lines = models.JSONField(default=list)
    #: the n-th posting of ``posting`` (1, 2, …): unique, so two postings at the same time cannot both be the next
    seq = models.IntegerField(default=0)
    #: the ledger chain's head after this posting's entries: rows cut off the chain's end show (D164)
    ledger_head = models.CharField(max_length=64, blank=True, default="")

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("store", "posting")),)
        triggers = (APPEND_ONLY,)
        constraints = (models.UniqueConstraint(fields=("store", "posting", "seq"), name="one_posting_at_a_time"),)

    def __str__(self) -> str:
        return f"posting {self.posting} of run {self.run_id}"


class PayAdjustment(_AppendOnly):
    """A sub-branch's adjustment of an RM's maintenance pay in a run (003 附件5 支行调整维护绩效).

    Exactly one of ``amount`` and ``share`` (decimals as text, + or −; the other is ""); the latest
    row per run and RM is in force, the earlier ones stay as the record. An adjustment is the
    committee's decision about the person and the period: it stands for every later run of the same
    scheme and period (a corrected run) until a newer row replaces it or one with ``withdrawn``
    takes it back (D141).
    """

    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="pay_adjustments")
    rm_id = models.CharField(max_length=64)
    amount = models.CharField(max_length=40, blank=True)  # "" = not given
    share = models.CharField(max_length=40, blank=True)
    #: True: the adjustment no longer stands (from this run on); amount and share are ""
    withdrawn = models.BooleanField(default=False)
    reason = models.TextField()
    by = models.CharField(max_length=150)
    at = models.DateTimeField()

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("run", "rm_id")),)
        triggers = (APPEND_ONLY,)

    def __str__(self) -> str:
        return f"run {self.run_id} {self.rm_id} {self.amount or self.share}"


# --- people (人员与授权) ----------------------------------------------------------------------------------


class RoleGrant(models.Model):
    """One role of a user on one org unit and so its whole subtree (角色授权).

    ``org_id`` "" is the whole bank; a 客户经理 grant names the RM the user is (``rm_id``). A grant is
    revoked, never deleted (``revoked_at``), and each change is in the audit log (``services.people``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="grants")
    role = models.CharField(max_length=32)
    org_id = models.CharField(max_length=64, blank=True)
    rm_id = models.CharField(max_length=64, blank=True)
    granted_by = models.CharField(max_length=150)
    granted_at = models.DateTimeField()
    revoked_by = models.CharField(max_length=150, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=("user", "revoked_at")),)

    def __str__(self) -> str:
        return f"{self.user_id} {self.role}@{self.org_id or '*'}{' ' + self.rm_id if self.rm_id else ''}"


# --- work in the background (后台任务) ----------------------------------------------------------------------


class UploadJob(models.Model):
    """A data package uploaded in the web app and imported in the background (上传导入任务): who, what,
    how far it has got, and the import it became (``DataImport``, whose problems the page lists)."""

    class State(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"  # the import finished: committed, unchanged or rejected (see the import)
        FAILED = "failed"  # the work itself failed; nothing stored

    store = models.CharField(max_length=36, db_index=True)
    user = models.CharField(max_length=150)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sources = models.JSONField(default=list)  # the names of the uploaded files, as the user gave them
    size = models.BigIntegerField(default=0)
    folder = models.TextField()  # where the package waits, under the home's uploads/
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    stage = models.CharField(max_length=64, blank=True)  # the table or step being read
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    data_import = models.ForeignKey(DataImport, null=True, blank=True, on_delete=models.PROTECT)
    message = models.TextField(blank=True)  # the failure, as a sentence

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"upload #{self.pk} {self.state} by {self.user}"
