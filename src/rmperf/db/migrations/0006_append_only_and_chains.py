"""Append-only tables in the database itself, and the hash chains of the ledger and the audit log (D163, D164)."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models

# frozen here as they were when this migration was written (rmperf.db.roles has today's lists)
APPEND_ONLY_TABLES = (
    "rmperf_auditevent",
    "rmperf_ledgerentry",
    "rmperf_payadjustment",
    "rmperf_payposting",
    "rmperf_runresult",
)
RUN_COLUMNS = (
    "store", "created_at", "user", "scheme_id", "scheme_version", "scheme_source", "scheme_text", "scheme_hash",
    "period", "engine", "store_version", "input_hash", "uploads", "code_version", "result_hash", "rm_count",
    "skipped", "notes",
)


def chain_existing_rows(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Give the rows written before the chains their digests, in the order they were written."""
    from rmperf.db.chain import AUDIT_FIELDS, GENESIS, LEDGER_FIELDS, content, digest_of

    AuditEvent = apps.get_model("rmperf", "AuditEvent")
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id"):
        digest = digest_of(prev, content(event, AUDIT_FIELDS))
        AuditEvent.objects.filter(id=event.id).update(prev=prev, digest=digest)
        prev = digest
    LedgerEntry = apps.get_model("rmperf", "LedgerEntry")
    heads: dict[str, str] = {}
    for entry in LedgerEntry.objects.order_by("id"):
        prev = heads.get(entry.store, GENESIS)
        digest = digest_of(prev, content(entry, LEDGER_FIELDS))
        LedgerEntry.objects.filter(id=entry.id).update(prev=prev, digest=digest)
        heads[entry.store] = digest
    PayPosting = apps.get_model("rmperf", "PayPosting")
    counts: dict[tuple[str, str], int] = {}
    for posting in PayPosting.objects.order_by("id"):
        key = (posting.store, posting.posting)
        counts[key] = counts.get(key, 0) + 1
        PayPosting.objects.filter(id=posting.id).update(seq=counts[key])


def sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in APPEND_ONLY_TABLES:
        for operation in ("UPDATE", "DELETE"):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'rmperf: {table} is append-only'); END"
            )
    columns = ", ".join(f'"{c}"' for c in RUN_COLUMNS)
    schema_editor.execute(
        f"CREATE TRIGGER rmperf_run_fixed BEFORE UPDATE OF {columns} ON rmperf_run "
        "BEGIN SELECT RAISE(ABORT, 'rmperf: a run is fixed once made'); END"
    )
    schema_editor.execute(
        "CREATE TRIGGER rmperf_run_no_delete BEFORE DELETE ON rmperf_run "
        "BEGIN SELECT RAISE(ABORT, 'rmperf: rmperf_run is append-only'); END"
    )


def drop_sqlite_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in APPEND_ONLY_TABLES:
        for operation in ("update", "delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    schema_editor.execute("DROP TRIGGER IF EXISTS rmperf_run_fixed")
    schema_editor.execute("DROP TRIGGER IF EXISTS rmperf_run_no_delete")


class Migration(migrations.Migration):

    dependencies = [
        ('rmperf', '0005_pay_adjustment_withdrawn'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='digest',
            field=models.CharField(default='', max_length=64),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='prev',
            field=models.CharField(default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='digest',
            field=models.CharField(default='', max_length=64),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='prev',
            field=models.CharField(default='', max_length=64),
        ),
        migrations.AddField(
            model_name='payposting',
            name='ledger_head',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.AddField(
            model_name='payposting',
            name='seq',
            field=models.IntegerField(default=0),
        ),
        migrations.AddField(
            model_name='storedfile',
            name='mtime_ns',
            field=models.BigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='storedfile',
            name='sha256',
            field=models.CharField(blank=True, default='', max_length=64),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('prev',), name='audit_chain_links_once'),
        ),
        migrations.AddConstraint(
            model_name='ledgerentry',
            constraint=models.UniqueConstraint(fields=('store', 'prev'), name='ledger_chain_links_once'),
        ),
        migrations.AddConstraint(
            model_name='payposting',
            constraint=models.UniqueConstraint(fields=('store', 'posting', 'seq'), name='one_posting_at_a_time'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='d5e4ad92673a8d9e0aa9b28296ddb8594fcc5aed', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_ff78d', table='rmperf_auditevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ledgerentry',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='17469ce13681366480ab0de656632c7afe47c369', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_f4a7b', table='rmperf_ledgerentry', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='payadjustment',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='db0b8386f48465c77a973b92017fa8ad6f94365a', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_1d2f0', table='rmperf_payadjustment', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='payposting',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='7647bd422f06180eb7cc76960deb1a5cff1b0027', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_a8c80', table='rmperf_payposting', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='run',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='9ec85f7d7296e8e03d53040d66d620768e8906f8', operation='DELETE', pgid='pgtrigger_append_only_44a78', table='rmperf_run', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='run',
            trigger=pgtrigger.compiler.Trigger(name='fixed_once_made', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."code_version" IS DISTINCT FROM (NEW."code_version") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."engine" IS DISTINCT FROM (NEW."engine") OR OLD."input_hash" IS DISTINCT FROM (NEW."input_hash") OR OLD."notes" IS DISTINCT FROM (NEW."notes") OR OLD."period" IS DISTINCT FROM (NEW."period") OR OLD."result_hash" IS DISTINCT FROM (NEW."result_hash") OR OLD."rm_count" IS DISTINCT FROM (NEW."rm_count") OR OLD."scheme_hash" IS DISTINCT FROM (NEW."scheme_hash") OR OLD."scheme_id" IS DISTINCT FROM (NEW."scheme_id") OR OLD."scheme_source" IS DISTINCT FROM (NEW."scheme_source") OR OLD."scheme_text" IS DISTINCT FROM (NEW."scheme_text") OR OLD."scheme_version" IS DISTINCT FROM (NEW."scheme_version") OR OLD."skipped" IS DISTINCT FROM (NEW."skipped") OR OLD."store" IS DISTINCT FROM (NEW."store") OR OLD."store_version" IS DISTINCT FROM (NEW."store_version") OR OLD."uploads" IS DISTINCT FROM (NEW."uploads") OR OLD."user" IS DISTINCT FROM (NEW."user"))', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='4d70b70f05eccb9ffe5eea52f9111a84e24e6dc5', operation='UPDATE', pgid='pgtrigger_fixed_once_made_d2db8', table='rmperf_run', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='runresult',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='a4024d055ca8ff82fdf5dfe55d4d871729374863', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_325f2', table='rmperf_runresult', when='BEFORE')),
        ),
        migrations.RunPython(sqlite_triggers, drop_sqlite_triggers),
    ]
