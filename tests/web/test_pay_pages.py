"""Pay through HTTP: a run's pay sheet, cut to the reader's part of the bank with totals that still
reconcile to the ledger, its downloads cut the same way, and an RM's own ledger with its course over time."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any


def _sheet(client: Any, run_id: int) -> dict[str, Any]:
    response = client.get(f"/api/runs/{run_id}/pay/")
    assert response.status_code == 200
    return dict(response.json())


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _rm_rows(sheet: dict[str, Any]) -> list[dict[str, str]]:
    return [r for r in sheet["rows"] if r["row_type"] == "rm"]


def _total(sheet: dict[str, Any]) -> dict[str, str]:
    (total,) = [r for r in sheet["rows"] if r["row_type"] == "bank"]
    return total


def test_the_office_reads_the_whole_banks_pay_sheet_and_it_reconciles(as_: Any, bank: Any) -> None:
    sheet = _sheet(as_("olivia"), bank.run_id)
    assert sheet["whole_bank"]
    assert sheet["reconciles"]
    assert {r["rm_id"] for r in _rm_rows(sheet)} == set(bank.rms)
    for column in ("earned", "paid", "held"):
        assert sum(_amount(r[column]) for r in _rm_rows(sheet)) == _amount(_total(sheet)[column])
    page = as_("olivia").get(f"/runs/{bank.run_id}/pay/").content.decode()
    assert "薪酬发放表" in page
    assert "核对一致" in page


def test_a_committee_reads_its_sub_branch_with_its_own_totals(as_: Any, bank: Any) -> None:
    sheet = _sheet(as_("chen"), bank.run_id)
    mine = {rm for rm, org in bank.rms.items() if org == "0101"}
    assert {r["rm_id"] for r in _rm_rows(sheet)} == mine
    assert not sheet["whole_bank"]
    assert sheet["reconciles"]
    assert sum(_amount(r["paid"]) for r in _rm_rows(sheet)) == _amount(_total(sheet)["paid"])
    whole = _sheet(as_("olivia"), bank.run_id)
    assert _amount(_total(sheet)["paid"]) < _amount(_total(whole)["paid"])


def test_the_download_is_cut_as_the_page_is(as_: Any, bank: Any) -> None:
    response = as_("chen").get(f"/runs/{bank.run_id}/pay/", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    listed = {r[1] for r in rows[1:] if r[-1] == "rm"}
    assert listed == {rm for rm, org in bank.rms.items() if org == "0101"}
    book = as_("chen").get(f"/runs/{bank.run_id}/pay/", {"format": "xlsx"})
    assert book.status_code == 200
    assert book.content[:2] == b"PK"
    assert as_("chen").get(f"/runs/{bank.run_id}/pay/", {"format": "exe"}).status_code == 400


def test_an_rm_reads_their_own_line_and_ledger_and_nobody_elses(as_: Any, bank: Any) -> None:
    client = as_("rita")
    sheet = _sheet(client, bank.run_id)
    assert [r["rm_id"] for r in _rm_rows(sheet)] == ["R00001"]
    ledger = client.get("/api/rms/R00001/ledger/").json()
    assert ledger["lines"], "the posting wrote R00001's entries"
    earned = dict(ledger["balances"])["应发合计"]
    assert _amount(earned) == _amount(_rm_rows(sheet)[0]["earned"])
    assert ledger["chart"]["dates"]
    assert len(ledger["chart"]["paid"]) == len(ledger["chart"]["dates"])
    page = client.get("/rms/R00001/ledger/").content.decode()
    assert 'data-chart="ledger"' in page
    assert "我的薪酬" in page
    assert client.get("/rms/R00006/ledger/").status_code == 404
    assert client.get("/api/rms/R00006/ledger/").status_code == 404
    assert client.get("/api/rms/NOBODY/ledger/").status_code == 404


def test_the_ledgers_course_ends_at_its_balances(as_: Any, bank: Any) -> None:
    ledger = as_("olivia").get("/api/rms/R00001/ledger/").json()
    balances = dict(ledger["balances"])
    assert _amount(ledger["chart"]["paid"][-1]) == _amount(balances["实发金额"])
    assert _amount(ledger["chart"]["earned"][-1]) == _amount(balances["应发合计"])
