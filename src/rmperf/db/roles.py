"""The application's database role on PostgreSQL: it may add rows, never take history away (D163).

Triggers refuse UPDATE and DELETE on the append-only tables, but a table's owner can drop a trigger,
truncate or drop the table. So in production the schema belongs to one role (the one that migrates)
and the application connects as another, which :func:`grant_sql` gives exactly what it needs:
INSERT and SELECT on the append-only tables (and on a run, UPDATE of its ``timings`` alone), every
row right on the working tables (the import log, the store's catalog), and the sequences. It owns
nothing, so it can neither drop, truncate nor alter a table, nor disable its triggers.
"""

from __future__ import annotations

import re

#: the tables whose rows are never changed or deleted
APPEND_ONLY_TABLES = (
    "rmperf_auditevent",
    "rmperf_ledgerentry",
    "rmperf_payadjustment",
    "rmperf_payposting",
    "rmperf_runresult",
)
#: a run's columns fixed once it is made: all but ``timings``, written after its results are stored
RUN_FIXED_COLUMNS = (
    "store",
    "created_at",
    "user",
    "scheme_id",
    "scheme_version",
    "scheme_source",
    "scheme_text",
    "scheme_hash",
    "period",
    "engine",
    "store_version",
    "input_hash",
    "uploads",
    "code_version",
    "result_hash",
    "rm_count",
    "skipped",
    "notes",
)
ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def grant_sql(role: str, tables: list[str]) -> list[str]:
    """The statements that give ``role`` the application's rights on ``tables`` (the schema's tables)."""
    if not ROLE_NAME.fullmatch(role):
        raise ValueError(f"not a plain role name: {role!r}")
    out = [
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
    ]
    for table in sorted(tables):
        if table in APPEND_ONLY_TABLES:
            out.append(f'GRANT SELECT, INSERT ON "{table}" TO "{role}"')
        elif table == "rmperf_run":
            out.append(f'GRANT SELECT, INSERT ON "{table}" TO "{role}"')
            out.append(f'GRANT UPDATE ("timings") ON "{table}" TO "{role}"')
        else:
            out.append(f'GRANT SELECT, INSERT, UPDATE, DELETE ON "{table}" TO "{role}"')
    return out


def grant(role: str) -> list[str]:
    """Give ``role`` the application's rights in the current (PostgreSQL) database; the statements run."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        from rmperf.errors import UserError

        raise UserError("db.grant_postgresql_only", {})
    tables = connection.introspection.table_names()
    statements = grant_sql(role, tables)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
