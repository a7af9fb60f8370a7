"""Rebuild the index of docs/decisions.md: every decision, and whether it is in force.

A decision is *superseded* when its text says "**Superseded by Dn**", and *amended* when it says
"**Amended by Dn:**" (an amendment kept apart from the original text), or "superseded by Dn", "since Dn"
otherwise. The index lists the decisions by subject (``SUBJECTS``, ``SUBJECT_OF``); the log below it
stays in the order the decisions were taken. Run ``python scripts/decisions_index.py``
after adding a decision; ``tests/test_docs.py`` fails while the index is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "decisions.md"
START, END = "<!-- index -->", "<!-- /index -->"
HEADING = re.compile(r"^### (D\d+)\. (.+)$")
SECTION = re.compile(r"^## (.+)$")
SUPERSEDED = re.compile(r"\*\*Superseded\s+by\s+(D\d+)")
AMENDED = re.compile(r"(?:[Ss]uperseded\s+by|[Ss]ince|confirmed\s+by|[Aa]mended\s+by)\s+(D\d+)")


#: the subjects of the index, in order, and the sections of the log each takes whole (a section is named
#: by its title without "(issue …)"); a section not listed is a subject of its own
SUBJECTS: dict[str, tuple[str, ...]] = {
    "Data, import and the store": ("Foundation",),
    "Indicators and the engine": ("Indicator engine", "Engine speed"),
    "Schemes: format, templates and rating forms": (
        "Scheme format and evaluation",
        "Scheme templates",
        "Rating forms in schemes: ranking and paired comparison",
    ),
    "Scoring methods and ratings": ("Scoring methods and ratings",),
    "Runs and explanations": ("Runs",),
    "Pay and the ledger": ("Pay rules", "The pay ledger"),
    "Grades and consequences": ("Grades and consequences",),
    "What users read and export": ("The XLSX workbook",),
    "Trust and integrity": (),
    "The demo bank and the tests": (),
    "The house: layers, services and seams": ("One face for the library",),
    "The web application": ("The web application",),
}

#: decisions of mixed sections (what an office found, trust), each put under its subject
SUBJECT_OF: dict[str, str] = {
    **dict.fromkeys(("D159", "D160", "D161", "D165", "D169"), "Data, import and the store"),
    **dict.fromkeys(("D140", "D141", "D142"), "Runs and explanations"),
    **dict.fromkeys(
        ("D147", "D148", "D149", "D150", "D153", "D154", "D155", "D156"), "Schemes: format, templates and rating forms"
    ),
    **dict.fromkeys(("D145", "D146", "D151", "D152", "D166", "D168"), "Pay and the ledger"),
    **dict.fromkeys(("D143", "D144", "D157", "D162", "D170"), "What users read and export"),
    **dict.fromkeys(("D163", "D164", "D167"), "Trust and integrity"),
    **dict.fromkeys(("D158", "D171"), "The demo bank and the tests"),
    "D179": "The demo bank and the tests",
}


def _subject(section: str | None, key: str) -> str:
    if key in SUBJECT_OF:
        return SUBJECT_OF[key]
    title = re.sub(r"\s*\(issue [^)]*\)\s*$", "", section or "")
    for subject, sections in SUBJECTS.items():
        if title in sections:
            return subject
    return title


def index(text: str) -> str:
    """The index block for ``text`` (the document without its current index): every decision by subject."""
    body = text.split(END, 1)[-1] if END in text else text
    entries: list[tuple[str, str, str | None, list[str]]] = []
    section = None
    for line in body.splitlines():
        m = SECTION.match(line)
        if m and not line.startswith("## Index"):
            section = m.group(1)
            continue
        m = HEADING.match(line)
        if m:
            entries.append((m.group(1), m.group(2), section, []))
        elif entries:
            entries[-1][3].append(line)
    grouped: dict[str, list[str]] = {s: [] for s in SUBJECTS}
    for key, title, in_section, text_lines in entries:
        own = "\n".join(text_lines)
        gone = SUPERSEDED.search(own)
        amended = sorted(
            {d for d in AMENDED.findall(own) if d != key and not (gone and d == gone.group(1))},
            key=lambda d: int(d[1:]),
        )
        state = f" — *superseded by {gone.group(1)}*" if gone else ""
        if amended:
            state += f" — amended by {', '.join(amended)}"
        grouped.setdefault(_subject(in_section, key), []).append(f"- {key} {title}{state}")
    lines = [START, "", "## Index by subject: what is in force", ""]
    lines.append("A decision marked *superseded* is no longer in force; one *amended* is, as its amendments say.")
    for subject, listed in grouped.items():
        if listed:
            lines += ["", f"**{subject}**", "", *listed]
    return "\n".join([*lines, "", END])


def rebuilt(text: str) -> str:
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
    else:  # first time: after the introduction (the first blank line after the title's paragraph)
        first = text.index("\n## ")
        head, tail = text[: first + 1], "\n" + text[first + 1 :]
    return head + index(tail) + tail


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    new = rebuilt(text)
    if "--check" in sys.argv[1:]:
        return 0 if new == text else 1
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
