"""The access module on its own: who reads which part of the bank, and how customers are masked."""

from __future__ import annotations

from rmperf.services.access import mask_id, mask_name, scope_for, subtrees
from rmperf.services.context import Actor, Grant

TREE = {"0000": None, "0100": "0000", "0101": "0100", "0102": "0100", "0200": "0000", "0201": "0200"}


def test_a_grant_covers_its_org_unit_and_everything_under_it() -> None:
    assert subtrees(TREE, ["0100"]) == {"0100", "0101", "0102"}
    assert subtrees(TREE, ["0201"]) == {"0201"}
    assert subtrees(TREE, ["9999"]) == frozenset()  # an org unit the bank does not have covers nothing


def test_a_president_of_a_branch_reads_its_sub_branches_and_not_the_others() -> None:
    paul = scope_for(Actor("paul", (Grant("president", "0100"),)), TREE)
    assert paul.reads_rm("R1", "0101")
    assert paul.reads_rm("R2", "0102")
    assert not paul.reads_rm("R3", "0201")
    assert not paul.sees_amounts_of("R1")  # a president sees figures, not customers' balances
    assert not paul.audit


def test_an_rm_reads_themselves_alone_and_their_own_customers_in_full() -> None:
    rita = scope_for(Actor("rita", (Grant("rm", rm_id="R1"),)), TREE)
    assert rita.reads_rm("R1", "0101")
    assert not rita.reads_rm("R2", "0101")  # a colleague of the same sub-branch
    assert rita.serves("R1")
    assert not rita.serves("R2")
    assert rita.sees_amounts_of("R1")
    assert not rita.sees_amounts_of("R2")


def test_the_office_reads_the_whole_bank_but_customers_stay_masked() -> None:
    olivia = scope_for(Actor("olivia", (Grant("office"),)), TREE)
    assert olivia.reads_rm("R9", "0201")
    assert olivia.sees_amounts_of("R9")
    assert not olivia.serves("R9")
    assert olivia.audit


def test_the_administrator_reads_people_and_no_results() -> None:
    sam = scope_for(Actor("sam", (Grant("admin"),)), TREE)
    assert not sam.reads_results
    assert not sam.reads_rm("R1", "0101")
    assert sam.people
    assert sam.audit


def test_nobody_without_a_grant_reads_anything() -> None:
    nobody = scope_for(Actor("anonymous"), TREE)
    assert not nobody.reads_results
    assert not nobody.audit
    assert not nobody.people


def test_masking_keeps_just_enough_to_recognise() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_id("6222021234561234") == "6222********1234"
    assert mask_id("C0000123") == "C******3"
    assert mask_id("AB") == "**"
