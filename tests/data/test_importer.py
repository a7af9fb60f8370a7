"""The importer stores all or nothing, changes nothing on re-import, appends and restates by period."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from rmperf.home import Home
from rmperf.ingest.importer import import_package
from rmperf.store import FactStore
from tests.pkgbuilder import Rows, write_package

pytestmark = pytest.mark.django_db


def snapshot(home: Home) -> tuple[set[str], list[tuple[object, ...]]]:
    """Every file under the store, and every catalog row: the store's whole state."""
    from rmperf.db.models import PeriodStamp, StoredFile

    files = {str(p.relative_to(home.store)) for p in home.store.rglob("*") if p.is_file()}
    catalog = list(StoredFile.objects.order_by("id").values_list("id", "path", "removed_in_id"))
    catalog += list(PeriodStamp.objects.order_by("id").values_list("id", "period", "fingerprint", "superseded_in_id"))
    return files, catalog


def rows(home: Home, sql_table: str, query: str, version: int | None = None) -> list[tuple[object, ...]]:
    scan = FactStore(home).scan_sql(sql_table, version)
    return duckdb.sql(query.replace("{t}", scan)).fetchall()


def test_import_stores_typed_parquet(home: Home, package: Path) -> None:
    result = import_package(package, home, user="alice")
    assert result.status == "committed", [p.render() for p in result.problems]
    assert result.row_counts["balances"] == 6
    [(kind, total)] = rows(home, "balances", "SELECT typeof(balance), sum(balance) FROM {t} GROUP BY 1")
    assert kind == "DECIMAL(18,2)"
    assert total == Decimal("1000.00") + Decimal("500000") + Decimal("200.5") + Decimal("1200.10") + Decimal("499000")
    # leading zeros of ids survive
    assert rows(home, "managers", "SELECT rm_id FROM {t} ORDER BY 1")[0] == ("0001",)
    # region_type is inherited from the parent when empty
    assert rows(home, "orgs", "SELECT region_type FROM {t} WHERE org_id = 'S1'") == [("agri_county",)]
    # assignment kind defaults to manage
    assert rows(home, "assignments", "SELECT count(*) FROM {t} WHERE kind = 'manage'") == [(4,)]


def test_reimport_changes_nothing(home: Home, package: Path) -> None:
    from rmperf.db.models import DataImport

    first = import_package(package, home)
    before = snapshot(home)
    second = import_package(package, home)
    assert first.status == "committed"
    assert second.status == "unchanged"
    assert snapshot(home) == before
    assert FactStore(home).current_version() == first.import_id
    assert DataImport.objects.get(id=second.import_id).content_hash == first.content_hash


