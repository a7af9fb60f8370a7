"""The documents a bank's staff and our own developers read stay true to the code.

docs/decisions.md keeps an index of every decision and whether it is still in force; it is rebuilt
by ``scripts/decisions_index.py`` and must never fall behind the decisions themselves.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent


def _indexer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("decisions_index", ROOT / "scripts" / "decisions_index.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_decisions_index_lists_every_decision_and_what_superseded_it() -> None:
    text = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    assert _indexer().rebuilt(text) == text, "run: python scripts/decisions_index.py"
    headings = re.findall(r"^### (D\d+)\. ", text, flags=re.M)
    listed = re.findall(r"^- (D\d+) ", text, flags=re.M)
    # by subject: every decision once, whatever its order in the log
    assert sorted(headings) == sorted(listed)
    assert len(set(headings)) == len(headings), "two decisions share a number"
    numbers = [int(d[1:]) for d in headings]
    assert numbers == list(range(1, len(numbers) + 1)), "decisions are numbered 1, 2, 3 … in order"


def test_a_superseded_decision_is_marked_in_the_index() -> None:
    indexer = _indexer()
    doc = (
        "# Decisions\n\nIntro.\n\n## Part\n\n### D1. Old rule\nText. **Superseded by D2**: the new one.\n\n"
        "### D2. New rule\nText.\n\n### D3. Amended rule\nSince D2 it also does more.\n"
    )
    out = indexer.rebuilt(doc)
    assert "- D1 Old rule — *superseded by D2*" in out
    assert "- D2 New rule\n" in out
    assert "- D3 Amended rule — amended by D2" in out
    assert indexer.rebuilt(out) == out
    split = indexer.rebuilt("# D\n\n## Part\n\n### D1. Rule\nText.\n\n> **Amended by D2:** more.\n\n### D2. More\nT.\n")
    assert "- D1 Rule — amended by D2" in split


def test_the_index_is_by_subject_and_every_decision_of_the_log_has_one() -> None:
    indexer = _indexer()
    text = (ROOT / "docs" / "decisions.md").read_text(encoding="utf-8")
    index = text.split("<!-- /index -->", 1)[0]
    subjects = re.findall(r"^\*\*(.+)\*\*$", index, flags=re.M)
    assert subjects == [s for s in indexer.SUBJECTS if f"**{s}**" in index]
    assert (
        "- D46 The scheme package is pure and keeps a checked copy of the indicator codes — *superseded by D176*"
        in index
    )