def test_same_content_in_another_format_changes_nothing(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    first = import_package(write_package(tmp_path / "a", tables), home)
    before = snapshot(home)
    again = import_package(write_package(tmp_path / "b", tables, {"balances": "parquet", "orgs": "xlsx"}), home)
    assert first.status == "committed"
    assert again.status == "unchanged", [p.render() for p in again.problems]
    assert snapshot(home) == before


def test_an_error_in_the_last_file_stores_nothing(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    from rmperf.db.models import DataImport

    ok = import_package(write_package(tmp_path / "ok", tables), home)
    before = snapshot(home)
    tables["balances"].append({"date": "2025-01-03", "account_id": "A1", "balance": "5"})
    tables["orgs"][3]["level"] = "district"  # orgs.csv is the last file read
    bad = import_package(write_package(tmp_path / "bad", tables), home)
    assert ok.status == "committed"
    assert bad.status == "rejected"
    assert [p.code for p in bad.errors] == ["value.enum"]
    assert snapshot(home) == before
    record = DataImport.objects.get(id=bad.import_id)
    assert record.error_count == 1
    assert record.errors[0]["place"]["file"] == "orgs.csv"
    assert not any(home.staging.iterdir())  # the work area is cleaned up


def test_next_day_appends_and_old_versions_stay_readable(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    day1 = import_package(write_package(tmp_path / "d1", tables), home)
    tables["balances"] = [
        {"date": "2025-01-03", "account_id": "A1", "balance": "1300"},
        {"date": "2025-01-03", "account_id": "A2", "balance": "498000"},
    ]
    day2 = import_package(write_package(tmp_path / "d2", tables), home)
    assert day2.status == "committed"
    assert day2.changed_tables == ["balances"]  # reference tables did not change
    assert day2.restated == {}
    assert rows(home, "balances", "SELECT count(*), max(date) FROM {t}")[0][0] == 8
    assert rows(home, "balances", "SELECT count(*) FROM {t}", day1.import_id) == [(6,)]


def test_a_period_carried_again_is_restated(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    first = import_package(write_package(tmp_path / "a", tables), home)
    tables["balances"][3]["balance"] = "1250.10"  # 2025-01-02, A1 corrected
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.status == "committed"
    assert second.restated == {"balances": ["2025-01-02"]}
    assert any(p.code == "import.restated" for p in second.warnings)
    query = "SELECT balance FROM {t} WHERE account_id = 'A1' AND date = DATE '2025-01-02'"
    assert rows(home, "balances", query) == [(Decimal("1250.10"),)]
    assert rows(home, "balances", query, first.import_id) == [(Decimal("1200.10"),)]
    assert rows(home, "balances", "SELECT count(*) FROM {t}") == [(6,)]


def test_reference_data_is_versioned(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    first = import_package(write_package(tmp_path / "a", tables), home)
    tables["managers"][0]["grade"] = "senior_3"
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.changed_tables == ["managers"]
    query = "SELECT grade FROM {t} WHERE rm_id = '0001'"
    assert rows(home, "managers", query) == [("senior_3",)]
    assert rows(home, "managers", query, first.import_id) == [("mid_1",)]


def test_every_import_is_recorded_and_audited(home: Home, package: Path, tmp_path: Path) -> None:
    from rmperf.db.models import AuditEvent, DataImport

    import_package(package, home, user="alice")
    import_package(tmp_path / "missing", home, user="bob")
    records = list(DataImport.objects.filter(store=home.store_id()).order_by("id"))
    assert [(r.user, r.status) for r in records] == [("alice", "committed"), ("bob", "rejected")]
    assert records[0].row_counts["balances"] == 6
    assert len(records[0].content_hash) == 64
    assert records[0].finished_at is not None
    assert records[0].stored_bytes > 0
    events = list(
        AuditEvent.objects.filter(object_type="data_import", object_id__in=[str(r.id) for r in records]).order_by("id")
    )
    assert [(e.actor, e.action) for e in events] == [
        ("alice", "data.import.committed"),
        ("bob", "data.import.rejected"),
    ]
    with pytest.raises(PermissionError):
        events[0].save()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(reason="x")


def test_optional_tables_append_by_month(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    tables["attendance"] = [
        {"month": "2025-01", "rm_id": "0001", "required_days": "21", "present_days": "20"},
        {"month": "2025-02", "rm_id": "0001", "required_days": "18", "present_days": "18"},
    ]
    tables["ratings"] = [
        {
            "period": "2025-Q1",
            "rm_id": "0001",
            "rater_id": "0002",
            "rater_role": "supervisor",
            "criterion": "attitude",
            "score": "4.5",
        },
    ]
    result = import_package(write_package(tmp_path / "a", tables), home)
    assert result.status == "committed", [p.render() for p in result.problems]
    parts = {p.parent.name for p in (home.store / "attendance").rglob("*.parquet")}
    assert parts == {"month=2025-01", "month=2025-02"}
    assert {p.parent.name for p in (home.store / "ratings").rglob("*.parquet")} == {"period=2025-Q1"}


def test_two_homes_sharing_one_database_do_not_mix(tmp_path: Path, tables: dict[str, Rows]) -> None:
    """A shared PostgreSQL may serve several homes: each store's catalog is its own."""
    a, b = Home(tmp_path / "a"), Home(tmp_path / "b")
    first = import_package(write_package(tmp_path / "pa", tables), a)
    tables["balances"] = tables["balances"][:2]
    second = import_package(write_package(tmp_path / "pb", tables), b)
    assert (first.status, second.status) == ("committed", "committed")
    assert second.restated == {}  # b's first import, whatever a holds
    assert rows(a, "balances", "SELECT count(*) FROM {t}") == [(6,)]
    assert rows(b, "balances", "SELECT count(*) FROM {t}") == [(2,)]
    assert a.store_id() != b.store_id()


def filed(home: Home, version: int | None = None) -> dict[str, set[tuple[str, str]]]:
    """Each balances subset's (account, day) rows, read from that subset's files alone (D139)."""
    store = FactStore(home)
    return {
        subset: {
            (a, d.isoformat())
            for a, d in duckdb.sql(
                f"SELECT account_id, date FROM {store.scan_sql('balances', version, subset)}"
            ).fetchall()
        }
        for subset in ("cny", "fx")
    }


def test_balances_are_filed_by_the_currency_of_their_account(home: Home, package: Path) -> None:
    assert import_package(package, home).status == "committed"
    assert FactStore(home).balances_split()
    days = ("2025-01-01", "2025-01-02")
    assert filed(home) == {
        "cny": {(a, d) for a in ("A1", "A2") for d in days},
        "fx": {("A3", d) for d in days},  # the USD account
    }
    # a reference table is one file of every account
    from rmperf.db.models import StoredFile

    assert set(
        StoredFile.objects.filter(store=home.store_id()).exclude(table="balances").values_list("subset", flat=True)
    ) == {""}


def test_a_restated_day_keeps_the_split(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    first = import_package(write_package(tmp_path / "a", tables), home)
    tables["balances"][4]["balance"] = "498000.00"  # 2025-01-02, A2 corrected
    tables["balances"][5]["balance"] = "10.00"  # 2025-01-02, A3 corrected
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.restated == {"balances": ["2025-01-02"]}
    assert filed(home) == filed(home, first.import_id)
    assert FactStore(home).balances_split()
    assert rows(home, "balances", "SELECT sum(balance) FROM {t} WHERE date = DATE '2025-01-02'") == [
        (Decimal("1200.10") + Decimal("498000") + Decimal("10"),)
    ]


def test_an_account_that_changes_currency_is_filed_again(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    first = import_package(write_package(tmp_path / "a", tables), home)
    tables["accounts"][0]["currency"] = "USD"  # A1 was CNY
    tables["accounts"][2]["currency"] = "CNY"  # A3 was USD
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.status == "committed"
    assert second.changed_tables == ["accounts", "balances"]
    assert second.restated == {}  # no day's figures changed: the same rows, filed again
    days = ("2025-01-01", "2025-01-02")
    assert filed(home) == {
        "cny": {(a, d) for a in ("A2", "A3") for d in days},
        "fx": {("A1", d) for d in days},
    }
    assert filed(home, first.import_id)["fx"] == {("A3", d) for d in days}  # the past version as it was
    assert rows(home, "balances", "SELECT count(*), sum(balance) FROM {t}") == rows(
        home, "balances", "SELECT count(*), sum(balance) FROM {t}", first.import_id
    )


def test_an_account_dropped_and_listed_again_in_another_currency_is_filed_again(
    home: Home, tmp_path: Path, tables: dict[str, Rows]
) -> None:
    """The store files an account as the latest accounts table that listed it said, not just the last one."""
    day1 = [r for r in tables["balances"] if r["date"] == "2025-01-01"]
    day2 = [r for r in tables["balances"] if r["date"] == "2025-01-02"]
    a1 = tables["accounts"][0]
    assert import_package(write_package(tmp_path / "a", {**tables, "balances": day1}), home).status == "committed"
    without_a1 = [r for r in tables["accounts"] if r is not a1]
    dropped = {**tables, "accounts": without_a1, "balances": [r for r in day2 if r["account_id"] != "A1"]}
    assert import_package(write_package(tmp_path / "b", dropped), home).status == "committed"
    february = [{**r, "date": "2025-02-01"} for r in day2 if r["account_id"] != "A3"]  # A3 closed on 2 January
    again = {**tables, "accounts": [*without_a1, {**a1, "currency": "USD"}], "balances": february}
    third = import_package(write_package(tmp_path / "c", again), home)
    assert third.status == "committed", [p.render() for p in third.problems]
    assert ("A1", "2025-01-01") in filed(home)["fx"]  # stored by the first import as CNY
    assert not {a for a, _ in filed(home)["cny"]} & {"A1", "A3"}


def test_a_month_restated_whole_leaves_no_old_file(home: Home, tmp_path: Path, tables: dict[str, Rows]) -> None:
    """Every stored day of January carried again, changed: the old files go, nothing of them is kept."""
    from rmperf.db.models import StoredFile

    import_package(write_package(tmp_path / "a", tables), home)
    for row in tables["balances"]:
        row["balance"] = "7.00"
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.restated == {"balances": ["2025-01-01", "2025-01-02"]}
    assert rows(home, "balances", "SELECT count(*), sum(balance) FROM {t}") == [(6, Decimal("42.00"))]
    live = StoredFile.objects.filter(store=home.store_id(), table="balances", removed_in__isnull=True)
    assert {(f.subset, f.added_in_id) for f in live} == {("cny", second.import_id), ("fx", second.import_id)}
    assert filed(home)["fx"] == {("A3", "2025-01-01"), ("A3", "2025-01-02")}


def test_the_filing_is_kept_once_and_renewed_only_when_accounts_change(
    home: Home, tmp_path: Path, tables: dict[str, Rows]
) -> None:
    from rmperf.db.models import StoredFile

    def filings() -> list[int]:
        return list(
            StoredFile.objects.filter(store=home.store_id(), table="filing", removed_in__isnull=True).values_list(
                "added_in_id", flat=True
            )
        )

    first = import_package(write_package(tmp_path / "a", tables), home)
    assert filings() == [first.import_id]
    [(path,)] = StoredFile.objects.filter(store=home.store_id(), table="filing").values_list("path")
    assert duckdb.sql(f"SELECT * FROM read_parquet('{home.store / path}') ORDER BY 1").fetchall() == [
        ("A1", False),
        ("A2", False),
        ("A3", True),
    ]
    tables["balances"].append({"date": "2025-01-03", "account_id": "A1", "balance": "5.00"})
    import_package(write_package(tmp_path / "b", tables), home)
    assert filings() == [first.import_id]  # same accounts: the filing stands
    tables["accounts"].append({**tables["accounts"][0], "account_id": "A7"})
    third = import_package(write_package(tmp_path / "c", tables), home)
    assert filings() == [third.import_id]


def test_a_store_from_before_the_split_is_filed_on_its_next_import(
    home: Home, tmp_path: Path, tables: dict[str, Rows]
) -> None:
    """Balances files without a subset (an older store) are rewritten by currency with the next package."""
    from rmperf.db.models import StoredFile

    first = import_package(write_package(tmp_path / "a", tables), home)
    # as an older version left it: balances files of all accounts, and no filing
    StoredFile.objects.filter(store=home.store_id(), table="balances").update(subset="")
    StoredFile.objects.filter(store=home.store_id(), table="filing").delete()
    assert not FactStore(home).balances_split()
    tables["balances"].append({"date": "2025-01-03", "account_id": "A1", "balance": "5.00"})
    second = import_package(write_package(tmp_path / "b", tables), home)
    assert second.status == "committed"
    assert FactStore(home).balances_split()
    days = ("2025-01-01", "2025-01-02")
    assert filed(home) == {
        "cny": {(a, d) for a in ("A1", "A2") for d in days} | {("A1", "2025-01-03")},
        "fx": {("A3", d) for d in days},
    }
    assert rows(home, "balances", "SELECT count(*) FROM {t}", first.import_id) == [(6,)]
